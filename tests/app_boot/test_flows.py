"""Each lifecycle is declared once with its other halves (``app_boot.flows``): the
resolvers of the deadlines that may wait for a calendar year, and the year hooks of the
deadlines kept in a table of their own. Nothing is declared without the other half."""

from __future__ import annotations

import inspect

import pytest

from app_boot.flows import Flow, build, flows
from config.database import Base
from config.errors import CalendarUnknown
from workflow import pending, timelimits
from workflow.calendar import WorkingCalendar
from workflow.lifecycle import LIFECYCLES

NO_YEARS = WorkingCalendar.build([], [], [])


def _waits(rule: timelimits.TimeLimitRule) -> bool:
    """Whether a clock of ``rule`` started today can wait for an unconfirmed year."""
    clock = {"start": "2026-06-09", "fixed_due": "2026-07-01"}
    try:
        timelimits.compute_due(rule, clock, NO_YEARS)
    except CalendarUnknown:
        return True
    return False


def _started_rules(flow: Flow) -> list[timelimits.TimeLimitRule]:
    lc = flow.lifecycle
    return [lc.time_limits[op.clock] for t in lc.transitions for op in t.clocks if op.op == "start"]


def test_bootstrap_installs_exactly_the_declared_table():
    registries = build(flows())
    assert registries.lifecycles == LIFECYCLES
    assert registries.resolvers == pending.RESOLVERS
    assert registries.year_hooks == pending.YEAR_HOOKS


@pytest.mark.parametrize("flow", flows(), ids=lambda f: f.lifecycle.name)
def test_a_lifecycle_whose_clocks_can_wait_has_their_resolver(flow):
    waits = any(_waits(rule) for rule in _started_rules(flow))
    name = flow.lifecycle.name
    assert waits == (name in flow.resolvers), (
        f"{name}: its clocks {'can' if waits else 'cannot'} wait for a calendar year, so it "
        f"{'needs' if waits else 'must not declare'} a resolver under its name"
    )


@pytest.mark.parametrize("flow", flows(), ids=lambda f: f.lifecycle.name)
def test_every_other_resolver_is_for_a_kind_its_module_lists(flow):
    """A side kind's resolver sits with the code that lists that kind's waiting deadlines."""
    for kind, resolver in flow.resolvers.items():
        if kind == flow.lifecycle.name:
            continue  # the engine lists the lifecycle's own (workflow.engine.sync_pending)
        module = inspect.getmodule(resolver)
        assert kind in vars(module).values(), f"{kind}: no constant in {module.__name__}"
        assert "pending.sync(" in inspect.getsource(module), f"{kind}: never listed"


def test_a_table_that_dates_on_a_confirmed_year_has_its_year_hook():
    """A model keeping a ``calendar_unknown`` flag waits for a year outside the pending
    table: a year hook of its package dates it; a hook of a package without one is left over."""
    waiting = {
        mapper.class_.__module__.split(".")[0]
        for mapper in Base.registry.mappers
        if "calendar_unknown" in mapper.columns
    }
    hooked = {
        hook.__module__.split(".")[0] for flow in flows() for hook in flow.year_hooks.values()
    }
    assert waiting and waiting == hooked


def test_a_name_declared_twice_is_refused():
    clue = flows()[0]
    with pytest.raises(ValueError, match="declared twice in app_boot.flows: clue"):
        build((clue, Flow(clue.lifecycle)))
    with pytest.raises(ValueError, match="referral"):
        build((clue, Flow(flows()[2].lifecycle, {"referral": pending.clear})))  # type: ignore[dict-item]

"""Every lifecycle of the application with the other halves it needs, declared once.

A deadline computed on the working-day calendar waits when its year is not yet confirmed
(``workflow.pending``): the engine lists a lifecycle's waiting clocks under the lifecycle's
name; a clue's side clocks (a referral's, an inquiry letter's) and a one-off report wait
under kinds of their own; the reporting obligations keep theirs in their own table. When
the year is confirmed, the resolver of each kind and every year hook compute them.

Each ``Flow`` names a lifecycle with those resolvers and hooks, so a lifecycle is not added
without saying how its waiting deadlines are computed, and no resolver is left without the
flow whose deadlines it computes (``tests/app_boot/test_flows.py`` checks both halves).
``bootstrap`` builds the registries from this table and installs them; importing a domain
module fills none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from workflow.lifecycle import Lifecycle
from workflow.pending import Resolver, YearHook


@dataclass(frozen=True)
class Flow:
    lifecycle: Lifecycle
    # Pending-deadline kind → resolver (the lifecycle's own name among them if its clocks
    # can wait for a year).
    resolvers: Mapping[str, Resolver] = field(default_factory=dict)
    # Deadlines of the flow kept in a table of their own, computed when a year is confirmed.
    year_hooks: Mapping[str, YearHook] = field(default_factory=dict)


@dataclass(frozen=True)
class Registries:
    lifecycles: dict[str, Lifecycle]
    resolvers: dict[str, Resolver]
    year_hooks: dict[str, YearHook]


def flows() -> tuple[Flow, ...]:
    """The one table: each lifecycle and what computes its deadlines once a year is known."""
    from cases import pending_deadlines as clue_deadlines
    from cases.lifecycle import CLUE_LIFECYCLE
    from rectification.lifecycle import RECTIFICATION_LIFECYCLE
    from reporting import oneoff
    from reporting.lifecycle import SUBMISSION_LIFECYCLE
    from reporting.obligations import date_pending_obligations

    return (
        Flow(
            CLUE_LIFECYCLE,
            {
                CLUE_LIFECYCLE.name: clue_deadlines.resolve_clue,
                clue_deadlines.REFERRAL: clue_deadlines.resolve_referral,
                clue_deadlines.INQUIRY: clue_deadlines.resolve_inquiry,
                clue_deadlines.REFERRAL_OUTCOME: clue_deadlines.resolve_outcome,
            },
        ),
        Flow(
            SUBMISSION_LIFECYCLE,
            {oneoff.PENDING_KIND: oneoff.resolve_pending},
            {"reporting.obligations": date_pending_obligations},
        ),
        # The item's deadline is the date the notice set (a fixed clock): nothing waits.
        Flow(RECTIFICATION_LIFECYCLE),
    )


def build(table: tuple[Flow, ...]) -> Registries:
    """The registries of ``table``; a name declared twice is an error."""
    found = Registries({}, {}, {})
    for flow in table:
        _add(found.lifecycles, {flow.lifecycle.name: flow.lifecycle})
        _add(found.resolvers, flow.resolvers)
        _add(found.year_hooks, flow.year_hooks)
    return found


def _add(registry: dict, entries: Mapping) -> None:
    twice = sorted(set(registry) & set(entries))
    if twice:
        raise ValueError(f"declared twice in app_boot.flows: {', '.join(twice)}")
    registry.update(entries)


def install(registries: Registries) -> None:
    """Make ``registries`` the ones the router, the diagram and the calendar read."""
    from workflow import lifecycle, pending

    lifecycle.install(registries.lifecycles)
    pending.install(registries.resolvers, registries.year_hooks)

"""Every (state, trigger) pair of the clue lifecycle against its table, and the diagram."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from cases.lifecycle import CLUE_LIFECYCLE, TRANSITIONS
from cases.service import available, fire
from cases.states import ClueState
from config.errors import InvalidTransition, NotFound, PermissionDenied
from directory.roles import Role
from directory.service import add_user
from tests.cases.factories import (
    actor_for,
    clue_in_state,
    destination,
    new_clue,
    satisfy_guards,
    valid_data,
)
from tests.conftest import unit, user
from workflow.models import OutboxEvent, TransitionLog

MIDYEAR = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PAIRS = [(s.value, t) for s in ClueState for t in TRANSITIONS]


@pytest.fixture(autouse=True)
def _midyear():
    # Deadlines of 60 days must stay inside years the official calendar covers.
    with time_machine.travel(MIDYEAR, tick=False):
        yield


@pytest.mark.parametrize(("state", "t"), PAIRS, ids=[f"{s}-{t.trigger}" for s, t in PAIRS])
def test_each_state_and_trigger_against_the_table(db, state, t):
    clue = clue_in_state(db, state)
    actor = actor_for(db, t)
    if state not in t.sources:
        with pytest.raises(InvalidTransition):
            fire(db, actor, clue, t.trigger, valid_data(db, clue, t))
        assert clue.state == state and clue.version == 1
        assert t not in available(db, actor, clue)
        return
    satisfy_guards(db, clue, t)
    assert t in available(db, actor, clue)
    data = valid_data(db, clue, t)
    log = fire(db, actor, clue, t.trigger, data)
    assert clue.state == destination(t, state)
    assert clue.version == 2
    assert (log.from_state, log.to_state, log.trigger) == (state, clue.state, t.trigger)
    assert log.actor_id == actor.id


def test_the_machine_and_the_table_agree_on_every_edge():
    expected = {
        (str(src), t.trigger, CLUE_LIFECYCLE.destination(t, str(src)))
        for t in TRANSITIONS
        for src in t.sources
    }
    assert CLUE_LIFECYCLE.edges() == expected


class _Probe:
    def __init__(self, state: str) -> None:
        self.state = state


def test_the_engine_steps_where_firing_the_machine_leads():
    """The engine reads destinations from the machine's table; firing an event agrees."""
    for t in TRANSITIONS:
        for src in t.sources:
            probe = _Probe(str(src))
            CLUE_LIFECYCLE.machine.events[t.trigger].trigger(probe)
            assert CLUE_LIFECYCLE.steps[(t.trigger, str(src))] == probe.state
    assert len(CLUE_LIFECYCLE.steps) == sum(len(t.sources) for t in TRANSITIONS)


def test_diagram_is_generated_from_the_table():
    diagram = CLUE_LIFECYCLE.mermaid()
    for src, trigger, dest in CLUE_LIFECYCLE.edges():
        label = CLUE_LIFECYCLE.by_trigger[trigger].label
        assert f"{src} --> {dest} : {label}" in diagram
    edge_lines = [line for line in diagram.splitlines() if "-->" in line and "[*]" not in line]
    assert len(edge_lines) == len(CLUE_LIFECYCLE.edges())


def test_roles_outside_the_table_are_refused(db):
    clue = new_clue(db)
    for name in ("handler", "reporter", "inspector", "admin"):
        with pytest.raises(PermissionDenied):
            fire(db, user(db, name), clue, "register", {})
    assert clue.state == ClueState.RECEIVED and clue.version == 1


def test_a_leader_of_another_county_cannot_see_or_act(db):
    other = add_user(
        db,
        username="leader2",
        display_name="外县领导",
        password="abcdef12345",
        role=Role.LEADER,
        unit=unit(db, "C01-D02"),
    )
    clue = new_clue(db)
    with pytest.raises(NotFound):
        fire(db, other, clue, "register", {})
    assert available(db, other, clue) == []


def test_inspector_reads_but_cannot_move_a_clue(db):
    clue = new_clue(db)
    assert available(db, user(db, "inspector"), clue) == []


def test_missing_required_fields_are_named_and_nothing_changes(db):
    from config.errors import ValidationError

    clue = clue_in_state(db, ClueState.TRIAGE)
    with pytest.raises(ValidationError) as err:
        fire(db, user(db, "handler"), clue, "propose", {"route": "verifying"})
    assert err.value.details == {"reason": "请填写“拟办意见”。"}
    with pytest.raises(ValidationError):
        fire(db, user(db, "handler"), clue, "propose", {"route": "nonsense", "reason": "x"})
    assert clue.state == ClueState.TRIAGE and clue.version == 1
    logs = db.scalar(
        select(func.count())
        .select_from(TransitionLog)
        .where(TransitionLog.subject_id == clue.id, TransitionLog.trigger == "propose")
    )
    assert logs == 0


def test_approval_only_for_the_proposed_route(db):
    clue = clue_in_state(db, ClueState.PENDING_APPROVAL)
    clue.proposed_route = "verifying"
    leader = user(db, "leader")
    offered = {t.trigger for t in available(db, leader, clue)}
    assert "approve_verifying" in offered and "approve_shelved" not in offered
    with pytest.raises(InvalidTransition, match="拟办意见不是"):
        fire(db, leader, clue, "approve_shelved", {})


def test_notifying_steps_write_an_outbox_event_in_the_same_transaction(db):
    clue = new_clue(db)
    fire(db, user(db, "clerk"), clue, "register", {})
    events = db.scalars(select(OutboxEvent).where(OutboxEvent.subject_id == clue.id)).all()
    assert [e.kind for e in events] == ["clue.registered"]
    assert "content" not in events[0].payload and "summary" not in events[0].payload

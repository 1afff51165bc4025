"""A handling record's JSON answer and its OpenAPI schema are derived from the fields its
actions declare (``cases.record_answers``): a field written is a field answered, and what
is answered fits what is described."""

from __future__ import annotations

import dataclasses
from datetime import date

import jsonschema
import pytest

from cases.record_actions import RECORD_ACTIONS, perform
from cases.record_answers import ANSWERS
from cases.states import ClueState
from tests.cases.factories import clue_in_state
from tests.conftest import unit, user
from workflow.fields import FieldKind, FieldSpec


def test_every_written_field_is_answered_except_targets_and_private_notes():
    for action in RECORD_ACTIONS.values():
        answer = ANSWERS[action.answer]
        if not answer.from_actions:
            continue
        props = answer.schema()["properties"]
        for spec in action.fields:
            hidden = spec.name == action.target or spec.private
            assert (answer.key(spec) in props) != hidden, (action.name, spec.name)


def test_a_field_added_to_an_action_reaches_the_answer_and_its_schema(monkeypatch):
    talk = RECORD_ACTIONS["talk"]
    place = FieldSpec("place", "谈话地点", FieldKind.TEXT, required=False, max_len=100)
    monkeypatch.setitem(
        RECORD_ACTIONS, "talk", dataclasses.replace(talk, fields=(*talk.fields, place))
    )
    schema = ANSWERS["Talk"].schema()
    assert schema["properties"]["place"] == {"type": "string", "description": "谈话地点"}
    assert "place" in schema["required"]


def _write_everything(db):
    actor = user(db, "handler")
    clue = clue_in_state(db, ClueState.DISPOSING, category="kickback")
    hospital = unit(db, "C01-D01-H01")

    def act(action, **data):
        return action, perform(db, actor, clue, action, data)

    subject = act("subject", kind="person", name="张某", post="doctor", institution_id=hospital.id)
    sanction = act(
        "sanction", subject_id=subject[1].id, kind="admonishment", decided_on="2026-06-15"
    )
    referral = act("referral", target="judicial", organ="清河县公安局", sent_on="2026-06-15")
    written = [
        subject,
        act("negative_list", supplier="某医药公司", reason="回扣"),  # a kickback clue still
        act("subject", kind="institution", name="某医院"),
        act("facts", category="check_08", amount_involved="0.5"),
        sanction,
        act("sanction_executed", sanction_id=sanction[1].id, executed_on="2026-06-16"),
        referral,
        act("referral_receipt", referral_id=referral[1].id, received_on="2026-06-18"),
    ]
    talks = clue_in_state(db, ClueState.TALK_INQUIRY)
    written.append(("talk", perform(db, actor, talks, "talk", {
        "talked_on": "2026-06-12", "person": "李某", "content": "说明情况"})))  # fmt: skip
    letter = perform(db, actor, talks, "inquiry", {"recipient": "李某", "sent_on": "2026-06-15"})
    written.append(("inquiry", letter))
    return clue, talks, written


@pytest.mark.usefixtures("db")
def test_every_answer_fits_its_schema_and_gives_back_what_was_written(db):
    clue, talks, written = _write_everything(db)
    for action_name, record in written:
        action = RECORD_ACTIONS[action_name]
        answer = ANSWERS[action.answer]
        owner = talks if action_name in ("talk", "inquiry") else clue
        body = answer.json(owner, record)
        jsonschema.validate(body, answer.schema())
        for spec, _always in answer.fields():
            value = getattr(owner if answer.of_clue else record, answer.key(spec))
            if isinstance(value, date):
                assert body[answer.key(spec)] == value.isoformat(), (action_name, spec.name)
    assert ANSWERS["Talk"].json(talks, written[-2][1])["talkers"] == ""  # blank text: ""

"""The clue page shows each handling record from the fields its actions declare
(``cases.record_views``): every written, non-private field, once set, is on the page
under its record, labelled as its form labels it. Values are generated from each
``FieldSpec``'s kind, so a field added to an action is written and looked for here
without touching this test."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from cases.record_actions import RECORD_ACTIONS, perform
from cases.record_answers import ANSWERS
from cases.record_views import RECORD_LISTS
from cases.reference import KICKBACK_CATEGORIES
from cases.states import ClueState
from tests.cases.factories import clue_in_state
from tests.conftest import login, unit, user
from workflow.fields import ID_KINDS, FieldKind, FieldSpec

BASE = date(2026, 6, 1)
FIELD = re.compile(r'data-field="(\w+)"><dt>(.*?)</dt><dd>(.*?)</dd>', re.S)

# What the generated values cannot know: which record an update names, and the choices
# that rules across fields tie together. Each action is written once per entry.
WRITES: list[tuple[str, dict[str, Any]]] = [
    ("subject", {}),
    ("facts", {"category": KICKBACK_CATEGORIES[-1]}),  # the negative list is for kickback clues
    ("plan", {}),
    ("talk", {}),
    ("inquiry", {}),
    ("inquiry_reply", {"letter_id": "inquiry"}),
    ("sanction", {"subject_id": "subject"}),
    ("sanction", {"subject_id": "subject", "executed_on": ""}),
    ("sanction_executed", {"sanction_id": "sanction"}),
    ("referral", {}),
    ("referral_receipt", {"referral_id": "referral"}),
    ("feedback", {"mode": "anonymous"}),
    ("feedback", {"mode": "not_applicable"}),
    ("negative_list", {}),
]


def _generated(db, spec: FieldSpec, n: int) -> Any:
    """A valid value of ``spec``, distinct for each ``n`` (dates increase with it)."""
    if spec.kind in (FieldKind.TEXT, FieldKind.TEXTAREA):
        return f"值{n}：{spec.label}"[: spec.max_len or None]
    if spec.kind is FieldKind.DATE:
        return (BASE + timedelta(days=n)).isoformat()
    if spec.kind is FieldKind.DECIMAL:
        return f"{n}.25"
    if spec.kind is FieldKind.CHOICE:
        return spec.choices[0][0]
    if spec.kind is FieldKind.UNIT:
        return unit(db, "C01-D01-H01").id
    if spec.kind is FieldKind.INTEGER:
        return n
    raise AssertionError(f"{spec.name}: say which record it names in WRITES")


def _write_every_field(db, clue) -> list[tuple[str, Any]]:
    actor, made, written, n = user(db, "handler"), {}, [], 0
    for name, given in WRITES:
        action = RECORD_ACTIONS[name]
        data = {}
        for spec in action.fields:
            n += 1
            value = given.get(spec.name, None)
            if isinstance(value, str) and value in made:
                value = made[value].id  # the latest record of that action
            data[spec.name] = _generated(db, spec, n) if value is None else value
        clue.state = sorted(action.states)[0]
        db.flush()
        made[name] = perform(db, actor, clue, name, data)
        written.append((name, made[name]))
    return written


def _expected(spec: FieldSpec, source: Any, attr: str) -> set[str]:
    """What may show for a stored value: a choice by either label, an id by its target."""
    value = getattr(source, attr)
    if spec.kind is FieldKind.CHOICE:
        return {dict(spec.choices).get(value, ""), getattr(source, f"{attr}_label", "")} - {""}
    if spec.kind in ID_KINDS:
        target = getattr(source, attr.removesuffix("_id"))
        return {getattr(target, "label", None) or target.name}
    if spec.kind is FieldKind.DECIMAL:
        return {format(Decimal(value).normalize(), "f")}
    if isinstance(value, date):  # as the office writes a date (issue 18: no ISO on pages)
        return {f"{value.year}年{value.month}月{value.day}日"}
    return {str(value)}


def _shown(page: str, record: str) -> dict[str, tuple[str, str]]:
    """field → (label, text) of the record marked ``data-record`` on the page."""
    start = page.index(f'data-record="{record}"')
    block = page[start : page.index("</dl>", start)]
    return {f: (html.unescape(dt), html.unescape(dd)) for f, dt, dd in FIELD.findall(block)}


def test_every_written_field_of_every_record_is_on_the_clue_page_when_set(client, db):
    key = {lst.answer: lst.key for lst in RECORD_LISTS}
    with time_machine.travel(datetime(2026, 9, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        clue = clue_in_state(db, ClueState.DISPOSING, reporter_named=False)
        written = _write_every_field(db, clue)
        clue.state = ClueState.FEEDBACK
        db.flush()
        login(client, "handler")
        page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    seen: set[tuple[str, str]] = set()
    for name, record in written:
        answer = ANSWERS[RECORD_ACTIONS[name].answer]
        source = clue if answer.of_clue else record
        shown = _shown(page, "facts" if answer.of_clue else f"{key[answer.name]}-{record.id}")
        for spec, _always in answer.fields():
            attr = answer.key(spec)
            if getattr(source, attr) in (None, ""):
                continue
            assert attr in shown, (answer.name, attr, shown)
            label, text = shown[attr]
            assert label == spec.label and text in _expected(spec, source, attr), (attr, text)
            seen.add((answer.name, spec.name))
    declared = {(a.name, spec.name) for a in ANSWERS.values() for spec, _always in a.fields()}
    assert declared - seen == set(), "WRITES never set these fields"
    notes = [r.internal_note for name, r in written if name == "feedback" and r.internal_note]
    assert notes and not any(note in page for note in notes)  # private: never shown

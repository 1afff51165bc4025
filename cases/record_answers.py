"""What the JSON API answers for each handling record, derived from the record actions.

An answer (an OpenAPI component named by ``RecordAction.answer``) is every field of the
actions that write the record — each ``FieldSpec`` gives its value's JSON (``answer``)
and its schema (``answer_schema``) — and the few values no form sets: the id, labels,
computed due dates, the time it was written. So adding a field to a record is its column,
one ``FieldSpec`` line in ``cases.record_actions`` and a migration: the page form, the
body check, the answer and both sides of the OpenAPI description follow.

Left out of an answer: the field naming the record an action updates (``target``), and a
``private`` field (feedback's internal note, which the clue page keeps to itself too).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from cases.models import Clue
from cases.record_actions import RECORD_ACTIONS
from cases.reference import category_label
from cases.states import ClueState
from workflow.fields import FieldSpec

INT = {"type": "integer"}
STR = {"type": "string"}
NSTR = {"type": ["string", "null"]}
NDAY = {"type": ["string", "null"], "format": "date"}
DAY = {"type": "string", "format": "date"}
MOMENT = {"type": "string", "format": "date-time"}


def unit_schema(*, nullable: bool = False) -> dict[str, Any]:
    return {
        "type": ["object", "null"] if nullable else "object",
        "required": ["id", "name"],
        "properties": {"id": INT, "name": STR},
        "additionalProperties": False,
    }


def day(d: date | None) -> str | None:
    return d.isoformat() if d else None


def moment(dt: datetime) -> str:
    # Stored in UTC; SQLite hands it back without the offset.
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).isoformat()


def unit_json(unit: Any) -> dict[str, Any] | None:
    return {"id": unit.id, "name": unit.name} if unit is not None else None


@dataclass(frozen=True)
class Extra:
    """A value of the answer that no form field sets."""

    name: str
    schema: Mapping[str, Any]
    value: Callable[[Any], Any]  # of the record (of the clue, for an answer ``of_clue``)


ID = Extra("id", INT, lambda r: r.id)
CREATED = Extra("created_at", MOMENT, lambda r: moment(r.created_at))


@dataclass(frozen=True)
class Answer:
    name: str
    extras: tuple[Extra, ...]
    from_actions: bool = True  # False: a record no action's fields describe (a child clue)
    of_clue: bool = False  # the record is the clue itself (its facts)
    attrs: Mapping[str, str] = field(default_factory=dict)  # field → the attribute it fills

    def fields(self) -> list[tuple[FieldSpec, bool]]:
        """Each answered field once, and whether every record has a value for it (a
        required field of an action that creates the record)."""
        found: dict[str, tuple[FieldSpec, bool]] = {}
        if not self.from_actions:
            return []
        for action in RECORD_ACTIONS.values():
            if action.answer != self.name:
                continue
            for spec in action.fields:
                if spec.name == action.target or spec.private:
                    continue
                always = action.creates and spec.required
                known = found.get(spec.name)
                found[spec.name] = (spec, always and (known is None or known[1]))
        return list(found.values())

    def key(self, spec: FieldSpec) -> str:
        return self.attrs.get(spec.name, spec.name)

    def json(self, clue: Clue, record: Any) -> dict[str, Any]:
        source = clue if self.of_clue else record
        values = {self.key(s): s.answer(getattr(source, self.key(s))) for s, _ in self.fields()}
        return values | {extra.name: extra.value(source) for extra in self.extras}

    def schema(self) -> dict[str, Any]:
        props = {self.key(s): s.answer_schema(always=always) for s, always in self.fields()}
        props |= {extra.name: dict(extra.schema) for extra in self.extras}
        return {
            "type": "object",
            "required": list(props),
            "properties": props,
            "additionalProperties": False,
        }


STATE = {"type": "string", "enum": [s.value for s in ClueState]}

ANSWERS: dict[str, Answer] = {
    a.name: a
    for a in (
        Answer(
            "Subject",
            (
                ID,
                Extra("post_label", STR, lambda s: s.post_label),
                Extra(
                    "institution", unit_schema(nullable=True), lambda s: unit_json(s.institution)
                ),
                Extra("label", STR, lambda s: s.label),
                CREATED,
            ),
        ),
        Answer(
            "Facts",
            (
                Extra("category_label", STR, lambda c: category_label(c.category)),
                Extra("findings", NSTR, lambda c: c.findings),
                Extra("findings_text", STR, lambda c: c.findings_text or ""),
            ),
            of_clue=True,
            attrs={"plan": "verification_plan"},
        ),
        Answer("Talk", (ID, CREATED)),
        Answer("Inquiry", (ID, Extra("reply_due", NDAY, lambda i: day(i.reply_due)))),
        Answer(
            "HandedDown",  # a clue handed down; no content: it may quote the tip
            (
                ID,
                Extra("reference", STR, lambda c: c.reference),
                Extra("unit", unit_schema(), lambda c: unit_json(c.unit)),
                Extra("state", STATE, lambda c: c.state),
                Extra("state_label", STR, lambda c: c.state_label),
                Extra("superior_due", NDAY, lambda c: day(c.superior_due)),
                Extra("findings", NSTR, lambda c: c.findings),
                Extra("findings_text", STR, lambda c: c.findings_text or ""),
            ),
            from_actions=False,
        ),
        Answer(
            "Sanction",
            (
                ID,
                Extra("subject_name", STR, lambda s: s.subject.name),
                Extra("kind_label", STR, lambda s: s.kind_label),
            ),
        ),
        Answer(
            "Referral",
            (
                ID,
                Extra("target_label", STR, lambda r: r.target_label),
                Extra("receipt_due", NDAY, lambda r: day(r.receipt_due)),
                # chased once receipted (referral_outcome in cases.timelimits)
                Extra("outcome_due", NDAY, lambda r: day(r.outcome_due)),
            ),
        ),
        Answer(
            "Feedback",
            (
                ID,
                Extra("mode_label", STR, lambda f: f.mode_label),
                Extra("method", NSTR, lambda f: f.method),
                Extra("method_label", STR, lambda f: f.method_label),
                Extra("given_on", NDAY, lambda f: day(f.given_on)),
                CREATED,
            ),
        ),
        Answer("NegativeListEntry", (ID, Extra("listed_on", DAY, lambda e: day(e.listed_on)))),
    )
}
assert {a.answer for a in RECORD_ACTIONS.values()} <= ANSWERS.keys(), "an answer is missing"

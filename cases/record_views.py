"""A clue's handling records as the clue page and the JSON API list them, each shown from
the fields its actions declare (``cases.record_actions``), like its JSON answer
(``cases.record_answers``).

``RECORD_LISTS`` names each list once: its key (the API's, the page's), the answer that
describes one record and how the records are read. ``record_view`` gives the page every
written, non-private field a record has a value for, labelled as its form labels it, in
the order the actions declare them, plus the few values no form sets (``PAGE_EXTRAS``: due
dates, the way feedback was given). So a ``FieldSpec`` added to an action is shown on the
clue page without touching the template.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import outcomes, records
from cases.handling_models import NegativeListEntry
from cases.models import Clue
from cases.record_answers import ANSWERS
from config.localtime import cn_date
from workflow.fields import ID_KINDS, FieldKind, FieldSpec

PENDING_DUE = "待定（工作日历未确认）"
Pending = Mapping[tuple[str, int], str]  # a due date waiting for a calendar, by (kind, id)


def negative_entries(session: Session, clue: Clue) -> list[NegativeListEntry]:
    """The suppliers this clue put on the negative list."""
    stmt = select(NegativeListEntry).where(NegativeListEntry.clue_id == clue.id)
    return list(session.scalars(stmt.order_by(NegativeListEntry.id)))


@dataclass(frozen=True)
class RecordList:
    key: str  # the API's and the page's name of the list
    answer: str  # the answer (``cases.record_answers.ANSWERS``) of one record
    load: Callable[[Session, Clue], list[Any]]


RECORD_LISTS: tuple[RecordList, ...] = (
    RecordList("subjects", "Subject", records.subjects),
    RecordList("talks", "Talk", records.talks),
    RecordList("inquiries", "Inquiry", records.inquiries),
    RecordList("handed_down", "HandedDown", records.children),
    RecordList("sanctions", "Sanction", outcomes.sanctions),
    RecordList("referrals", "Referral", outcomes.referrals),
    RecordList("feedback", "Feedback", outcomes.feedback_records),
    RecordList("negative_list", "NegativeListEntry", negative_entries),
)


@dataclass(frozen=True)
class Shown:
    name: str
    label: str
    text: str
    long: bool = False  # a long text: on its own line, its line breaks kept


@dataclass(frozen=True)
class RecordView:
    record: Any
    items: tuple[Shown, ...]

    @property
    def id(self) -> int:
        return int(self.record.id)


@dataclass(frozen=True)
class PageExtra:
    """A value the page shows that no form sets, placed after the field ``after``."""

    name: str
    label: str
    after: str
    value: Callable[[Any, Pending], str]
    long: bool = False


def _day(d: date | None) -> str:
    return cn_date(d) if d else ""


def _due(kind: str, attr: str) -> Callable[[Any, Pending], str]:
    return lambda r, pending: _day(getattr(r, attr)) or pending.get((kind, r.id), PENDING_DUE)


def _outcome_due(r: Any, pending: Pending) -> str:
    if r.received_on is None or r.outcome_on is not None:
        return ""
    return _due("referral_outcome", "outcome_due")(r, pending)


PAGE_EXTRAS: dict[str, tuple[PageExtra, ...]] = {
    "Facts": (
        PageExtra(
            "findings_text", "核查结论", "funds_recovered", lambda c, _: c.findings_text or "", True
        ),
    ),
    "Inquiry": (PageExtra("reply_due", "回复期限", "sent_on", _due("inquiry", "reply_due")),),
    "Referral": (
        PageExtra("receipt_due", "回执期限", "sent_on", _due("referral", "receipt_due")),
        # Chased once receipted, until the outcome is recorded (cases.timelimits).
        PageExtra("outcome_due", "处理结果期限", "receipt_due", _outcome_due),
    ),
    "Feedback": (
        PageExtra("method", "反馈方式", "mode", lambda f, _: f.method_label),
        PageExtra("given_on", "反馈日期", "method", lambda f, _: _day(f.given_on)),
    ),
    "NegativeListEntry": (
        PageExtra("listed_on", "列入日期", "supplier", lambda e, _: _day(e.listed_on)),
    ),
}


def shown(spec: FieldSpec, source: Any, attr: str) -> str:
    """The text of one field of a record. A choice prefers the record's own label (it
    knows codes no form offers, e.g. a named reporter's feedback); an id names what it
    points at (``institution_id`` → ``institution``)."""
    value = getattr(source, attr)
    if value is None or value == "":
        return ""
    if spec.kind is FieldKind.CHOICE:
        own = getattr(source, f"{attr}_label", None)
        return own if isinstance(own, str) and own else spec.shown(value)
    if spec.kind in ID_KINDS:
        target = getattr(source, attr.removesuffix("_id"), None)
        return str(getattr(target, "label", None) or getattr(target, "name", None) or value)
    return spec.shown(value)


def record_view(answer_name: str, source: Any, pending: Pending | None = None) -> RecordView:
    """What the page shows of one record (of the clue itself, for its facts)."""
    answer = ANSWERS[answer_name]
    extras = PAGE_EXTRAS.get(answer_name, ())
    items: list[Shown] = []

    def place_extras(after: str) -> None:
        for extra in extras:
            if extra.after != after:
                continue
            if text := extra.value(source, pending or {}):
                items.append(Shown(extra.name, extra.label, text, extra.long))
            place_extras(extra.name)

    for spec, _always in answer.fields():
        attr = answer.key(spec)
        if text := shown(spec, source, attr):
            items.append(Shown(attr, spec.label, text, spec.kind is FieldKind.TEXTAREA))
        place_extras(spec.name)
    return RecordView(source, tuple(items))


def record_views(session: Session, clue: Clue, pending: Pending) -> dict[str, list[RecordView]]:
    """Every list of records the clue page shows field by field (not the clues handed down,
    which are clues of their own)."""
    return {
        lst.key: [record_view(lst.answer, r, pending) for r in lst.load(session, clue)]
        for lst in RECORD_LISTS
        if ANSWERS[lst.answer].from_actions
    }

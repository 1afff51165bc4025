"""The clue's deadlines that wait for an unconfirmed year, and their resolvers.

Three kinds (``workflow.pending``): the clue's own clocks (``clue``, kept by the lifecycle
engine), a referral's receipt (``referral``) and an inquiry letter's reply (``inquiry``).
When the year is confirmed each is computed in the confirming transaction, logged on the
clue's history, and the reminder sweeps take it from there: nobody touches the clue again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.audit import record_event
from cases.handling_models import InquiryLetter, Referral
from cases.lifecycle import CLUE_LIFECYCLE
from cases.models import Clue
from cases.timelimits import RULES
from config.database import utcnow
from workflow import pending, timelimits
from workflow.engine import calendar_for, sync_pending

REFERRAL, INQUIRY, REFERRAL_OUTCOME = "referral", "inquiry", "referral_outcome"


def side_clock_due(
    session: Session, kind: str, rule_name: str, subject_id: int, clue: Clue, on: date
) -> date | None:
    """A one-clock deadline kept on a row of its own (referral receipt, inquiry reply).

    ``None`` while the year is unconfirmed: the deadline is then listed as pending.
    """
    rule = RULES[rule_name]
    clocks: dict[str, Any] = {}
    timelimits.start(clocks, rule, on, calendar_for(session))
    clock = clocks[rule.name]
    waiting = (
        {rule.name: pending.Pending(int(clock.get("pending_year") or 0), rule.label)}
        if timelimits.is_pending(clock)
        else {}
    )
    pending.sync(session, kind, subject_id, waiting, unit_id=clue.unit_id, clue_id=clue.id)
    return None if timelimits.is_pending(clock) else date.fromisoformat(clock["due"])


def side_clock_clear(session: Session, kind: str, subject_id: int) -> None:
    """The side clock was met: nothing of it waits for a year any more."""
    pending.clear(session, kind, subject_id)


def due_text(session: Session, kind: str, subject_id: int, due: date | None) -> str:
    """The date, or "待定（YYYY 年工作日历未确认）" for a pending one."""
    if due is not None:
        return due.isoformat()
    row = session.scalars(
        select(pending.PendingDeadline).where(
            pending.PendingDeadline.kind == kind, pending.PendingDeadline.subject_id == subject_id
        )
    ).first()
    return pending.pending_label(row.year if row else None)


def _locked(session: Session, model: Any, ident: int) -> Any:
    """The row as committed now, locked until the confirming transaction ends: a step fired
    meanwhile waits, then meets the bumped version (a conflict, never a lost update)."""
    return session.get(model, ident, with_for_update=True, populate_existing=True)


def resolve_clue(session: Session, clue_id: int) -> int:
    clue = _locked(session, Clue, clue_id)
    if clue is None:
        pending.clear(session, "clue", clue_id)
        return 0
    before = clue.clocks or {}
    clocks = {name: dict(clock) for name, clock in before.items()}
    computed = timelimits.recompute(clocks, RULES, calendar_for(session))
    sync_pending(session, CLUE_LIFECYCLE, clue, before, clocks)
    if not computed:
        return 0
    clue.clocks = clocks
    clue.next_due_on, clue.next_due_kind = timelimits.next_due(clocks)
    clue.version += 1  # a page opened before sees a conflict, never overwrites the dates
    clue.updated_at = utcnow()
    text = "；".join(f"{RULES[n].label} {clocks[n]['due']}" for n in computed)
    record_event(
        session,
        None,
        clue,
        "deadline.computed",
        f"工作日历确认后计算期限：{text}",
        {"clocks": computed},
    )
    return len(computed)


def resolve_referral(session: Session, referral_id: int) -> int:
    referral = _locked(session, Referral, referral_id)
    clue = session.get(Clue, referral.clue_id) if referral is not None else None
    if referral is None or clue is None:
        pending.clear(session, REFERRAL, referral_id)
        return 0
    due = side_clock_due(session, REFERRAL, "referral_receipt", referral.id, clue, referral.sent_on)
    if due is None:
        return 0
    referral.receipt_due = due
    record_event(
        session,
        None,
        clue,
        "deadline.computed",
        f"工作日历确认后计算期限：移送{referral.organ}回执 {due}",
        {"referral_id": referral.id},
    )
    return 1


def resolve_outcome(session: Session, referral_id: int) -> int:
    referral = _locked(session, Referral, referral_id)
    clue = session.get(Clue, referral.clue_id) if referral is not None else None
    if referral is None or clue is None or referral.received_on is None or referral.outcome_on:
        pending.clear(session, REFERRAL_OUTCOME, referral_id)
        return 0
    due = side_clock_due(
        session, REFERRAL_OUTCOME, "referral_outcome", referral.id, clue, referral.received_on
    )
    if due is None:
        return 0
    referral.outcome_due = due
    record_event(
        session,
        None,
        clue,
        "deadline.computed",
        f"工作日历确认后计算期限：移送{referral.organ}处理结果 {due}",
        {"referral_id": referral.id},
    )
    return 1


def resolve_inquiry(session: Session, letter_id: int) -> int:
    letter = _locked(session, InquiryLetter, letter_id)
    clue = session.get(Clue, letter.clue_id) if letter is not None else None
    if letter is None or clue is None:
        pending.clear(session, INQUIRY, letter_id)
        return 0
    due = side_clock_due(session, INQUIRY, "inquiry_reply", letter.id, clue, letter.sent_on)
    if due is None:
        return 0
    letter.reply_due = due
    record_event(
        session,
        None,
        clue,
        "deadline.computed",
        f"工作日历确认后计算期限：{letter.recipient}函询回复 {due}",
        {"inquiry_id": letter.id},
    )
    return 1

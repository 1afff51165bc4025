"""The referral-receipt sweep: a referral or transfer (移送司法机关, 移交市场监管、医保、税务、
纪检监察) must come back with the receiving organ's receipt (回执) by ``Referral.receipt_due``
(``referral_receipt`` in cases.timelimits, counted on the working-day calendar).

The same levels as the clue time limits: 3 and 1 working days before, the day itself,
overdue, then escalation to the leaders of the clue's body. Each level once per referral
and due date (the idempotency key carries both); once the receipt is recorded
(``received_on``) nothing more is sent. Reminders go to the clue's handler — the body's
intake clerks while a clue (say, one imported from a legacy ledger) has none, as for the
clue reminders — and, for the due and overdue levels, to the clue's subscribers (关注) who
can still see it, each user once. They carry the clue's reference number, the kind of organ
and a link; never the tip, nor the organ's name or its case. The query count is fixed: one
for the referrals, two for the people, one for the subscribers, whatever the number of clues.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.handling_models import Referral
from cases.models import Clue
from cases.reference import REFERRAL_TARGETS
from config.localtime import local_date
from notifications.batch import Message, enqueue_many
from notifications.chunks import Chunk, sweep_in_session
from notifications.clue_reminders import (
    CLOSED,
    Level,
    People,
    levels_for,
    responsible_people,
    sweep_horizon,
)
from notifications.hours import in_working_time
from workflow.calendar import WorkingCalendar, load_calendar


def sweep_referrals(session: Session, now: datetime) -> int:
    """Queue today's referral-receipt reminders in ``session``; returns the deliveries
    queued. The scheduler's job runs ``referral_chunk`` in transactions of its own."""
    return sweep_in_session(session, referral_chunk, now)


def referral_chunk(session: Session, now: datetime, after: int, size: int) -> Chunk | None:
    """Queue the reminders of at most ``size`` awaited receipts with an id above ``after``."""
    calendar = load_calendar(session)
    if not in_working_time(now, calendar):
        return None
    messages, rows, last = referral_messages(session, local_date(now), calendar, after, size)
    if not rows:
        return None
    return Chunk(rows, last, enqueue_many(session, messages))


def due_referral_messages(
    session: Session, today: date, calendar: WorkingCalendar
) -> list[Message]:
    """The referral-receipt reminders that apply on ``today``, without queueing them.

    Read-only: the sweep queues the result, the administrators' dry run only lists it.
    """
    return referral_messages(session, today, calendar)[0]


def referral_messages(
    session: Session,
    today: date,
    calendar: WorkingCalendar,
    after: int = 0,
    size: int | None = None,
) -> tuple[list[Message], int, int]:
    """The reminders of the awaited receipts with an id above ``after`` (at most ``size``,
    in id order), how many were read, and the last id read."""
    horizon = sweep_horizon(calendar, today)
    swept = (
        Referral.received_on.is_(None),
        Referral.receipt_due.is_not(None),
        Referral.receipt_due <= horizon,
        # A clue no longer worked on (merged, written off…) needs no chasing.
        Clue.state.not_in(CLOSED),
        Referral.id > after,
    )
    read = (
        select(
            Referral.id.label("referral_id"),
            Referral.target,
            Referral.sent_on,
            Referral.receipt_due,
            Clue.id,
            Clue.unit_id,
            Clue.handler_id,
            Clue.ledger_no,
        )
        .join(Clue, Clue.id == Referral.clue_id)
        .where(*swept)
        .order_by(Referral.id)
    )
    rows = session.execute(read.limit(size) if size else read).all()
    if not rows:
        return [], 0, after
    last = rows[-1].referral_id
    subscribed = (
        select(Referral.clue_id)
        .join(Clue, Clue.id == Referral.clue_id)
        .where(*swept, Referral.id <= last)
    )
    people = responsible_people(session, rows, subscribed=subscribed)
    messages: list[Message] = []
    for row in rows:
        for level in levels_for(row.receipt_due, today, calendar):
            messages.extend(_messages(row, level, people))
    return messages, len(rows), last


def _messages(row: Any, level: Level, people: People) -> list[Message]:
    due: date = row.receipt_due
    ref = f"referral:{row.referral_id}"
    base: dict[str, Any] = {
        "ref": row.ledger_no or f"待受理-{row.id}",  # as Clue.reference
        "target": REFERRAL_TARGETS.get(row.target, row.target),
        "sent_on": row.sent_on.isoformat(),
        "deadline": due.isoformat(),
        "path": f"/clues/{row.id}",
    }
    handler = people.users.get(row.handler_id) if row.handler_id else None
    if level.code == "escalated":
        context = base | {
            "days_over": level.days,
            "handler": handler.display_name if handler else "未指定",
        }
        return [
            Message(u, ref, level.code, due, "referral_escalated", context, unit_id=row.unit_id)
            for u in people.leaders.get(row.unit_id, [])
        ]
    recipients = [handler] if handler else people.clerks.get(row.unit_id, [])
    # As for the clue reminders: subscribers get the due and overdue levels, not the 督办.
    recipients = people.and_subscribers(row.id, recipients)
    if level.code == "overdue":
        template, context = "referral_overdue", base
    else:
        template, context = "referral_due", base | {"days_left": level.days}
    return [
        Message(u, ref, level.code, due, template, context, unit_id=row.unit_id) for u in recipients
    ]

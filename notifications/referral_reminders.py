"""The referral-receipt sweep: a referral or transfer (移送司法机关, 移交市场监管、医保、税务、
纪检监察) must come back with the receiving organ's receipt (回执) by ``Referral.receipt_due``
(``referral_receipt`` in cases.timelimits, counted on the working-day calendar).

Once the receipt is in without an outcome, the outcome is chased the same way, by
``Referral.outcome_due`` (``referral_outcome`` in cases.timelimits), until it is recorded.

The same levels as the clue time limits: 3 and 1 working days before, the day itself,
overdue, then escalation to the leaders of the clue's body. Each level once per referral
and due date (the idempotency key carries both); once the receipt is recorded
(``received_on``) nothing more is sent. Reminders go to the clue's handler — the body's
intake clerks while a clue (say, one imported from a legacy ledger) has none, as for the
clue reminders — and, for the due and overdue levels, to the clue's subscribers (关注) who
can still see it, each user once. They carry the clue's reference number, the kind of organ
and a link; never the tip, nor the organ's name or its case. The query count is fixed: one
for the chunk's referral ids, then per chase one for the referrals, two for the people and
one for the subscribers, whatever the number of clues. The scheduler's job sweeps in chunks of
referral ids (``notifications.chunks``), each its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
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
    """Queue today's referral reminders in ``session``; returns the deliveries queued.
    The scheduler's job runs ``referral_chunk`` in transactions of its own."""
    return sweep_in_session(session, referral_chunk, now)


def referral_chunk(session: Session, now: datetime, after: int, size: int) -> Chunk | None:
    """Queue the reminders of at most ``size`` chased referrals with an id above ``after``."""
    calendar = load_calendar(session)
    if not in_working_time(now, calendar):
        return None
    messages, rows, last = referral_messages(session, local_date(now), calendar, after, size)
    if not rows:
        return None
    return Chunk(rows, last, enqueue_many(session, messages))


@dataclass(frozen=True)
class Chase:
    """What is chased on a referral: the receipt (回执), then, once receipted, the outcome."""

    name: str  # the idempotency key's prefix
    due: Any  # the due-date column
    waiting: tuple[Any, ...]  # the referral still waits for it
    templates: tuple[str, str, str]  # due, overdue, escalated


CHASES = (
    Chase(
        "referral",
        Referral.receipt_due,
        (Referral.received_on.is_(None),),
        ("referral_due", "referral_overdue", "referral_escalated"),
    ),
    # After the receipt, the outcome is reminded too (issue 19: "After the receipt, the
    # outcome is reminded too"): ``referral_outcome`` in cases.timelimits.
    Chase(
        "referral_outcome",
        Referral.outcome_due,
        (Referral.received_on.is_not(None), Referral.outcome_on.is_(None)),
        ("referral_outcome_due", "referral_outcome_overdue", "referral_outcome_escalated"),
    ),
)


def due_referral_messages(
    session: Session, today: date, calendar: WorkingCalendar
) -> list[Message]:
    """The referral reminders (receipt, then outcome) that apply on ``today``, unqueued.

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
    """The reminders of the chased referrals with an id above ``after`` (at most ``size``,
    in id order), how many referrals were read, and the last id read."""
    horizon = sweep_horizon(calendar, today)
    chased = (
        select(Referral.id)
        .join(Clue, Clue.id == Referral.clue_id)
        .where(Referral.id > after, or_(*(and_(*_swept(c, horizon)) for c in CHASES)))
        .order_by(Referral.id)
    )
    ids = session.scalars(chased.limit(size) if size else chased).all()
    if not ids:
        return [], 0, after
    last = ids[-1]
    messages: list[Message] = []
    for chase in CHASES:
        messages.extend(_chase(session, chase, today, horizon, calendar, (after, last)))
    return messages, len(ids), last


def _swept(chase: Chase, horizon: date) -> tuple[Any, ...]:
    return (
        *chase.waiting,
        chase.due.is_not(None),
        chase.due <= horizon,
        # A clue no longer worked on (merged, written off…) needs no chasing.
        Clue.state.not_in(CLOSED),
    )


def _chase(
    session: Session,
    chase: Chase,
    today: date,
    horizon: date,
    calendar: WorkingCalendar,
    ids: tuple[int, int],
) -> list[Message]:
    swept = (*_swept(chase, horizon), Referral.id > ids[0], Referral.id <= ids[1])
    rows = session.execute(
        select(
            Referral.id.label("referral_id"),
            Referral.target,
            Referral.sent_on,
            chase.due.label("due"),
            Clue.id,
            Clue.unit_id,
            Clue.handler_id,
            Clue.ledger_no,
        )
        .join(Clue, Clue.id == Referral.clue_id)
        .where(*swept)
    ).all()
    if not rows:
        return []
    subscribed = select(Referral.clue_id).join(Clue, Clue.id == Referral.clue_id).where(*swept)
    people = responsible_people(session, rows, subscribed=subscribed)
    messages: list[Message] = []
    for row in rows:
        for level in levels_for(row.due, today, calendar):
            messages.extend(_messages(chase, row, level, people))
    return messages


def _messages(chase: Chase, row: Any, level: Level, people: People) -> list[Message]:
    due: date = row.due
    ref = f"{chase.name}:{row.referral_id}"
    due_t, overdue_t, escalated_t = chase.templates
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
            Message(u, ref, level.code, due, escalated_t, context, unit_id=row.unit_id)
            for u in people.leaders.get(row.unit_id, [])
        ]
    recipients = [handler] if handler else people.clerks.get(row.unit_id, [])
    # As for the clue reminders: subscribers get the due and overdue levels, not the 督办.
    recipients = people.and_subscribers(row.id, recipients)
    if level.code == "overdue":
        template, context = overdue_t, base
    else:
        template, context = due_t, base | {"days_left": level.days}
    return [
        Message(u, ref, level.code, due, template, context, unit_id=row.unit_id) for u in recipients
    ]

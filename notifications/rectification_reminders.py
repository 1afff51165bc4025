"""The rectification deadline sweep, as the clues': due soon (3 and 1 working days, the day
itself), overdue, then escalation to the issuing body's leaders.

Each level is sent once per deadline (the idempotency key carries the level and the due
date), to the people who report for the responsible unit; the escalation (督办) goes to
the leaders of the body that issued the item.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from config.localtime import local_date
from notifications.batch import Message, enqueue_many
from notifications.clue_reminders import Level, levels_for, sweep_horizon
from notifications.hours import in_working_time
from notifications.rectification_routes import issuer_leaders, responsible_people
from rectification.models import RectificationItem, RectificationState
from workflow.calendar import WorkingCalendar, load_calendar

R = RectificationItem


def sweep_rectification(session: Session, now: datetime) -> int:
    """Queue today's rectification reminders; returns how many deliveries were queued."""
    calendar = load_calendar(session)
    if not in_working_time(now, calendar):
        return 0
    return enqueue_many(session, due_rectification_messages(session, local_date(now), calendar))


def due_rectification_messages(
    session: Session, today: date, calendar: WorkingCalendar
) -> list[Message]:
    """The reminders that apply on ``today``, without queueing them (read-only)."""
    horizon = sweep_horizon(calendar, today)
    items = list(
        session.scalars(
            select(R)
            .where(
                R.state == RectificationState.OPEN,
                R.next_due_on.is_not(None),
                R.next_due_on <= horizon,
            )
            .options(selectinload(R.responsible_unit), selectinload(R.responsible_user))
        )
    )
    if not items:
        return []
    people = responsible_people(session, items)
    leaders = issuer_leaders(session, items)
    messages: list[Message] = []
    for item in items:
        assert item.next_due_on is not None
        for level in levels_for(item.next_due_on, today, calendar):
            to = leaders[item.id] if level.code == "escalated" else people[item.id]
            messages.extend(_message(item, level, u) for u in to)
    return messages


def _message(item: RectificationItem, level: Level, user) -> Message:
    due = item.next_due_on
    assert due is not None
    base: dict[str, object] = {
        "ref": f"{item.number}（{item.responsible_unit.name}）",
        "deadline": due.isoformat(),
        "path": f"/rectification/{item.id}",
    }
    if level.code == "escalated":
        template, context = (
            "rectification_escalated",
            base
            | {
                "days_over": level.days,
                "person": item.responsible_person,
            },
        )
    elif level.code == "overdue":
        template, context = "rectification_overdue", base
    else:
        template, context = "rectification_due", base | {"days_left": level.days}
    ref = f"rectification:{item.id}"
    return Message(user, ref, level.code, due, template, context, unit_id=item.unit_id)

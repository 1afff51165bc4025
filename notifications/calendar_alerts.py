"""The alert about an unconfirmed year, sent to administrators and leaders.

From 1 November next year's calendar is awaited (``workflow.calendar_service.calendar_alerts``);
deadlines that wait for a year add to the alert. Administrators (who enter the year) and
leaders (who answer for the deadlines) are told once a week until the year is confirmed,
in-app and by e-mail; a hospital's reporter never is: their deadlines simply show as
"待定（YYYY 年工作日历未确认）".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.localtime import local_date
from directory.models import User
from directory.permissions import Capability, can, roles_with
from notifications.batch import Message, enqueue_many
from notifications.chunks import Chunk, sweep_in_session
from notifications.clue_reminders import in_working_time
from workflow.calendar import load_calendar
from workflow.calendar_service import calendar_alerts


def calendar_alert_messages(
    session: Session, today: date, after: int = 0, size: int | None = None
) -> list[Message]:
    """This week's alerts (one per recipient, year and week), without queueing them: to the
    recipients with an id above ``after`` (at most ``size`` of them, in id order)."""
    alerts = calendar_alerts(session, today)
    if not alerts:
        return []
    read = (
        select(User)
        .where(
            User.active.is_(True),
            User.role.in_(roles_with(Capability.CALENDAR_ALERTS)),
            User.id > after,
        )
        .order_by(User.id)
    )
    people = session.scalars(read.limit(size) if size else read).all()
    week = today - timedelta(days=today.weekday())  # the idempotency key's business date
    messages = []
    for alert in alerts:
        for user in people:
            admin = can(user, Capability.CALENDAR_MANAGE)
            context = {
                "year": alert.year,
                "reasons": "；".join(alert.reasons),
                "admin": admin,
                "path": f"/admin/calendar/{alert.year}/notice" if admin else "/",
            }
            messages.append(
                Message(
                    user,
                    f"calendar:{alert.year}",
                    "unconfirmed",
                    week,
                    "calendar_unconfirmed",
                    context,
                    unit_id=user.unit_id,
                )
            )
    return messages


def sweep_calendar_alerts(session: Session, now: datetime) -> int:
    """Queue this week's calendar alerts in working time, in ``session``; a second run
    queues nothing. The scheduler's job runs ``calendar_alert_chunk`` in transactions."""
    return sweep_in_session(session, calendar_alert_chunk, now)


def calendar_alert_chunk(session: Session, now: datetime, after: int, size: int) -> Chunk | None:
    """Queue the alerts of at most ``size`` recipients with an id above ``after``."""
    today = local_date(now)
    calendar = load_calendar(session)
    if calendar.is_confirmed(today.year) and not in_working_time(now, calendar):
        return None
    messages = calendar_alert_messages(session, today, after, size)
    if not messages:
        return None
    users = {m.user.id for m in messages if m.user is not None}
    return Chunk(len(users), max(users), enqueue_many(session, messages))

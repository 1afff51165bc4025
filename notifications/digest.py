"""The daily digest: one e-mail per working day listing a user's unread news.

Deadline reminders are left out: they reach e-mail on their own (each item, or the
reminder digest of ``notifications.reminder_digest``), so an unread reminder in the inbox
is never mailed twice. What is listed here is the news of steps (assignments, approvals,
replies) and any message written to the inbox directly.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from config.errors import CalendarUnknown
from config.localtime import local_date
from directory.models import User
from notifications.batch import REMINDER_LEVELS
from notifications.models import Channel, Delivery, InboxMessage
from notifications.service import enqueue, recipients_for
from workflow.calendar import load_calendar

log = logging.getLogger(__name__)

DIGEST_ITEMS = 20
# An inbox item written by a deadline sweep: mailed by its own route, not listed here.
_NOT_A_REMINDER = or_(Delivery.id.is_(None), Delivery.level.not_in(sorted(REMINDER_LEVELS)))


def business_date(now: datetime) -> date:
    """The date in the office's time zone (``config.localtime``), not in UTC."""
    return local_date(now)


def is_workday(session: Session, day: date) -> bool:
    """Working days follow the official calendar (make-up Saturdays included) when it exists."""
    return bool(load_calendar(session).is_workday(day))


def enqueue_digests(session: Session, day: date) -> int:
    """Queue a digest for every active user with unread messages and e-mail switched on.

    The idempotency key (user, ``digest:<day>``, day, e-mail) makes a second run a no-op.
    """
    unread = (
        select(InboxMessage.user_id, func.count().label("n"))
        .outerjoin(Delivery, Delivery.id == InboxMessage.delivery_id)
        .where(InboxMessage.read_at.is_(None), _NOT_A_REMINDER)
        .group_by(InboxMessage.user_id)
        .subquery()
    )
    rows = session.execute(
        select(User, unread.c.n)
        .join(unread, unread.c.user_id == User.id)
        .where(User.active.is_(True))
        .order_by(User.id)
    ).all()
    queued = 0
    for user, count in rows:
        email = next((r for r in recipients_for(session, user) if r.channel is Channel.EMAIL), None)
        if email is None:
            continue
        latest = session.scalars(
            select(InboxMessage)
            .outerjoin(Delivery, Delivery.id == InboxMessage.delivery_id)
            .where(
                InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None), _NOT_A_REMINDER
            )
            .order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc())
            .limit(DIGEST_ITEMS)
        ).all()
        items = [{"title": m.title, "path": m.link} for m in latest]
        row = enqueue(
            session,
            channel=Channel.EMAIL,
            recipient=user,
            subject_ref=f"user:{user.id}",
            level="digest",
            business_date=day,
            template="digest",
            context={"count": int(count), "items": items, "path": "/inbox"},
            address=email.address,
        )
        queued += row is not None
    return queued


def run_daily_digest(session: Session, now: datetime) -> str:
    day = business_date(now)
    try:
        if not is_workday(session, day):
            return f"{day} 不是工作日，未发送摘要。"
    except CalendarUnknown as err:
        log.warning("digest skipped: %s", err.message)
        return f"未发送摘要：{err.message}"
    return f"已生成 {enqueue_digests(session, day)} 份未读消息摘要。"

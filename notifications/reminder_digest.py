"""Reminders as one message per person, channel and working day.

The deadline sweeps hold the reminders of whoever reads a channel as a digest
(``DeliveryStatus.HELD``, ``batch.targets_of``); the inbox still gets each item. Once a
working day (the official calendar) this job gathers each person's held reminders on each
channel into one message grouped 已逾期 / 今日到期 / 即将到期, queues it, and marks the
held rows ``DIGESTED``. The digest's idempotency key (person, channel, day) makes a second
run the same day queue nothing; reminders held after that wait for the next working day.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from config.errors import CalendarUnknown
from config.localtime import local_date
from directory.models import User
from notifications.models import Channel, Delivery, DeliveryStatus
from notifications.service import enqueue
from notifications.templates import render
from workflow.calendar import load_calendar

log = logging.getLogger(__name__)

# (label, levels), in the order the message lists them.
GROUPS: tuple[tuple[str, frozenset[str]], ...] = (
    ("已逾期", frozenset({"overdue", "escalated"})),
    ("今日到期", frozenset({"due_0"})),
    ("即将到期", frozenset({"due_1", "due_3"})),
)
SEVERITY = {"escalated": 0, "overdue": 1, "due_0": 2, "due_1": 3, "due_3": 4}
# A plain-text mail stays readable; the inbox keeps every item.
ITEMS_PER_GROUP = 200
LEVEL = "reminder_digest"

Key = tuple[int, str, str]  # (user id, channel, address)


def _held(session: Session) -> dict[Key, list[Delivery]]:
    rows = session.scalars(
        select(Delivery)
        .where(
            Delivery.status == DeliveryStatus.HELD.value,
            Delivery.recipient_user_id.is_not(None),
        )
        .order_by(Delivery.recipient_user_id, Delivery.channel, Delivery.id)
    )
    by_key: dict[Key, list[Delivery]] = defaultdict(list)
    for row in rows:
        by_key[(row.recipient_user_id or 0, row.channel, row.address)].append(row)
    return by_key


def _latest_per_subject(rows: list[Delivery]) -> list[Delivery]:
    """One line per deadline: a reminder held over from an earlier day yields to a later,
    more urgent level of the same subject."""
    best: dict[tuple[str, date], Delivery] = {}
    for row in rows:
        key = (row.subject_ref, row.business_date)
        kept = best.get(key)
        if kept is None or SEVERITY.get(row.level, 9) < SEVERITY.get(kept.level, 9):
            best[key] = row
    return sorted(best.values(), key=lambda r: (r.business_date, r.subject_ref))


def digest_context(rows: list[Delivery], day: date) -> dict[str, Any]:
    """The digest template's context: the groups that have items, each item's subject line."""
    groups = []
    for label, levels in GROUPS:
        members = [r for r in rows if r.level in levels]
        if not members:
            continue
        items = []
        for row in members[:ITEMS_PER_GROUP]:
            title = render(row.template, row.context, "").subject.removeprefix("【清风】")
            path = "/" + str(row.context.get("path", "")).lstrip("/")
            items.append({"title": title, "path": path})
        groups.append({"label": label, "count": len(members), "items": items})
    return {
        "day": f"{day.month}月{day.day}日",
        "count": len(rows),
        "groups": groups,
        "path": "/me/notifications",
    }


def enqueue_reminder_digests(session: Session, day: date) -> int:
    """Queue today's digest for everyone with held reminders; returns the digests queued."""
    queued = 0
    for (user_id, channel, address), rows in _held(session).items():
        user = session.get(User, user_id)
        if user is None or not user.active:
            continue
        kept = _latest_per_subject(rows)
        digest = enqueue(
            session,
            channel=Channel(channel),
            recipient=user,
            subject_ref=f"user:{user_id}",
            level=LEVEL,
            business_date=day,
            template="reminder_digest",
            context=digest_context(kept, day),
            address=address,
        )
        if digest is None:  # today's digest has gone already: these wait for the next one
            continue
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_([r.id for r in rows]))
            .values(status=DeliveryStatus.DIGESTED.value, last_error="")
            .execution_options(synchronize_session=False)
        )
        queued += 1
    session.flush()
    return queued


def run_reminder_digest(session: Session, now: datetime) -> str:
    day = local_date(now)
    try:
        if not load_calendar(session).is_workday(day):
            return f"{day} 不是工作日，未发送提醒汇总。"
    except CalendarUnknown as err:
        log.warning("reminder digest skipped: %s", err.message)
        return f"未发送提醒汇总：{err.message}"
    return f"已生成 {enqueue_reminder_digests(session, day)} 份提醒汇总。"

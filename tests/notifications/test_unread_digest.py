"""The unread digest lists news only: deadline reminders reach e-mail by their own route."""

from __future__ import annotations

import time_machine

from notifications.jobs import JOBS
from notifications.models import Channel, Delivery, InboxMessage
from notifications.scheduler import run_job_once
from tests.conftest import user
from tests.notifications.test_scheduler import MONDAY_9


def _inbox_from_delivery(db, username: str, level: str, title: str) -> None:
    """An inbox item as a sweep or a step writes it: behind a delivery of ``level``."""
    target = user(db, username)
    row = Delivery(
        channel=Channel.INAPP.value, recipient_user_id=target.id, subject_ref=f"clue:{title}",
        level=level, business_date=MONDAY_9.date(), idempotency_key=f"k-{level}-{title}",
        template="digest", context={}, status="sent",
    )
    db.add(row)
    db.flush()
    db.add(InboxMessage(user_id=target.id, delivery_id=row.id, title=title, link="/clues/9"))
    db.commit()


@time_machine.travel(MONDAY_9, tick=False)
def test_daily_digest_leaves_reminders_to_the_reminder_digest(
    db, session_factory, mail_settings, smtp
):
    """An unread deadline reminder goes out by its own route (each item or the reminder
    digest); the unread digest lists only the news, so no reminder is mailed twice."""
    handler_smtp, _port = smtp
    _inbox_from_delivery(db, "handler", "due_1", "办理提醒：线索 X 明日到期")
    _inbox_from_delivery(db, "handler", "overdue", "办理提醒：线索 Y 已逾期")
    _inbox_from_delivery(db, "handler", "event:7", "新分派：线索 Z")
    _inbox_from_delivery(db, "clerk", "due_0", "办理提醒：线索 W 今日到期")  # reminders only
    for job in ("notifications.daily_digest", "notifications.dispatch"):
        run_job_once(job, session_factory, mail_settings, holder="a", jobs=JOBS, now=MONDAY_9)
    [mail] = handler_smtp.messages
    assert mail["To"] == user(db, "handler").email
    assert mail["Subject"] == "【清风】您有 1 条未读消息"
    body = mail.get_content()
    assert "新分派：线索 Z" in body and "期限提醒不在此列" in body
    assert "明日到期" not in body and "已逾期" not in body

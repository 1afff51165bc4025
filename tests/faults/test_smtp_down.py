"""The SMTP relay is down while the dispatcher runs, then comes back.

"Down" is a real closed port on loopback (connection refused); "back" is a real aiosmtpd
started on that same port. Time is frozen and moved with time-machine, never slept.
Related: ``tests/notifications/test_smtp.py`` covers a relay that answers 451 (retried) or
5xx (dead at once), and one that never comes back (dead after ``MAX_ATTEMPTS``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from aiosmtpd.controller import Controller
from sqlalchemy import select

from notifications.dispatcher import backoff, dispatch_pending
from notifications.jobs import JOBS
from notifications.models import Channel, Delivery, DeliveryStatus, InboxMessage
from notifications.scheduler import LEASE_NAME
from notifications.service import enqueue
from notifications.status import scheduler_status
from tests.conftest import user
from tests.notifications.conftest import SmtpHandler, free_port

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
RECIPIENTS = ["yiyuan@hospital.example.cn", "weijian@county.example.gov.cn"]


def _context(i: int) -> dict:
    return {
        "unit": "清河县人民医院",
        "title": "治理情况统计表一（11月）",
        "ref": f"BS-2026-{700 + i}",
        "deadline": "2026-12-12",
        "days_left": 1,
        "path": f"/reporting/obligations/{700 + i}",
    }


def _queue(db) -> tuple[list[Delivery], Delivery]:
    mails = []
    for i, address in enumerate(RECIPIENTS):
        row = enqueue(
            db,
            channel=Channel.EMAIL,
            recipient=None,
            address=address,
            subject_ref=f"obligation:{700 + i}",
            level="due_1",
            business_date=date(2026, 11, 23),
            template="obligation_due",
            context=_context(i),
        )
        assert row is not None
        mails.append(row)
    inapp = enqueue(
        db,
        channel=Channel.INAPP,
        recipient=user(db, "reporter"),
        subject_ref="obligation:700",
        level="due_1",
        business_date=date(2026, 11, 23),
        template="obligation_due",
        context=_context(0),
    )
    assert inapp is not None
    db.commit()
    return mails, inapp


def test_relay_down_retries_with_backoff_and_delivers_each_mail_once_when_back(
    db, session_factory, settings
):
    port = free_port()  # bound and released: nobody listens here, the connection is refused
    cfg = settings.with_overrides(
        smtp_host="127.0.0.1", smtp_port=port, smtp_from="qingfeng@wjw.example.gov.cn"
    )
    with time_machine.travel(T0, tick=False) as clock:
        mails, inapp = _queue(db)

        # 1st attempt: refused. Each mail waits for its retry; the in-app message is not held up.
        first = dispatch_pending(session_factory, cfg)
        assert (first.sent, first.retrying, first.dead) == (1, 2, 0)
        db.refresh(inapp)
        assert inapp.status == DeliveryStatus.SENT
        for row in mails:
            db.refresh(row)
            assert row.status == DeliveryStatus.FAILED and row.attempts == 1
            assert "无法连接邮件服务器" in row.last_error and "refused" in row.last_error
            assert row.next_attempt_at == T0 + backoff(1)
        # Administrators see the failing mails on the scheduler page while they retry.
        problems = scheduler_status(db, user(db, "admin"), JOBS, lease_name=LEASE_NAME).problems
        assert {p.id for p in problems} >= {row.id for row in mails}

        # Not due yet: nothing is attempted early.
        clock.shift(timedelta(seconds=59))
        assert dispatch_pending(session_factory, cfg).retrying == 0
        # 2nd attempt, still down: the wait doubles.
        clock.move_to(T0 + backoff(1))
        assert dispatch_pending(session_factory, cfg).retrying == 2
        for row in mails:
            db.refresh(row)
            assert row.status == DeliveryStatus.FAILED and row.attempts == 2
            assert row.next_attempt_at == T0 + backoff(1) + backoff(2)

        # The relay comes back on the same port.
        handler = SmtpHandler()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            clock.move_to(T0 + backoff(1) + backoff(2) - timedelta(seconds=1))
            assert dispatch_pending(session_factory, cfg).sent == 0  # still waiting its turn
            clock.move_to(T0 + backoff(1) + backoff(2))
            back = dispatch_pending(session_factory, cfg)
            assert (back.sent, back.retrying, back.dead) == (2, 0, 0)
            # Later runs find nothing left: each mail arrived exactly once.
            for later in (1, 10, 120):
                clock.move_to(T0 + timedelta(minutes=later + 3))
                assert dispatch_pending(session_factory, cfg).sent == 0
        finally:
            controller.stop()

    assert handler.recipients() == sorted(RECIPIENTS)
    assert {m["Subject"] for m in handler.messages} == {
        "【清风】报送提醒：BS-2026-700 还有 1 个工作日到期",
        "【清风】报送提醒：BS-2026-701 还有 1 个工作日到期",
    }
    for row in mails:
        db.refresh(row)
        assert row.status == DeliveryStatus.SENT and row.attempts == 3 and row.last_error == ""
        assert row.sent_at == T0 + backoff(1) + backoff(2)
    assert db.scalars(select(InboxMessage).where(InboxMessage.delivery_id == inapp.id)).all()

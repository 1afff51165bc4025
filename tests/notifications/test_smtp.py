"""E-mail against a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from notifications.dispatcher import MAX_ATTEMPTS, dispatch_pending
from notifications.models import Channel, Delivery, DeliveryStatus
from notifications.service import enqueue
from tests.notifications.conftest import BUSINESS_DAY

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def _queue_mail(db, n: int, *, ref_base: int = 100):
    rows = []
    for i in range(n):
        rows.append(
            enqueue(
                db,
                channel=Channel.EMAIL,
                recipient=None,
                address=f"inst{i}@hospital.example.cn",
                subject_ref=f"obligation:{ref_base + i}",
                level="due_1",
                business_date=BUSINESS_DAY,
                template="obligation_due",
                context={
                    "unit": "清河县人民医院",
                    "title": "治理情况统计表一（11月）",
                    "ref": f"BS-2026-{ref_base + i}",
                    "deadline": "2026-12-12",
                    "days_left": 1,
                    "path": f"/reporting/obligations/{ref_base + i}",
                },
                # created "now" so they are due at T0
            )
        )
    for row in rows:
        row.next_attempt_at = T0
    db.commit()
    return rows


def test_mail_is_sent_once_with_reference_and_link(db, session_factory, smtp, mail_settings):
    handler, _port = smtp
    _queue_mail(db, 1)
    result = dispatch_pending(session_factory, mail_settings, now=T0)
    assert (result.sent, result.retrying, result.dead) == (1, 0, 0)
    [message] = handler.messages
    assert message["To"] == "inst0@hospital.example.cn"
    assert message["Subject"] == "【清风】报送提醒：BS-2026-100 还有 1 个工作日到期"
    body = message.get_content()
    assert "https://qf.example/reporting/obligations/100" in body
    assert "2026-12-12" in body
    # Nothing left to send: a second run sends nothing.
    assert dispatch_pending(session_factory, mail_settings, now=T0 + timedelta(hours=1)).sent == 0
    assert len(handler.messages) == 1
    row = db.scalar(select(Delivery))
    db.refresh(row)
    assert row.status == DeliveryStatus.SENT and row.attempts == 1 and row.sent_at is not None


def test_451_is_retried_with_backoff_and_each_message_arrives_once(
    db, session_factory, smtp, mail_settings
):
    handler, _port = smtp
    rows = _queue_mail(db, 3)
    handler.refuse_data = "451 4.3.0 Try again later"
    first = dispatch_pending(session_factory, mail_settings, now=T0)
    assert (first.sent, first.retrying) == (0, 3)
    for row in rows:
        db.refresh(row)
        assert row.status == DeliveryStatus.FAILED and "451" in row.last_error
        assert row.next_attempt_at == T0 + timedelta(minutes=1)
    # Still refusing at the first retry: the wait doubles.
    dispatch_pending(session_factory, mail_settings, now=T0 + timedelta(minutes=1))
    db.refresh(rows[0])
    assert rows[0].attempts == 2
    assert rows[0].next_attempt_at == T0 + timedelta(minutes=3)
    # The server recovers; not due yet, so nothing goes out early.
    handler.refuse_data = ""
    assert dispatch_pending(session_factory, mail_settings, now=T0 + timedelta(minutes=2)).sent == 0
    after = dispatch_pending(session_factory, mail_settings, now=T0 + timedelta(minutes=3))
    assert after.sent == 3
    for later in (5, 60, 600):
        dispatch_pending(session_factory, mail_settings, now=T0 + timedelta(minutes=later))
    assert handler.recipients() == [f"inst{i}@hospital.example.cn" for i in range(3)]


def test_5xx_is_dead_at_once_with_the_reason(db, session_factory, smtp, mail_settings):
    handler, _port = smtp
    [row] = _queue_mail(db, 1)
    handler.refuse_rcpt = "550 5.1.1 Mailbox unavailable"
    result = dispatch_pending(session_factory, mail_settings, now=T0)
    assert result.dead == 1
    db.refresh(row)
    assert row.status == DeliveryStatus.DEAD and row.attempts == 1
    assert "550" in row.last_error and "Mailbox unavailable" in row.last_error
    handler.refuse_rcpt = ""
    dispatch_pending(session_factory, mail_settings, now=T0 + timedelta(days=1))
    assert handler.messages == []


def test_unreachable_server_gives_up_after_max_attempts(db, session_factory, mail_settings):
    from tests.notifications.conftest import free_port

    settings = mail_settings.with_overrides(smtp_port=free_port())  # nobody listens there
    [row] = _queue_mail(db, 1)
    when = T0
    for _ in range(MAX_ATTEMPTS):
        dispatch_pending(session_factory, settings, now=when)
        when += timedelta(hours=1)  # the back-off is at most an hour; 09:00–16:00, working time
    db.refresh(row)
    assert row.status == DeliveryStatus.DEAD and row.attempts == MAX_ATTEMPTS
    assert f"重试 {MAX_ATTEMPTS} 次后仍失败" in row.last_error

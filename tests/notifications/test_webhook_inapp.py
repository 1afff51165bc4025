"""The webhook against a real local HTTP server, and the in-app channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from notifications.dispatcher import dispatch_pending
from notifications.inbox import unread_count
from notifications.models import Channel, Delivery, DeliveryStatus, InboxMessage
from notifications.service import enqueue, notify_user, set_preference
from tests.conftest import user
from tests.notifications.conftest import BUSINESS_DAY

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
ESCALATION = {
    "ref": "清纪〔2026〕88号",
    "stage": "初步核实",
    "deadline": "2026-11-20",
    "days_over": 2,
    "handler": "孙承办",
    "path": "/clues/88",
}


def _hook(db, url: str) -> Delivery:
    row = enqueue(
        db,
        channel=Channel.WEBHOOK,
        recipient=None,
        address=url,
        subject_ref="clue:88",
        level="escalated",
        business_date=BUSINESS_DAY,
        template="clue_escalated",
        context=ESCALATION,
    )
    assert row is not None
    row.next_attempt_at = T0
    db.commit()
    return row


def test_webhook_posts_json_once(db, session_factory, webhook, settings):
    log, url = webhook
    row = _hook(db, url)
    result = dispatch_pending(session_factory, settings, now=T0)
    assert result.sent == 1
    [request] = log.requests
    assert request["path"] == "/robot/send?key=demo"
    assert request["type"].startswith("application/json")
    body = request["body"]
    assert body["msgtype"] == "text" and body["subject_ref"] == "clue:88"
    assert (
        "清纪〔2026〕88号" in body["text"]["content"]
        and "已超期 2 个工作日" in body["text"]["content"]
    )
    assert body["link"].endswith("/clues/88")
    dispatch_pending(session_factory, settings, now=T0 + timedelta(hours=1))
    assert len(log.requests) == 1
    db.refresh(row)
    assert row.status == DeliveryStatus.SENT


def test_webhook_5xx_retries_and_4xx_is_permanent(db, session_factory, webhook, settings):
    log, url = webhook
    row = _hook(db, url)
    log.status = 503
    assert dispatch_pending(session_factory, settings, now=T0).retrying == 1
    db.refresh(row)
    assert row.status == DeliveryStatus.FAILED and "HTTP 503" in row.last_error
    log.status = 400
    assert dispatch_pending(session_factory, settings, now=T0 + timedelta(minutes=1)).dead == 1
    db.refresh(row)
    assert row.status == DeliveryStatus.DEAD and "HTTP 400" in row.last_error
    assert len(log.requests) == 2


def test_in_app_message_is_written_once(db, session_factory, settings):
    handler = user(db, "handler")
    set_preference(db, handler, handler, Channel.EMAIL, enabled=False)
    before = unread_count(db, handler)
    for _ in range(2):  # the same reminder queued twice is one message
        notify_user(
            db,
            handler,
            subject_ref="clue:88",
            level="overdue",
            business_date=BUSINESS_DAY,
            template="clue_overdue",
            context={k: ESCALATION[k] for k in ("ref", "stage", "deadline", "path")},
        )
    db.execute(
        Delivery.__table__.update().values(next_attempt_at=T0)  # due now
    )
    db.commit()
    assert dispatch_pending(session_factory, settings, now=T0).sent == 1
    dispatch_pending(session_factory, settings, now=T0 + timedelta(minutes=5))
    assert unread_count(db, handler) == before + 1
    message = db.scalar(
        select(InboxMessage)
        .where(InboxMessage.user_id == handler.id)
        .order_by(InboxMessage.id.desc())
    )
    assert message.link == "/clues/88"
    assert message.title == "办理逾期：线索 清纪〔2026〕88号 已超期"

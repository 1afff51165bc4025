"""The inbox, the channel settings page and the administrators' scheduler page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from config.database import utcnow
from notifications.dispatcher import dispatch_pending, is_working_time
from notifications.models import Channel, ChannelPreference, Delivery, DeliveryStatus, InboxMessage
from notifications.scheduler import run_job_once
from notifications.service import enqueue
from tests.conftest import csrf_token, login, post_form, user
from tests.notifications.conftest import BUSINESS_DAY

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def _messages(db, username: str, n: int) -> list[InboxMessage]:
    target = user(db, username)
    rows = [
        InboxMessage(
            user_id=target.id, title=f"新交办：线索 R{i}", body="请查看", link=f"/clues/{i}"
        )
        for i in range(n)
    ]
    db.add_all(rows)
    db.commit()
    return rows


def _header_count(page: str) -> str | None:
    match = re.search(
        r'data-testid="inbox-link">消息(?: <span class="unread-count"[^>]*>(\d+)</span>)?', page
    )
    assert match, "no inbox link in the header"
    return match.group(1)


def test_header_shows_unread_count_and_mark_read_lowers_it(client, db):
    rows = _messages(db, "handler", 2)
    _messages(db, "clerk", 5)  # someone else's messages are not counted
    login(client, "handler")
    page = client.get("/").get_data(as_text=True)
    assert _header_count(page) == "2"
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "新交办：线索 R0" in inbox and "新交办：线索 R1" in inbox
    response = post_form(client, f"/inbox/{rows[0].id}/read", {}, token_from="/inbox")
    assert response.status_code == 302
    assert _header_count(client.get("/").get_data(as_text=True)) == "1"
    opened = post_form(client, f"/inbox/{rows[1].id}/open", {}, token_from="/inbox")
    assert opened.status_code == 302 and opened.headers["Location"] == "/clues/1"
    assert _header_count(client.get("/").get_data(as_text=True)) is None


def test_nobody_marks_another_users_message(client, db):
    [other] = _messages(db, "clerk", 1)
    login(client, "handler")
    response = post_form(client, f"/inbox/{other.id}/read", {}, token_from="/inbox")
    assert response.status_code == 404
    db.refresh(other)
    assert other.read_at is None
    # Without the CSRF token nothing changes either.
    client.post(f"/inbox/{other.id}/read")
    db.refresh(other)
    assert other.read_at is None


def test_mark_all_read(client, db):
    _messages(db, "handler", 3)
    login(client, "handler")
    response = post_form(client, "/inbox/read-all", {}, token_from="/inbox", follow_redirects=True)
    assert "已将 3 条消息标记为已读" in response.get_data(as_text=True)
    assert _header_count(client.get("/").get_data(as_text=True)) is None


def test_user_sets_own_channels(client, db):
    login(client, "handler")
    page = client.get("/me/notifications").get_data(as_text=True)
    assert "站内消息始终开启" in page
    bad = post_form(
        client,
        "/me/notifications",
        {"email_enabled": "y", "webhook_enabled": "y", "webhook_url": ""},
    )
    assert bad.status_code == 422 and "必须填写 Webhook 地址" in bad.get_data(as_text=True)
    ok = post_form(
        client,
        "/me/notifications",
        {"webhook_enabled": "y", "webhook_url": "https://robot.example/send?key=k"},
    )
    assert ok.status_code == 302
    handler = user(db, "handler")
    prefs = {
        p.channel: (p.enabled, p.address)
        for p in db.scalars(
            select(ChannelPreference).where(ChannelPreference.user_id == handler.id)
        )
    }
    assert prefs == {
        Channel.EMAIL.value: (False, ""),
        Channel.WEBHOOK.value: (True, "https://robot.example/send?key=k"),
    }


def test_scheduler_page_is_for_administrators_only(client):
    login(client, "leader")
    assert client.get("/admin/scheduler").status_code == 403
    assert "定时任务" not in client.get("/").get_data(as_text=True)


def test_admin_sees_dead_delivery_reason_and_retries_it(
    client, db, session_factory, mail_settings, smtp
):
    handler_smtp, _port = smtp
    row = enqueue(
        db,
        channel=Channel.EMAIL,
        recipient=user(db, "reporter"),
        subject_ref="obligation:12",
        level="overdue",
        business_date=BUSINESS_DAY,
        template="obligation_overdue",
        context={
            "unit": "清河县人民医院",
            "title": "统计表一",
            "ref": "BS-12",
            "deadline": "2026-11-12",
            "path": "/reporting/12",
        },
    )
    row.next_attempt_at = T0
    db.commit()
    handler_smtp.refuse_rcpt = "550 5.1.1 User unknown"
    dispatch_pending(session_factory, mail_settings, now=T0)
    run_job_once("notifications.dispatch", session_factory, mail_settings, holder="sched-1", now=T0)

    login(client, "admin")
    page = client.get("/admin/scheduler").get_data(as_text=True)
    assert "邮件服务器拒绝（550）：5.1.1 User unknown" in page and "发送失败" in page
    assert "sched-1" in page and "notifications.daily_digest" in page and "尚未运行" in page
    assert "已发送 0，待重试 0，失败 0，跳过 0" in page  # the recorded dispatch run

    handler_smtp.refuse_rcpt = ""
    response = post_form(
        client, f"/admin/scheduler/deliveries/{row.id}/retry", {}, token_from="/admin/scheduler"
    )
    assert response.status_code == 302
    db.refresh(row)
    assert row.status == DeliveryStatus.PENDING and row.attempts == 0
    # Due at once; e-mail goes out at the next working hour (the test may run at night).
    when = utcnow().replace(minute=59)
    while not is_working_time(db, mail_settings, when):
        when += timedelta(hours=1)
    dispatch_pending(session_factory, mail_settings, now=when)
    assert [m["To"] for m in handler_smtp.messages] == [user(db, "reporter").email]
    # A retry of a row that is not dead is refused.
    again = post_form(
        client,
        f"/admin/scheduler/deliveries/{row.id}/retry",
        {},
        token_from="/admin/scheduler",
        follow_redirects=True,
    )
    assert "只有发送失败的通知可以重发" in again.get_data(as_text=True)


def test_retry_endpoint_refuses_non_admins(client, db):
    row = enqueue(
        db,
        channel=Channel.INAPP,
        recipient=user(db, "handler"),
        subject_ref="clue:1",
        level="event",
        business_date=BUSINESS_DAY,
        template="event",
        context={"ref": "R1", "action": "已受理", "path": "/clues/1"},
    )
    row.status = DeliveryStatus.DEAD
    db.commit()
    login(client, "leader")
    token = csrf_token(client, "/inbox")
    response = client.post(
        f"/admin/scheduler/deliveries/{row.id}/retry", data={"csrf_token": token}
    )
    assert response.status_code == 403
    db.refresh(row)
    assert row.status == DeliveryStatus.DEAD
    assert db.scalar(select(Delivery.status).where(Delivery.id == row.id)) == "dead"


def test_open_follows_only_local_links(client, db):
    handler = user(db, "handler")
    rows = [
        InboxMessage(user_id=handler.id, title="t", link=link)
        for link in ("//evil.example/x", "/\\evil.example")
    ]
    db.add_all(rows)
    db.commit()
    login(client, "handler")
    for row in rows:
        response = post_form(client, f"/inbox/{row.id}/open", {}, token_from="/inbox")
        assert response.headers["Location"] == "/inbox"

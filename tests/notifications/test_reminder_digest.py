"""Reminders as one daily digest per person and channel (issue 18, "A daily digest per person").

Real SMTP (aiosmtpd), frozen time; the reminders go through the sweeps' own queueing
(``batch.enqueue_many``), the digest and dispatch through the scheduler's jobs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from notifications.batch import Message, enqueue_many
from notifications.jobs import JOBS
from notifications.models import Channel, Delivery, DeliveryStatus, InboxMessage
from notifications.scheduler import run_job_once
from notifications.service import set_preference
from tests.conftest import csrf_token, login, post_form, user

MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Beijing, a working day
SUNDAY_10 = MONDAY_10 - timedelta(days=1)
MONDAY = date(2026, 11, 23)
# 40 overdue (8 of them escalated), 30 due today, 32 due soon: 102 reminders.
LEVELS = ["overdue"] * 32 + ["escalated"] * 8 + ["due_0"] * 30 + ["due_1"] * 12 + ["due_3"] * 20


def _reminder(person, i: int, level: str) -> Message:
    ref = f"LZ-2026-{i:04d}"
    base = {"ref": ref, "stage": "初步核实", "path": f"/clues/{i}"}
    if level in ("overdue", "escalated"):
        due = MONDAY - timedelta(days=7)
        return Message(
            person, f"clue:{i}", level, due, "clue_overdue", base | {"deadline": "11月16日"}
        )
    days = {"due_0": 0, "due_1": 1, "due_3": 3}[level]
    context = base | {"deadline": f"11月{23 + days}日", "days_left": days}
    return Message(person, f"clue:{i}", level, MONDAY + timedelta(days=days), "clue_due", context)


def _run(job: str, session_factory, settings, now: datetime) -> str:
    return run_job_once(job, session_factory, settings, holder="a", jobs=JOBS, now=now).message


def _day(session_factory, settings, now: datetime) -> None:
    """The morning's digest, then the dispatcher, as the scheduler runs them."""
    _run("notifications.reminder_digest", session_factory, settings, now)
    _run("notifications.dispatch", session_factory, settings, now)


@time_machine.travel(MONDAY_10, tick=False)
def test_102_reminders_make_one_email_in_three_groups_and_102_inbox_items(
    db, session_factory, mail_settings, smtp
):
    handler_smtp, _port = smtp
    leader = user(db, "leader")
    enqueue_many(db, [_reminder(leader, i, level) for i, level in enumerate(LEVELS, 1)])
    db.commit()
    _run("notifications.dispatch", session_factory, mail_settings, MONDAY_10)
    assert handler_smtp.messages == []  # held for the digest
    for _ in range(2):  # a second run the same day sends nothing more
        _day(session_factory, mail_settings, MONDAY_10)
    [mail] = handler_smtp.messages
    assert mail["To"] == leader.email
    assert (
        mail["Subject"]
        == "【清风】11月23日 办理提醒汇总：102 项，已逾期 40，今日到期 30，即将到期 32"
    )
    body = mail.get_content()
    groups = [
        body.index(f"【{label}】{n} 项")
        for label, n in (("已逾期", 40), ("今日到期", 30), ("即将到期", 32))
    ]
    assert groups == sorted(groups)  # overdue first, then today, then soon
    assert body.count("· ") == 102 and "https://qf.example/clues/102" in body
    assert "线索 LZ-2026-0001 已超期" in body and "LZ-2026-0101 还有 3 个工作日到期" in body
    inbox = db.scalar(select(func.count()).where(InboxMessage.user_id == leader.id))
    assert inbox == 102  # the in-app inbox keeps every item
    states = dict(
        db.execute(
            select(Delivery.status, func.count())
            .where(Delivery.recipient_user_id == leader.id, Delivery.channel == "email")
            .group_by(Delivery.status)
        ).all()
    )
    assert states == {DeliveryStatus.DIGESTED.value: 102, DeliveryStatus.SENT.value: 1}


@time_machine.travel(MONDAY_10, tick=False)
def test_a_person_who_prefers_items_gets_each_one(db, session_factory, mail_settings, smtp):
    handler_smtp, _port = smtp
    handler, leader = user(db, "handler"), user(db, "leader")
    set_preference(db, handler, handler, Channel.EMAIL, enabled=True, mode="item")
    enqueue_many(
        db,
        [_reminder(handler, i, lv) for i, lv in enumerate(["overdue", "due_0", "due_3"], 1)]
        + [_reminder(leader, i, lv) for i, lv in enumerate(["overdue", "due_0"], 10)],
    )
    db.commit()
    _day(session_factory, mail_settings, MONDAY_10)
    to_handler = [m for m in handler_smtp.messages if m["To"] == handler.email]
    to_leader = [m for m in handler_smtp.messages if m["To"] == leader.email]
    assert len(to_handler) == 3 and not any("汇总" in m["Subject"] for m in to_handler)
    assert [m["Subject"] for m in to_leader] == [
        "【清风】11月23日 办理提醒汇总：2 项，已逾期 1，今日到期 1"
    ]


def test_news_of_a_step_is_never_held(db, session_factory, mail_settings, smtp):
    handler_smtp, _port = smtp
    leader = user(db, "leader")
    news = Message(leader, "clue:7", "event:1", MONDAY, "event", {"ref": "R", "action": "已受理"})
    with time_machine.travel(MONDAY_10, tick=False):
        enqueue_many(db, [news])
        db.commit()
        _run("notifications.dispatch", session_factory, mail_settings, MONDAY_10)
    assert [m["Subject"] for m in handler_smtp.messages] == ["【清风】R 有新动态"]


def test_nothing_is_sent_on_a_non_working_day(db, session_factory, mail_settings, smtp):
    handler_smtp, _port = smtp
    leader = user(db, "leader")
    with time_machine.travel(SUNDAY_10, tick=False):
        enqueue_many(db, [_reminder(leader, i, "overdue") for i in range(1, 4)])
        db.commit()
        message = _run("notifications.reminder_digest", session_factory, mail_settings, SUNDAY_10)
        _run("notifications.dispatch", session_factory, mail_settings, SUNDAY_10)
    assert "不是工作日" in message and handler_smtp.messages == []
    # Monday morning the held reminders go out, once.
    with time_machine.travel(MONDAY_10, tick=False):
        _day(session_factory, mail_settings, MONDAY_10)
    [mail] = handler_smtp.messages
    assert "3 项，已逾期 3" in mail["Subject"]


def test_settings_page_chooses_digest_or_items_per_channel(client, db):
    login(client, "handler")
    page = client.get("/me/notifications").get_data(as_text=True)
    assert "每个工作日汇总为一条" in page and "逐条发送" in page
    ok = post_form(
        client,
        "/me/notifications",
        {"email_enabled": "y", "email_mode": "item", "webhook_mode": "digest"},
    )
    assert ok.status_code == 302
    handler = user(db, "handler")
    from notifications.service import preferences

    prefs = preferences(db, handler)
    assert prefs[Channel.EMAIL].mode == "item" and prefs[Channel.WEBHOOK].mode == "digest"
    for hostile in ("", "x" * 500, "digest'; drop table users;--", "每日"):
        bad = post_form(
            client,
            "/me/notifications",
            {"email_enabled": "y", "email_mode": hostile or " ", "webhook_mode": "digest"},
        )
        assert bad.status_code == 422, hostile
        assert "提醒方式只能是" in bad.get_data(as_text=True)
    assert preferences(db, handler)[Channel.EMAIL].mode == "item"
    token = csrf_token(client, "/me/notifications")
    assert token  # the form carries CSRF

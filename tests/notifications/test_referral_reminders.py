"""Referral receipts with frozen time: a referral sent before 中秋 and 国庆 is chased at
each level once, on working days (the make-up Saturday included) in working hours, to the
clue's handler, escalated to the body's leader; nothing once the receipt is recorded."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import event, select

from cases.handling_models import Referral
from cases.record_actions import perform
from notifications.jobs import JOBS
from notifications.models import Channel, Delivery
from notifications.referral_reminders import due_referral_messages, sweep_referrals
from notifications.templates import render
from tests.cases.factories import clue_in_state
from tests.conftest import user
from workflow.calendar import load_calendar

SH = ZoneInfo("Asia/Shanghai")
SENT = date(2026, 9, 24)  # Thursday; 25 Sep 中秋, 1–7 Oct 国庆, Sat 10 Oct worked
DUE = date(2026, 10, 15)  # the 10th working day after SENT


def referred_clue(db, *, target: str = "market", sent_on: date = SENT):
    clue = clue_in_state(db, "transferred")
    clue.ledger_no = f"清卫纪线〔2026〕R{clue.id}号"
    handler = user(db, "handler")
    with time_machine.travel(datetime(2026, 9, 24, 10, tzinfo=SH), tick=False):
        referral = perform(
            db,
            handler,
            clue,
            "referral",
            {"target": target, "organ": "清河县市场监督管理局", "sent_on": sent_on.isoformat()},
        )
    return clue, referral


def walk(db, start: date, end: date) -> int:
    """Sweep at 03:00, 09:00, 14:00 and 22:00 each day; return what off-hours runs queued."""
    off_hours = 0
    day = start
    while day <= end:
        workday = load_calendar(db).is_workday(day)
        for hour in (3, 9, 14, 22):
            moment = datetime(day.year, day.month, day.day, hour, 5, tzinfo=SH)
            with time_machine.travel(moment, tick=False):
                queued = sweep_referrals(db, moment)
            if hour in (3, 22) or not workday:
                off_hours += queued
        day += timedelta(days=1)
    return off_hours


def sent(db, referral: Referral) -> Counter:
    rows = db.scalars(
        select(Delivery).where(
            Delivery.subject_ref == f"referral:{referral.id}", Delivery.channel == Channel.INAPP
        )
    ).all()
    return Counter((d.recipient_user_id, d.level, d.business_date) for d in rows)


def test_receipt_due_is_counted_on_working_days(db):
    _clue, referral = referred_clue(db)
    assert referral.receipt_due == DUE


def test_each_level_once_to_the_handler_then_the_leader(db):
    clue, referral = referred_clue(db)
    handler, leader = user(db, "handler"), user(db, "leader")
    assert walk(db, SENT, date(2026, 10, 30)) == 0
    assert sent(db, referral) == Counter(
        {
            (handler.id, "due_3", DUE): 1,
            (handler.id, "due_1", DUE): 1,
            (handler.id, "due_0", DUE): 1,
            (handler.id, "overdue", DUE): 1,
            (leader.id, "escalated", DUE): 1,
        }
    )
    # The first reminder comes on Mon 12 Oct (13, 14, 15 left), none before.
    first = db.scalar(
        select(Delivery).where(
            Delivery.subject_ref == f"referral:{referral.id}", Delivery.level == "due_3"
        )
    )
    assert first is not None and first.context["ref"] == clue.ledger_no
    assert first.context["target"] == "市场监管部门"
    assert first.context["path"] == f"/clues/{clue.id}"
    text = str([d.context for d in db.scalars(select(Delivery))])
    assert "市场监督管理局" not in text and "红包" not in text  # no organ, no tip content


def test_levels_day_by_day(db):
    """Each level first appears on the day it applies (make-up Saturday 10 Oct counts)."""
    _clue, referral = referred_clue(db)
    cal = load_calendar(db)
    ref = f"referral:{referral.id}"
    for day, expected in [
        (date(2026, 10, 9), set()),  # 10, 12, 13, 14, 15: five to go
        (date(2026, 10, 10), set()),  # four to go (Saturday, but worked)
        (date(2026, 10, 12), {"due_3"}),
        (date(2026, 10, 13), {"due_3"}),
        (date(2026, 10, 14), {"due_1"}),
        (date(2026, 10, 15), {"due_0"}),
        (date(2026, 10, 16), {"overdue"}),
        (date(2026, 10, 20), {"overdue", "escalated"}),  # three working days over
    ]:
        mine = [m for m in due_referral_messages(db, day, cal) if m.subject_ref == ref]
        levels = {m.level for m in mine}
        assert levels == expected, day
    assert referral.received_on is None


def test_a_recorded_receipt_stops_the_reminders(db):
    clue, referral = referred_clue(db)
    handler = user(db, "handler")
    assert walk(db, SENT, date(2026, 10, 14)) == 0
    assert {lvl for _, lvl, _ in sent(db, referral)} == {"due_3", "due_1"}
    with time_machine.travel(datetime(2026, 10, 14, 16, tzinfo=SH), tick=False):
        perform(
            db,
            handler,
            clue,
            "referral_receipt",
            {"referral_id": referral.id, "received_on": "2026-10-14", "outcome": ""},
        )
    assert walk(db, date(2026, 10, 15), date(2026, 10, 30)) == 0
    assert {lvl for _, lvl, _ in sent(db, referral)} == {"due_3", "due_1"}


def test_a_second_run_or_scheduler_adds_nothing(db):
    _clue, referral = referred_clue(db)
    moment = datetime(2026, 10, 15, 9, 5, tzinfo=SH)
    with time_machine.travel(moment, tick=False):
        assert sweep_referrals(db, moment) > 0
        assert sweep_referrals(db, moment) == 0
    assert sum(sent(db, referral).values()) == 1


def test_the_query_count_does_not_grow_with_the_referrals(db):
    def statements(n: int) -> int:
        for _ in range(n):
            referred_clue(db)
        cal = load_calendar(db)
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_args):
            seen.append(statement)

        engine = db.get_bind().engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            messages = due_referral_messages(db, date(2026, 10, 20), cal)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len({m.subject_ref for m in messages}) >= n
        return len(seen)

    # the chunk's referral ids; receipts: referrals, offices, people, subscribers; outcomes:
    # the referrals (none here)
    assert statements(2) == statements(20) == 6


def test_messages_render_in_chinese_with_the_reference_and_link(db):
    clue, referral = referred_clue(db, target="judicial")
    cal = load_calendar(db)
    ref = f"referral:{referral.id}"
    [due_0] = [m for m in due_referral_messages(db, DUE, cal) if m.subject_ref == ref]
    out = render(due_0.template, due_0.context, "https://qf.example")
    assert out.subject == f"【清风】回执提醒：线索 {clue.ledger_no} 的移送回执今日到期"
    assert "移送司法机关" in out.body and out.link == f"https://qf.example/clues/{clue.id}"
    [escalated] = [
        m
        for m in due_referral_messages(db, date(2026, 10, 20), cal)
        if m.subject_ref == ref and m.level == "escalated"
    ]
    body = render(escalated.template, escalated.context, "https://qf.example").body
    assert "已超期 3 个工作日" in body and "孙承办" in body


def test_the_sweep_is_a_scheduled_job():
    assert "notifications.referral_reminders" in {job.id for job in JOBS}

"""The approved route's deadline (办理期限) is reminded and escalated like every clock:
walked day by day under frozen time, each level once, to the handler, then the leader."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from cases.service import fire
from notifications.clue_reminders import sweep_clues
from notifications.models import Channel, Delivery
from tests.cases.factories import new_clue
from tests.conftest import user

SH = ZoneInfo("Asia/Shanghai")


def sent(db, prefix: str) -> Counter:
    rows = db.scalars(
        select(Delivery).where(
            Delivery.subject_ref.like(f"{prefix}%"), Delivery.channel == Channel.INAPP
        )
    ).all()
    return Counter((d.recipient_user_id, d.level, d.business_date) for d in rows)


def approved(db, route_due: str):
    handler, leader = user(db, "handler"), user(db, "leader")
    clue = new_clue(db)
    fire(db, user(db, "clerk"), clue, "register", {})
    fire(db, leader, clue, "assign", {"handler_id": handler.id})
    fire(db, handler, clue, "propose", {"route": "verifying", "reason": "初步核实"})
    fire(db, leader, clue, "approve_verifying", {"route_due": route_due, "reason": "按期完成"})
    return clue


def walk(db, first: date, last: date) -> None:
    day = datetime(first.year, first.month, first.day, tzinfo=SH)
    while day.date() <= last:
        for hour in (9, 14):
            moment = day + timedelta(hours=hour)
            with time_machine.travel(moment, tick=False):
                sweep_clues(db, moment)
        day += timedelta(days=1)


def test_the_route_deadline_is_reminded_due_soon_then_overdue_then_escalated(db):
    handler, leader = user(db, "handler"), user(db, "leader")
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=SH), tick=False):
        clue = approved(db, "2026-07-01")
    due = date(2026, 7, 1)
    walk(db, date(2026, 6, 2), date(2026, 6, 25))
    assert sent(db, f"clue:{clue.id}/route_verify") == Counter()  # nothing early
    with time_machine.travel(datetime(2026, 6, 26, 9, tzinfo=SH), tick=False):
        sweep_clues(db, datetime(2026, 6, 26, 9, tzinfo=SH))  # 29, 30 June and 1 July to go
    assert sent(db, f"clue:{clue.id}/route_verify") == Counter({(handler.id, "due_3", due): 1})
    walk(db, date(2026, 6, 26), date(2026, 7, 10))
    assert sent(db, f"clue:{clue.id}/route_verify") == Counter(
        {
            (handler.id, "due_3", due): 1,
            (handler.id, "due_1", due): 1,
            (handler.id, "due_0", due): 1,
            (handler.id, "overdue", due): 1,
            (leader.id, "escalated", due): 1,
        }
    )


def test_an_extended_route_deadline_is_reminded_for_its_new_date(db):
    handler, leader = user(db, "handler"), user(db, "leader")
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=SH), tick=False):
        clue = approved(db, "2026-07-01")
    with time_machine.travel(datetime(2026, 6, 24, 10, tzinfo=SH), tick=False):
        fire(
            db,
            leader,
            clue,
            "extend",
            {"clock": "route_verify", "days": 14, "reason": "需补充材料"},
        )
    new_due = date(2026, 7, 15)  # 1 July + 14 days, a Wednesday
    assert clue.clocks["route_verify"]["due"] == new_due.isoformat()
    walk(db, date(2026, 6, 25), date(2026, 7, 8))
    assert sent(db, f"clue:{clue.id}/route_verify") == Counter()  # the old date is gone
    walk(db, date(2026, 7, 9), date(2026, 7, 16))
    counts = sent(db, f"clue:{clue.id}/route_verify")
    assert set(counts) == {
        (handler.id, "due_3", new_due),
        (handler.id, "due_1", new_due),
        (handler.id, "due_0", new_due),
        (handler.id, "overdue", new_due),
    }


def test_a_finished_verification_stops_its_reminders(db):
    handler = user(db, "handler")
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=SH), tick=False):
        clue = approved(db, "2026-07-01")
    with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SH), tick=False):
        fire(
            db,
            handler,
            clue,
            "record_findings",
            {"findings": "unfounded", "reason": "经核实不属实"},
        )
    walk(db, date(2026, 6, 22), date(2026, 7, 10))
    assert sent(db, f"clue:{clue.id}/route_verify") == Counter()

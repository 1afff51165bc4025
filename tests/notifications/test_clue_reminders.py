"""Walk a stretch of days with frozen time: each clue reminder level arrives once, on
working days in working hours, to the responsible person; escalation to the leader."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from cases.service import fire
from notifications.clue_reminders import levels_for, sweep_clues
from notifications.models import Channel, Delivery
from notifications.router import route_events
from tests.cases.factories import new_clue
from tests.conftest import user
from workflow.calendar import load_calendar
from workflow.models import OutboxEvent

SH = ZoneInfo("Asia/Shanghai")


def sent(db, ref_prefix: str) -> Counter:
    rows = db.scalars(
        select(Delivery).where(
            Delivery.subject_ref.like(f"{ref_prefix}%"), Delivery.channel == Channel.INAPP
        )
    ).all()
    return Counter((d.recipient_user_id, d.level, d.business_date) for d in rows)


def test_levels_on_the_official_calendar(db):
    cal = load_calendar(db)
    due = date(2026, 10, 12)  # Monday after National Day (1–7 Oct); Sat 10 Oct is worked
    assert levels_for(due, date(2026, 9, 30), cal) == []  # 8, 9, 10, 12 Oct: four to go
    assert levels_for(due, date(2026, 10, 8), cal)[0].code == "due_3"  # 9, 10, 12
    assert levels_for(due, date(2026, 10, 9), cal)[0].code == "due_3"
    assert levels_for(due, date(2026, 10, 10), cal)[0].code == "due_1"
    assert levels_for(due, date(2026, 10, 12), cal)[0].code == "due_0"
    assert [lv.code for lv in levels_for(due, date(2026, 10, 13), cal)] == ["overdue"]
    assert [lv.code for lv in levels_for(due, date(2026, 10, 15), cal)] == ["escalated", "overdue"]


def test_a_month_of_sweeps_sends_each_level_once(db):
    handler, leader = user(db, "handler"), user(db, "leader")
    with time_machine.travel(datetime(2026, 4, 30, 10, tzinfo=SH), tick=False):
        clue = new_clue(db, reporter_named=True)
        fire(db, user(db, "clerk"), clue, "register", {})
        fire(db, leader, clue, "assign", {"handler_id": handler.id})
    due = date.fromisoformat(clue.clocks["accept_notice"]["due"])
    assert due == date(2026, 5, 25)  # 15 working days after 30 Apr: 劳动节 off, Sat 9 May on
    day = datetime(2026, 5, 1, tzinfo=SH)
    night_or_holiday = 0
    while day.date() <= date(2026, 6, 5):
        for hour in (3, 9, 14, 22):  # the job runs twice a day; try night hours too
            moment = day + timedelta(hours=hour)
            with time_machine.travel(moment, tick=False):
                queued = sweep_clues(db, moment)
                if hour in (3, 22) or not load_calendar(db).is_workday(moment.date()):
                    night_or_holiday += queued
        day += timedelta(days=1)
    assert night_or_holiday == 0
    counts = sent(db, f"clue:{clue.id}/accept_notice")
    assert counts == Counter(
        {
            (handler.id, "due_3", due): 1,
            (handler.id, "due_1", due): 1,
            (handler.id, "due_0", due): 1,
            (handler.id, "overdue", due): 1,
            (leader.id, "escalated", due): 1,
        }
    )


def test_a_met_deadline_stops_its_reminders(db):
    with time_machine.travel(datetime(2026, 5, 20, 10, tzinfo=SH), tick=False):
        clue = new_clue(db, reporter_named=True)
        fire(db, user(db, "clerk"), clue, "notify_acceptance", {"method": "phone"})
    with time_machine.travel(datetime(2026, 6, 10, 9, tzinfo=SH), tick=False):
        sweep_clues(db, datetime(2026, 6, 10, 9, tzinfo=SH))
    assert sent(db, f"clue:{clue.id}/") == Counter()


def test_without_a_handler_the_clerks_are_reminded(db):
    with time_machine.travel(datetime(2026, 5, 20, 10, tzinfo=SH), tick=False):
        clue = new_clue(db, reporter_named=True)
    moment = datetime(2026, 6, 10, 9, tzinfo=SH)  # due 10 Jun: the day itself
    with time_machine.travel(moment, tick=False):
        sweep_clues(db, moment)
        sweep_clues(db, moment)  # a second scheduler or a restart adds nothing
    counts = sent(db, f"clue:{clue.id}/")
    assert set(counts) == {(user(db, "clerk").id, "due_0", date(2026, 6, 10))}
    assert sum(counts.values()) == 1


def test_events_reach_the_people_concerned_without_content(db):
    moment = datetime(2026, 5, 20, 10, tzinfo=SH)
    with time_machine.travel(moment, tick=False):
        clue = new_clue(db, summary="某医生收受红包两千元")
        fire(db, user(db, "clerk"), clue, "register", {})
        fire(db, user(db, "leader"), clue, "assign", {"handler_id": user(db, "handler").id})
        fire(db, user(db, "handler"), clue, "propose", {"route": "verifying", "reason": "核实"})
        assert route_events(db, moment) == 3
        assert route_events(db, moment) == 0  # each event once
    rows = db.scalars(select(Delivery).where(Delivery.subject_ref == f"clue:{clue.id}")).all()
    who = {(d.recipient_user_id, d.template) for d in rows if d.channel == Channel.INAPP}
    assert who == {(user(db, "handler").id, "clue_assigned"), (user(db, "leader").id, "event")}
    assert all("红包" not in str(d.context) for d in rows)
    assert db.scalar(select(OutboxEvent).where(OutboxEvent.processed_at.is_(None))) is None


def test_a_shelved_clue_comes_up_for_review_on_its_cycle(db):
    """暂存待查: the review clock (90 days by default) reminds the handler before it falls
    due; reviewing it (继续暂存) starts a new cycle, so the next reminder is a cycle later."""
    handler, leader = user(db, "handler"), user(db, "leader")
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SH), tick=False):
        clue = new_clue(db)
        fire(db, user(db, "clerk"), clue, "register", {})
        fire(db, leader, clue, "assign", {"handler_id": handler.id})
        fire(db, handler, clue, "propose", {"route": "shelved", "reason": "线索不具体，暂存"})
        fire(db, leader, clue, "approve_shelved", {})
    assert clue.state == "shelved"
    due = date.fromisoformat(clue.clocks["shelved_review"]["due"])
    assert due == date(2026, 6, 1)  # 90 days after 2 Mar (31 May is a Sunday: next working day)
    early = datetime(2026, 5, 20, 9, tzinfo=SH)
    with time_machine.travel(early, tick=False):
        sweep_clues(db, early)
    assert sent(db, f"clue:{clue.id}/shelved_review") == Counter()  # not yet
    moment = datetime(2026, 5, 28, 9, tzinfo=SH)  # three working days before 1 June
    with time_machine.travel(moment, tick=False):
        sweep_clues(db, moment)
        sweep_clues(db, moment)
    assert sent(db, f"clue:{clue.id}/shelved_review") == Counter({(handler.id, "due_3", due): 1})
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=SH), tick=False):
        fire(db, handler, clue, "keep_shelved", {"reason": "排查后暂无新情况"})
    renewed = date.fromisoformat(clue.clocks["shelved_review"]["due"])
    assert renewed == date(2026, 8, 31)  # 90 days after 1 June
    after = datetime(2026, 6, 3, 9, tzinfo=SH)
    with time_machine.travel(after, tick=False):
        sweep_clues(db, after)
    counts = sent(db, f"clue:{clue.id}/shelved_review")
    assert all(day == due for _, _, day in counts)  # nothing new for the renewed cycle yet

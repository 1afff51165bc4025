"""Rectification deadlines are reminded and escalated like clues': each level once, on
working days, to the responsible unit's reporter, escalated to the issuing body's leader;
and the items feed 统计表（一）'s 发现问题 / 完成整改问题 cells."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import time_machine
from sqlalchemy import select

from notifications.jobs import JOBS
from notifications.models import Channel, Delivery
from notifications.rectification_reminders import sweep_rectification
from notifications.router import route_events
from notifications.templates import render
from rectification.service import fire
from reporting.forms import FORMS
from reporting.prefill import prefill
from tests.conftest import unit, user
from tests.rectification.helpers import issue, on


def sent(db, item) -> Counter:
    rows = db.scalars(
        select(Delivery).where(
            Delivery.subject_ref == f"rectification:{item.id}", Delivery.channel == Channel.INAPP
        )
    ).all()
    return Counter((d.recipient_user_id, d.level) for d in rows)


def walk(db, start: date, end: date) -> None:
    day = start
    while day <= end:
        for hour in (9, 14, 22):
            with time_machine.travel(on(day, hour), tick=False):
                sweep_rectification(db, on(day, hour))
        day += timedelta(days=1)


def test_each_level_once_to_the_reporter_then_the_leader(db):
    item = issue(db)  # due Monday 15 June 2026 (端午 is 19 June)
    walk(db, date(2026, 6, 8), date(2026, 6, 24))
    reporter, leader = user(db, "reporter"), user(db, "leader")
    got = sent(db, item)
    for level in ("due_3", "due_1", "due_0", "overdue"):
        assert got[(reporter.id, level)] == 1, level
    assert got[(leader.id, "escalated")] == 1
    assert (leader.id, "due_3") not in got and (reporter.id, "escalated") not in got


def test_no_reminder_once_reported(db):
    item = issue(db)
    with time_machine.travel(on(date(2026, 6, 5)), tick=False):
        fire(db, user(db, "reporter"), item, "report_done",
             {"evidence": "已整改", "completed_on": "2026-06-05"})  # fmt: skip
    walk(db, date(2026, 6, 8), date(2026, 6, 24))
    assert sent(db, item) == Counter()


def test_steps_notify_the_issuer_and_the_responsible_unit(db):
    item = issue(db)
    with time_machine.travel(on(date(2026, 6, 5)), tick=False):
        fire(db, user(db, "reporter"), item, "report_done",
             {"evidence": "已整改", "completed_on": "2026-06-05"})  # fmt: skip
        route_events(db, on(date(2026, 6, 5)))
    rows = db.scalars(
        select(Delivery).where(
            Delivery.channel == Channel.INAPP,
            Delivery.subject_ref == f"rectification:{item.id}",
            Delivery.level.like("event:%"),
        )
    ).all()
    told = {d.recipient_user_id for d in rows}
    assert user(db, "leader").id in told and user(db, "handler").id in told
    assert user(db, "reporter").id not in told


def test_messages_name_the_item_and_link_to_it():
    text = render(
        "rectification_escalated",
        {"ref": "整改〔2026〕1号（清河县人民医院）", "deadline": "2026-06-15",
         "days_over": 3, "person": "张三", "path": "/rectification/1"},
        "https://qf.example",
    )  # fmt: skip
    assert "督办" in text.subject and "https://qf.example/rectification/1" in text.body


def test_the_sweep_is_a_scheduled_job():
    assert "notifications.rectification_reminders" in {job.id for job in JOBS}


def test_found_and_rectified_prefill_form_one(db):
    first = issue(db)
    issue(db, problem="第二个问题")
    with time_machine.travel(on(date(2026, 6, 10)), tick=False):
        fire(db, user(db, "reporter"), first, "report_done",
             {"evidence": "已整改", "completed_on": "2026-06-09"})  # fmt: skip
        fire(db, user(db, "leader"), first, "verify", {})
    hospital, county = unit(db, "C01-D01-H01"), unit(db, "C01-D01")
    form = FORMS["zl1"]
    june = prefill(db, form, hospital, date(2026, 6, 1), date(2026, 6, 30))
    assert june.values[("self", "found")] == 2 and june.values[("self", "rectified")] == 1
    # 逐月累计 from 1 January; the county's figures include the units below it.
    assert (
        prefill(db, form, county, date(2026, 6, 1), date(2026, 6, 30)).values[("self", "found")]
        == 2
    )
    may = prefill(db, form, hospital, date(2026, 5, 1), date(2026, 5, 31))
    assert may.values[("self", "found")] == 2 and may.values[("self", "rectified")] == 0
    other = prefill(db, form, unit(db, "C01-D02"), date(2026, 6, 1), date(2026, 6, 30))
    assert other.values[("self", "found")] == 0


def test_the_administrators_dry_run_lists_the_rectification_reminders(db):
    from notifications.dry_run import reminder_dry_run

    issue(db)
    run = reminder_dry_run(db, user(db, "admin"), date(2026, 6, 15))
    rows = [r for r in run.rows if r.kind == "rectification"]
    assert rows and rows[0].kind_label == "整改期限" and rows[0].level == "due_0"
    assert "整改〔2026〕1号" in rows[0].subject

"""A month of obligation reminders with frozen time: each unsubmitted institution gets
each level exactly once; one that submitted gets nothing more; nothing at night or on
rest days; escalation to leaders."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from notifications.models import Channel, Delivery
from notifications.obligation_reminders import sweep_obligations
from reporting.models import Obligation, ObligationState
from reporting.obligations import generate_obligations
from tests.conftest import unit, user
from workflow.calendar import load_calendar

SH = ZoneInfo("Asia/Shanghai")


def walk(db, start: date, end: date) -> int:
    """Run the sweep at 03:00, 09:30 and 22:00 every day; return what night/rest-day runs queued."""
    off_hours = 0
    day = start
    while day <= end:
        for hour, minute in ((3, 0), (9, 30), (22, 0)):
            moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)
            with time_machine.travel(moment, tick=False):
                queued = sweep_obligations(db, moment)
            if hour != 9 or not load_calendar(db).is_workday(day):
                off_hours += queued
        day += timedelta(days=1)
    return off_hours


def test_a_month_of_obligation_reminders(db):
    with time_machine.travel(datetime(2026, 6, 1, 2, tzinfo=SH), tick=False):
        generate_obligations(db, date(2026, 6, 1))
    hospital, other = unit(db, "C01-D01-H01"), unit(db, "C01-D01-H02")
    owed = db.scalars(
        select(Obligation).where(
            Obligation.unit_id == hospital.id, Obligation.due_on == date(2026, 6, 12)
        )
    ).all()
    assert owed, "the May forms are due on Friday 12 June"
    # The other hospital submits its forms on 9 June, before any reminder is due… almost.
    assert walk(db, date(2026, 6, 1), date(2026, 6, 8)) == 0
    for ob in db.scalars(select(Obligation).where(Obligation.unit_id == other.id)):
        ob.state = ObligationState.SUBMITTED
    db.flush()
    assert walk(db, date(2026, 6, 9), date(2026, 6, 30)) == 0

    reporter = user(db, "reporter")
    rows = db.scalars(select(Delivery).where(Delivery.subject_ref.like("obligation:%"))).all()
    per_ob = Counter(
        (
            d.subject_ref,
            d.recipient_user_id,
            d.address if d.recipient_user_id is None else "",
            d.level,
        )
        for d in rows
        if d.channel in (Channel.INAPP, Channel.EMAIL)
        and (d.recipient_user_id is None or d.channel == Channel.INAPP)
    )
    assert all(n == 1 for n in per_ob.values())  # every level once per recipient
    first = f"obligation:{owed[0].id}"
    levels = {lvl for ref, uid, _, lvl in per_ob if ref == first and uid == reporter.id}
    assert levels == {"due_3", "due_1", "due_0", "overdue"}
    contact = {
        lvl for ref, uid, addr, lvl in per_ob if ref == first and addr == hospital.contact_email
    }
    assert contact == {"due_3", "due_1", "due_0", "overdue"}
    escalated = {uid for ref, uid, _, lvl in per_ob if ref == first and lvl == "escalated"}
    assert escalated == {user(db, "leader").id}  # the county bureau's leader
    # Once the other hospital has submitted (9 June) it hears nothing more.
    other_refs = {
        f"obligation:{ob.id}"
        for ob in db.scalars(select(Obligation).where(Obligation.unit_id == other.id))
    }
    submitted = datetime(2026, 6, 9, tzinfo=SH)
    assert any(d.subject_ref in other_refs for d in rows)  # it was reminded before
    assert not [d for d in rows if d.subject_ref in other_refs and d.created_at >= submitted]


def test_a_sweep_that_dies_half_way_is_rerun_whole_and_sends_nothing_twice(
    db, session_factory, settings, monkeypatch
):
    """The sweep is one transaction: dying after its inserts (a crash, SIGKILL, a lost
    connection) leaves nothing queued, and the next run queues every reminder, once."""
    from notifications import obligation_reminders
    from notifications.jobs import JOBS
    from notifications.models import JobRun
    from notifications.scheduler import run_job_once

    moment = datetime(2026, 6, 9, 9, 30, tzinfo=SH)  # three working days before the 12th
    with time_machine.travel(datetime(2026, 6, 1, 2, tzinfo=SH), tick=False):
        generate_obligations(db, date(2026, 6, 1))
    db.commit()
    real = obligation_reminders.enqueue_many

    def dies_after_inserting(session, messages):
        inserted = real(session, messages)
        assert inserted > 0  # the rows are written in the sweep's transaction …
        raise RuntimeError("killed mid-sweep")  # … which then never commits

    monkeypatch.setattr(obligation_reminders, "enqueue_many", dies_after_inserting)
    with time_machine.travel(moment, tick=False):
        failed = run_job_once(
            "notifications.obligation_reminders", session_factory, settings, jobs=JOBS,
            now=moment, holder="a",
        )  # fmt: skip
    assert failed.status == "error" and "killed mid-sweep" in failed.message
    db.expire_all()
    assert db.scalar(select(Delivery).where(Delivery.level == "due_3")) is None
    assert db.get(JobRun, "notifications.obligation_reminders").last_status == "error"

    monkeypatch.setattr(obligation_reminders, "enqueue_many", real)
    for _ in range(2):  # the restarted scheduler, then its next tick: one set of rows
        with time_machine.travel(moment, tick=False):
            ok = run_job_once(
                "notifications.obligation_reminders", session_factory, settings, jobs=JOBS,
                now=moment, holder="a",
            )  # fmt: skip
        assert ok.status == "ok"
    db.expire_all()
    rows = db.scalars(select(Delivery).where(Delivery.level == "due_3")).all()
    assert rows
    keys = Counter((d.recipient_user_id, d.address, d.subject_ref, d.channel) for d in rows)
    assert set(keys.values()) == {1}

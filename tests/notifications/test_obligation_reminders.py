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

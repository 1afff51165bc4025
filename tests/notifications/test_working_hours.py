"""E-mail and webhook wait for working time (working days per the calendar, configurable
hours, Asia/Shanghai) unless the kind is urgent; in-app messages go out at once. Frozen time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from config.settings import Settings, SettingsError
from notifications.dispatcher import dispatch_pending
from notifications.models import Channel, Delivery, DeliveryStatus, InboxMessage
from notifications.router import route_events
from notifications.service import enqueue
from reporting.submissions import fire, start_draft
from tests.conftest import user
from tests.reporting.journey import SH, obligation
from workflow.calendar import load_calendar

NIGHT = datetime(2026, 11, 5, 0, 30, tzinfo=SH)  # Thursday 00:30
CONTEXT = {"ref": "清纪〔2026〕9号", "action": "待您审批", "path": "/clues/9"}


def _status(db, channel: Channel) -> set[str]:
    db.expire_all()
    return {d.status for d in db.scalars(select(Delivery).where(Delivery.channel == channel))}


def _dispatch(session_factory, settings, moment: datetime):
    with time_machine.travel(moment, tick=False):
        return dispatch_pending(session_factory, settings, now=moment)


def test_a_step_at_night_is_in_the_inbox_at_once_and_mailed_at_eight(
    db, session_factory, mail_settings, smtp
):
    handler_smtp, _port = smtp
    with time_machine.travel(NIGHT, tick=False):
        reporter = user(db, "reporter")
        sub = start_draft(db, reporter, obligation(db, "C01-D01-H01"))
        fire(db, reporter, sub, "submit", zero_report=True)
        assert route_events(db, NIGHT) == 1
        db.commit()
    night = _dispatch(session_factory, mail_settings, NIGHT)
    assert night.sent == 2  # the reviewers' inboxes
    assert _status(db, Channel.INAPP) == {DeliveryStatus.SENT}
    assert _status(db, Channel.EMAIL) == {DeliveryStatus.PENDING}
    assert db.scalar(select(InboxMessage.id).where(InboxMessage.user_id == user(db, "leader").id))
    assert _dispatch(session_factory, mail_settings, NIGHT.replace(hour=7, minute=59)).sent == 0
    assert handler_smtp.messages == []
    assert _dispatch(session_factory, mail_settings, NIGHT.replace(hour=8)).sent == 2
    assert sorted(str(m["To"]) for m in handler_smtp.messages) == [
        "handler@demo.qingfeng.local",
        "leader@demo.qingfeng.local",
    ]


def _mail(db, moment: datetime, *, urgent: bool = False) -> Delivery:
    with time_machine.travel(moment, tick=False):
        row = enqueue(
            db,
            channel=Channel.EMAIL,
            recipient=user(db, "leader"),
            subject_ref="clue:9",
            level=f"event:{moment:%m%d%H%M}{urgent:d}",
            business_date=moment.date(),
            template="event",
            context=CONTEXT,
            urgent=urgent,
        )
    assert row is not None
    db.commit()
    return row


def test_an_urgent_kind_is_mailed_at_night(db, session_factory, mail_settings, smtp):
    handler_smtp, _port = smtp
    _mail(db, NIGHT, urgent=True)
    _mail(db, NIGHT)
    assert _dispatch(session_factory, mail_settings, NIGHT).sent == 1
    assert len(handler_smtp.messages) == 1


def test_rest_days_wait_and_make_up_working_days_do_not(db, session_factory, mail_settings):
    calendar = load_calendar(db)
    saturday = datetime(2026, 11, 7, 10, tzinfo=SH)
    assert not calendar.is_workday(saturday.date())
    _mail(db, saturday)
    assert _dispatch(session_factory, mail_settings, saturday).sent == 0
    monday = saturday + timedelta(days=2)
    assert _dispatch(session_factory, mail_settings, monday).sent == 1
    # A make-up working day (调休上班) on a weekend of the official calendar.
    day = date(2026, 1, 1)
    while day.year == 2026 and (day.weekday() < 5 or not calendar.is_workday(day)):
        day += timedelta(days=1)
    assert day.year == 2026, "the 2026 calendar has make-up working days"
    make_up = datetime(day.year, day.month, day.day, 10, tzinfo=SH)
    _mail(db, make_up)
    assert _dispatch(session_factory, mail_settings, make_up).sent == 1


def test_working_hours_are_a_setting(db, session_factory, mail_settings):
    nine_to_five = mail_settings.with_overrides(working_hours=(9, 17))
    morning = datetime(2026, 11, 5, 8, 30, tzinfo=SH)
    _mail(db, morning)
    assert _dispatch(session_factory, nine_to_five, morning).sent == 0
    assert _dispatch(session_factory, nine_to_five, morning.replace(hour=17)).sent == 0
    assert _dispatch(session_factory, nine_to_five, morning.replace(hour=9)).sent == 1
    env = {"QINGFENG_WORKING_HOURS": "9-17"}
    assert Settings.from_env(env).working_hours == (9, 17)
    assert Settings.from_env({}).working_hours == (8, 18)
    for bad in ("18-8", "9", "nine-five", "0-25"):
        with pytest.raises(SettingsError, match="QINGFENG_WORKING_HOURS"):
            Settings.from_env({"QINGFENG_WORKING_HOURS": bad})

"""The notification package's own scheduled jobs (collected by ``notifications.scheduler``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import sessionmaker

from config.database import session_scope
from config.jobs import JobSpec
from config.settings import Settings
from notifications.calendar_alerts import calendar_alert_chunk
from notifications.chunks import sweep_chunks
from notifications.clue_reminders import clue_chunk
from notifications.digest import run_daily_digest
from notifications.dispatcher import dispatch_pending
from notifications.obligation_reminders import obligation_chunk
from notifications.rectification_reminders import sweep_rectification
from notifications.referral_reminders import referral_chunk
from notifications.reminder_digest import run_reminder_digest
from notifications.router import route_events


def dispatch(session_factory: sessionmaker, settings: Settings, now: datetime) -> str:
    return dispatch_pending(session_factory, settings, now=now).summary()


def daily_digest(session_factory: sessionmaker, settings: Settings, now: datetime) -> str:
    with session_scope(session_factory) as session:
        return run_daily_digest(session, now)


def reminder_digest(session_factory: sessionmaker, settings: Settings, now: datetime) -> str:
    with session_scope(session_factory) as session:
        return run_reminder_digest(session, now)


# The sweeps over many rows run in chunks, each its own transaction (notifications.chunks):
# a crash loses at most one chunk, and the scheduler's recovery run queues what is missing.
def clue_reminders(session_factory: sessionmaker, settings: Settings, now: datetime) -> str:
    queued = sweep_chunks(session_factory, clue_chunk, now, name="线索期限提醒")
    return f"排队提醒 {queued} 条"


def obligation_reminders(session_factory: sessionmaker, settings: Settings, now: datetime) -> str:
    queued = sweep_chunks(session_factory, obligation_chunk, now, name="报表期限提醒")
    return f"排队提醒 {queued} 条"


def referral_reminders(session_factory: sessionmaker, settings: Settings, now: datetime) -> str:
    queued = sweep_chunks(session_factory, referral_chunk, now, name="移送回执提醒")
    return f"排队提醒 {queued} 条"


def rectification_reminders(
    session_factory: sessionmaker, settings: Settings, now: datetime
) -> str:
    with session_scope(session_factory) as session:
        return f"排队提醒 {sweep_rectification(session, now)} 条"


def calendar_alerts(session_factory: sessionmaker, settings: Settings, now: datetime) -> str:
    queued = sweep_chunks(session_factory, calendar_alert_chunk, now, name="工作日历提醒")
    return f"排队提醒 {queued} 条"


def route(session_factory: sessionmaker, settings: Settings, now: datetime) -> str:
    with session_scope(session_factory) as session:
        return f"处理事件 {route_events(session, now)} 个"


JOBS = [
    JobSpec(
        id="notifications.obligation_reminders",
        trigger={"trigger": "cron", "hour": 9, "minute": 30},
        func=obligation_reminders,
        label="报表报送期限提醒",
    ),
    JobSpec(
        id="notifications.route_events",
        trigger={"trigger": "interval", "minutes": 1},
        func=route,
        label="把办理动态转为通知",
        misfire_grace_time=300,
    ),
    JobSpec(
        # Working days only, in working hours: the sweep checks the official calendar.
        id="notifications.clue_reminders",
        trigger={"trigger": "cron", "hour": "9,14", "minute": 0},
        func=clue_reminders,
        label="线索办理期限提醒",
    ),
    JobSpec(
        # As the clue reminders: the sweep itself keeps to working days and hours.
        id="notifications.referral_reminders",
        trigger={"trigger": "cron", "hour": "9,14", "minute": 5},
        func=referral_reminders,
        label="移送回执期限提醒",
    ),
    JobSpec(
        # As the clue reminders: working days and hours are checked by the sweep.
        id="notifications.rectification_reminders",
        trigger={"trigger": "cron", "hour": "9,14", "minute": 10},
        func=rectification_reminders,
        label="整改期限提醒",
    ),
    JobSpec(
        # An unconfirmed year: administrators and leaders, once a week (never reporters).
        id="notifications.calendar_alerts",
        trigger={"trigger": "cron", "hour": 9, "minute": 15},
        func=calendar_alerts,
        label="工作日历未确认提醒（管理员、领导）",
    ),
    JobSpec(
        id="notifications.dispatch",
        trigger={"trigger": "interval", "minutes": 1},
        func=dispatch,
        label="发送待发通知",
        misfire_grace_time=300,
    ),
    JobSpec(
        # Every morning; the job itself checks the working-day calendar (make-up days count).
        id="notifications.daily_digest",
        trigger={"trigger": "cron", "hour": 8, "minute": 30},
        func=daily_digest,
        label="每日未读消息摘要（不含期限提醒）",
    ),
    JobSpec(
        # After the morning sweeps (9:00–9:30): each person's held reminders, one message
        # per channel; the job checks the working-day calendar itself.
        id="notifications.reminder_digest",
        trigger={"trigger": "cron", "hour": 9, "minute": 45},
        func=reminder_digest,
        label="每日期限提醒汇总（按人、按渠道）",
    ),
]

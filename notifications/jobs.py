"""The notification package's own scheduled jobs (collected by ``notifications.scheduler``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import sessionmaker

from config.database import session_scope
from config.jobs import JobSpec
from config.settings import Settings
from notifications.digest import run_daily_digest
from notifications.dispatcher import dispatch_pending


def dispatch(session_factory: sessionmaker, settings: Settings, now: datetime) -> str:
    return dispatch_pending(session_factory, settings, now=now).summary()


def daily_digest(session_factory: sessionmaker, settings: Settings, now: datetime) -> str:
    with session_scope(session_factory) as session:
        return run_daily_digest(session, now, settings.timezone)


JOBS = [
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
        label="每日未读消息摘要",
    ),
]

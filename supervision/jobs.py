"""Scheduled jobs of the supervision package; ``notifications`` collects ``JOBS``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import sessionmaker

from config.database import session_scope
from config.jobs import JobSpec
from config.settings import Settings
from supervision.lookback import quarterly_draws


def lookback_job(sessions: sessionmaker, settings: Settings, now: datetime) -> str:
    with session_scope(sessions) as session:
        return f"抽取回头看样本 {quarterly_draws(session, now)} 个单位"


JOBS: list[JobSpec] = [
    JobSpec(
        # The first days of each quarter (Jan, Apr, Jul, Oct); idempotent per body and quarter.
        id="supervision.lookback_draw",
        trigger={"trigger": "cron", "month": "1,4,7,10", "day": "1-7", "hour": 8, "minute": 50},
        func=lookback_job,
        label="按季度抽取回头看样本",
    ),
]

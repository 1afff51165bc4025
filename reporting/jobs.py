"""Scheduled jobs of the reporting package; ``notifications`` collects ``JOBS`` by stable id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import sessionmaker

from config.database import session_scope
from config.jobs import JobSpec
from config.settings import Settings
from reporting.obligations import generate_obligations
from workflow.calendar_service import record_unknown_year
from workflow.engine import local_today


def generate_obligations_job(sessions: sessionmaker, settings: Settings, now: datetime) -> str:
    """Create this and last period's obligations; note unconfirmed years separately.

    The unknown years go in their own transaction, so the alert survives even if the
    obligations' transaction fails, and the obligations never wait on the alert.
    """
    with session_scope(sessions) as session:
        result = generate_obligations(session, local_today(now))
    for year, context in sorted(result.unknown_years.items()):
        with session_scope(sessions) as session:
            record_unknown_year(session, year, context)
    return f"新建报表任务 {result.created} 个"


JOBS: list[JobSpec] = [
    JobSpec(
        id="reporting.generate_obligations",
        trigger={"trigger": "cron", "hour": 1, "minute": 10},
        func=generate_obligations_job,
        label="生成各单位本期与上期报表任务及报送期限",
    ),
]

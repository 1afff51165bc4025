"""The workflow package's scheduled jobs (collected by ``notifications.scheduler``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import sessionmaker

from config.database import session_scope
from config.errors import Conflict
from config.jobs import JobSpec
from config.settings import Settings
from workflow.audit import seal_all


def seal_audit_trail(session_factory: sessionmaker, settings: Settings, now: datetime) -> str:
    try:
        with session_scope(session_factory) as session:
            return f"封存审计日志 {seal_all(session, now=now)} 行"
    except Conflict as err:
        return err.message


JOBS = [
    JobSpec(
        id="workflow.seal_audit_trail",
        trigger={"trigger": "interval", "minutes": 10},
        func=seal_audit_trail,
        label="封存审计日志（防篡改哈希链）",
        misfire_grace_time=600,
    ),
]

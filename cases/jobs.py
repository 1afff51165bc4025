"""Scheduled jobs of the cases package; ``notifications`` collects ``JOBS`` by stable id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import sessionmaker

from cases.retention import purge
from config.database import session_scope
from config.filestore import store_for
from config.jobs import JobSpec
from config.settings import Settings


def purge_evidence_job(sessions: sessionmaker, settings: Settings, now: datetime) -> str:
    """Remove the evidence of clues closed longer ago than the retention setting."""
    if settings.evidence_retention_days <= 0:
        return "未设置证据保存期限（QINGFENG_EVIDENCE_RETENTION_DAYS），全部保留"
    with session_scope(sessions) as session:
        result = purge(session, store_for(settings), settings.evidence_retention_days, now)
    return result.summary()


JOBS: list[JobSpec] = [
    JobSpec(
        id="cases.purge_evidence",
        trigger={"trigger": "cron", "hour": 2, "minute": 40},
        func=purge_evidence_job,
        label="删除超过保存期限的已销号线索证据附件",
    ),
]

"""The administrator's home panel: unconfirmed calendar years, failed and dead
deliveries, the scheduler's lease and the jobs whose last run failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from config.database import utcnow
from directory.models import User
from notifications.scheduler import LEASE_NAME, collect_jobs
from notifications.status import scheduler_status
from workflow.calendar_service import calendar_alerts


@dataclass(frozen=True)
class AdminAlerts:
    calendar: list[str]
    failed: int
    dead: int
    lease_holder: str | None
    lease_live: bool
    lease_expires: datetime | None
    stale_jobs: list[str]  # labels of jobs whose last run failed


def admin_alerts(session: Session, actor: User, today: date) -> AdminAlerts:
    """Calendar years not confirmed, failed and dead deliveries, and the scheduler's lease."""
    status = scheduler_status(session, actor, collect_jobs(), lease_name=LEASE_NAME, limit=1)
    lease = status.lease
    expires = lease.expires_at if lease else None
    return AdminAlerts(
        calendar=[a.message for a in calendar_alerts(session, today)],
        failed=status.counts.get("failed", 0),
        dead=status.counts.get("dead", 0),
        lease_holder=lease.holder if lease else None,
        lease_live=bool(expires and expires > utcnow()),
        lease_expires=expires,
        stale_jobs=[
            row.spec.label for row in status.jobs if row.run and row.run.last_status == "error"
        ],
    )

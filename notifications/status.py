"""What administrators see of the scheduler: each job's last run, the lease, failed deliveries.

DESIGN.md: "a failed delivery is retried and, when it keeps failing, shown to administrators".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from config.jobs import JobSpec
from directory.jurisdiction import visible_unit_ids
from directory.models import User
from directory.permissions import Capability, require
from notifications.models import Delivery, DeliveryStatus, JobRun, SchedulerLease


@dataclass(frozen=True)
class JobRow:
    spec: JobSpec
    run: JobRun | None


@dataclass(frozen=True)
class SchedulerStatus:
    jobs: list[JobRow]
    lease: SchedulerLease | None
    counts: dict[str, int]
    problems: Sequence[Delivery]  # failed (retrying) and dead, newest first


def scheduler_status(
    session: Session, actor: User, jobs: Sequence[JobSpec], *, lease_name: str, limit: int = 200
) -> SchedulerStatus:
    """Administrators only; deliveries are limited to recipients in the actor's jurisdiction."""
    require(actor, Capability.SYSTEM_MANAGE)
    runs = {r.job_id: r for r in session.scalars(select(JobRun))}
    visible_users = select(User.id).where(User.unit_id.in_(visible_unit_ids(session, actor)))
    mine = or_(Delivery.recipient_user_id.is_(None), Delivery.recipient_user_id.in_(visible_users))
    counts = {
        str(status): int(n)
        for status, n in session.execute(
            select(Delivery.status, func.count()).where(mine).group_by(Delivery.status)
        )
    }
    problems = session.scalars(
        select(Delivery)
        .where(mine, Delivery.status.in_([DeliveryStatus.FAILED.value, DeliveryStatus.DEAD.value]))
        .order_by(Delivery.id.desc())
        .limit(limit)
    ).all()
    return SchedulerStatus(
        jobs=[JobRow(spec, runs.get(spec.id)) for spec in jobs],
        lease=session.get(SchedulerLease, lease_name),
        counts=counts,
        problems=problems,
    )

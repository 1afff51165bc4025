"""A lease in the database so only one scheduler process acts at a time.

Taking the lease is one UPDATE that matches only when it has expired or is already ours;
when no row exists yet, one INSERT … ON CONFLICT DO NOTHING decides the race.
The caller commits, so the lease becomes visible to the other processes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, case, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from config.database import utcnow
from notifications.models import SchedulerLease


def _rowcount(result: object) -> int:
    return cast(CursorResult, result).rowcount


def acquire(
    session: Session, name: str, holder: str, ttl: timedelta, *, now: datetime | None = None
) -> bool:
    """Take or extend lease ``name`` for ``holder``; False while someone else holds it."""
    now = now or utcnow()
    taken = session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            or_(SchedulerLease.expires_at < now, SchedulerLease.holder == holder),
        )
        .values(
            # Renewing keeps the original start; taking over starts a new tenure.
            acquired_at=case(
                (SchedulerLease.holder == holder, SchedulerLease.acquired_at), else_=now
            ),
            holder=holder,
            expires_at=now + ttl,
        )
        .execution_options(synchronize_session=False)
    )
    if _rowcount(taken) == 1:
        return True
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: an ORM-enabled INSERT does not report rowcount on every driver.
    created = session.execute(
        insert(SchedulerLease)
        .values(name=name, holder=holder, acquired_at=now, expires_at=now + ttl)
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(SchedulerLease.name)
    ).scalar_one_or_none()
    return created is not None


def renew(
    session: Session, name: str, holder: str, ttl: timedelta, *, now: datetime | None = None
) -> bool:
    """Extend our lease; False when it has passed to someone else (then stop acting)."""
    now = now or utcnow()
    result = session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def release(session: Session, name: str, holder: str) -> bool:
    """Give the lease up at orderly shutdown so a standby takes over at once."""
    result = session.execute(
        delete(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def current(session: Session, name: str) -> SchedulerLease | None:
    return session.get(SchedulerLease, name)

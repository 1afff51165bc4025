"""The append-only ``audit_events`` table: security-relevant acts that are not transitions.

It lives in ``config`` because every package may record an event while only ``config`` is
importable from all of them; ``workflow/audit.py`` seals these rows into the same hash
chain as the transition log, so an edited or deleted event is detected.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from config.database import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # A plain id, not a foreign key: the record must outlive the account it names.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(48))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)


def record_event(
    session: Session,
    *,
    actor_id: int | None,
    kind: str,
    subject_type: str,
    subject_id: int | None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event in the caller's transaction (never updated or deleted)."""
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor_id,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail or {},
    )
    session.add(event)
    session.flush()
    return event

"""Seals over the append-only logs: each seal chains a batch of rows to the previous seal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from config.database import Base, utcnow


class AuditSeal(Base):
    __tablename__ = "audit_seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 1, 2, 3 … unique: two sealing processes racing for the same successor cannot both win.
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    sealed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_log_id: Mapped[int] = mapped_column(Integer)
    last_event_id: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # [[table, id, first 16 hex digits of the row's SHA-256], …] in chain order: lets
    # ``verify`` name the changed, missing or added row, not only the broken seal.
    entries: Mapped[list[Any]] = mapped_column(JSON, default=list)

"""Document number register: per body document types, one counter per body/type/year,
and every number ever issued (never deleted, never reused; a voided number stays voided)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from config.database import Base, utcnow


class DocumentType(Base):
    """A kind of document a body issues, with its 文号 prefix (e.g. 清纪函)."""

    __tablename__ = "document_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("body_id", "code"),)


class DocumentCounter(Base):
    """The last number issued for one body, type and year; its row lock serialises issuing."""

    __tablename__ = "document_counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("document_types.id"))
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("type_id", "year"),)


class DocumentNumber(Base):
    """One issued 文号. Rows are only added; voiding sets ``voided_at`` and nothing else."""

    __tablename__ = "document_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("document_types.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200), default="")
    subject_type: Mapped[str] = mapped_column(String(32), default="")
    subject_id: Mapped[int | None] = mapped_column(Integer)
    issued_by_id: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column()
    void_reason: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (UniqueConstraint("type_id", "year", "seq"),)

"""One table for every register: the kind says which list an entry belongs to."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from config.database import Base, utcnow
from directory.models import OrgUnit


class RegisterEntry(Base):
    __tablename__ = "register_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # reporting.registers.kinds.KINDS
    subtype: Mapped[str] = mapped_column(String(24), default="")
    # The body or institution that held the event (its register).
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    participants: Mapped[int] = mapped_column(Integer, default=0)
    # Who the event concerned: a supplier, a person, the organ that sent a 建议书 …
    counterpart: Mapped[str] = mapped_column(String(100), default="")
    # The institution a measure (约谈, 通报, 限期整改) was taken against (统计表二).
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    answered_on: Mapped[date | None] = mapped_column(Date)  # 建议书: 执行完成回复
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[OrgUnit] = relationship(foreign_keys=[unit_id])
    target_unit: Mapped[OrgUnit | None] = relationship(foreign_keys=[target_unit_id])

    __table_args__ = (Index("ix_register_entries_kind_unit_day", "kind", "unit_id", "occurred_on"),)

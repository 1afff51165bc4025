"""Rectification items (整改事项) and their states.

Seed ``001_…``: "建立问题台账，及时启动整改"; seed ``004_…``: "问题清单、任务清单、责任清单和
整治任务台账". A problem found by an inspection, a campaign checklist, a self-check (自查自纠)
or a clue becomes an item issued by a body (``unit_id``, the office that verifies it) to a
responsible unit and person, with a measure and a deadline. The responsible unit reports it
rectified with its evidence; the issuing office verifies it (验收) and writes it off (销号),
or sends it back. The deadline is a clock of ``workflow.timelimits`` (a fixed date), so
items are reminded and escalated like clues.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from config.database import Base, utcnow
from directory.models import OrgUnit, User


class RectificationState(StrEnum):
    OPEN = "open"  # 整改中
    REPORTED = "reported"  # 已报整改完成，待验收
    VERIFIED = "verified"  # 已验收销号


STATE_LABELS: dict[str, str] = {
    RectificationState.OPEN: "整改中",
    RectificationState.REPORTED: "待验收",
    RectificationState.VERIFIED: "已验收销号",
}


class SourceKind(StrEnum):
    INSPECTION = "inspection"  # 监督检查 (a campaign inspection visit)
    CHECKLIST = "checklist"  # 专项行动问题清单
    SELF_CHECK = "self_check"  # 自查自纠
    CLUE = "clue"  # 问题线索
    OTHER = "other"  # 巡视巡察、审计等其他渠道


SOURCE_LABELS: dict[str, str] = {
    SourceKind.INSPECTION: "监督检查发现",
    SourceKind.CHECKLIST: "专项行动问题清单",
    SourceKind.SELF_CHECK: "自查自纠",
    SourceKind.CLUE: "问题线索",
    SourceKind.OTHER: "其他（巡察、审计等）",
}


class RectificationItem(Base):
    __tablename__ = "rectification_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The issuing body: its ledger holds the item and its office verifies it.
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    source_kind: Mapped[str] = mapped_column(String(20), index=True)
    source_ref: Mapped[str] = mapped_column(String(100), default="")  # 文号、检查记录号等
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_inspections.id"))
    problem: Mapped[str] = mapped_column(Text)
    found_on: Mapped[date] = mapped_column(Date, index=True)
    responsible_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    responsible_person: Mapped[str] = mapped_column(String(50))
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    measure: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default=RectificationState.OPEN)
    version: Mapped[int] = mapped_column(Integer, default=1)
    evidence: Mapped[str] = mapped_column(Text, default="")  # 整改完成情况及佐证
    completed_on: Mapped[date | None] = mapped_column(Date)
    verified_on: Mapped[date | None] = mapped_column(Date, index=True)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verify_note: Mapped[str] = mapped_column(Text, default="")
    # The deadline as a clock (workflow.timelimits), so the sweeps treat it as a clue's.
    clocks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    next_due_on: Mapped[date | None] = mapped_column(Date)
    next_due_kind: Mapped[str | None] = mapped_column(String(32))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[OrgUnit] = relationship(foreign_keys=[unit_id])
    responsible_unit: Mapped[OrgUnit] = relationship(foreign_keys=[responsible_unit_id])
    responsible_user: Mapped[User | None] = relationship(foreign_keys=[responsible_user_id])

    __table_args__ = (
        UniqueConstraint("unit_id", "year", "seq"),
        Index("ix_rectification_items_state_due", "state", "next_due_on"),
    )

    @property
    def number(self) -> str:
        """The item's number in its body's ledger: 整改〔2026〕3号."""
        return f"整改〔{self.year}〕{self.seq}号"

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source_kind, self.source_kind)

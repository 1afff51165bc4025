"""The clue (问题线索) and the gap-free ledger counter."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.states import STATE_LABELS, ClueState
from config.database import Base, utcnow
from directory.models import OrgUnit, User
from tips.models import Tip
from workflow.pending import pending_label

FEEDBACK_GIVEN = "已反馈，待申请销号"


class Clue(Base):
    __tablename__ = "clues"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The body whose ledger holds the clue; jurisdiction is decided by it.
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    # Indexed with the ledger order in ix_clues_state_received_id (state first).
    state: Mapped[str] = mapped_column(String(32), default=ClueState.RECEIVED)
    version: Mapped[int] = mapped_column(Integer, default=1)
    ledger_year: Mapped[int | None] = mapped_column(Integer)
    ledger_seq: Mapped[int | None] = mapped_column(Integer)
    ledger_no: Mapped[str | None] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(32), index=True)
    category: Mapped[str] = mapped_column(String(32), default="other", index=True)
    summary: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, default="")
    accused_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    reporter_named: Mapped[bool] = mapped_column(Boolean, default=False)
    petition: Mapped[bool] = mapped_column(Boolean, default=False)  # 信访事项
    handed_down: Mapped[bool] = mapped_column(Boolean, default=False)  # 上级交办/转办
    superior_ref: Mapped[str] = mapped_column(String(100), default="")
    superior_due: Mapped[date | None] = mapped_column(Date)
    # 部门移交 / 巡视巡察移交 (and 上级交办) may ask for the result (seed 004: "要求报告结果"):
    # the duty, its deadline (a clock, ``report_back``) and when it was done.
    report_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    report_due: Mapped[date | None] = mapped_column(Date)
    reported_back_on: Mapped[date | None] = mapped_column(Date)
    # 重大 (cases.major): copied to the body's 驻委纪检组 (seed 001).
    major: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    major_at: Mapped[datetime | None] = mapped_column()
    major_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    proposed_route: Mapped[str | None] = mapped_column(String(32))
    route: Mapped[str | None] = mapped_column(String(32))
    findings: Mapped[str | None] = mapped_column(String(32))
    findings_text: Mapped[str] = mapped_column(Text, default="")  # the written conclusion
    findings_on: Mapped[date | None] = mapped_column(Date)
    verification_plan: Mapped[str] = mapped_column(Text, default="")
    # 涉案金额 and 追回资金 in 万元, as the statistical forms count them.
    amount_involved: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    funds_recovered: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    # A clue handed down for verification points at the clue it came from.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"))
    repeat_count: Mapped[int] = mapped_column(Integer, default=0)
    # The tip this clue was made from (tips.models.Tip); None for clues entered directly.
    tip_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id"), index=True)
    # Time limits {clock: {start, due, paused, extended, paused_on, met_on}}: workflow.timelimits
    clocks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    next_due_on: Mapped[date | None] = mapped_column(Date)
    next_due_kind: Mapped[str | None] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[OrgUnit] = relationship(foreign_keys=[unit_id])
    accused_unit: Mapped[OrgUnit | None] = relationship(foreign_keys=[accused_unit_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    tip: Mapped[Tip | None] = relationship(foreign_keys=[tip_id])

    __table_args__ = (
        Index("ix_clues_unit_state_due", "unit_id", "state", "next_due_on"),
        Index("ix_clues_due", "next_due_on", "state"),
        Index("ix_clues_unit_id_desc", "unit_id", "id"),
        Index("ix_clues_major_unit", "major", "unit_id"),
        # The ledger's keyset order, alone and within a unit.
        Index("ix_clues_received_id", "received_at", "id"),
        Index("ix_clues_unit_received_id", "unit_id", "received_at", "id"),
        # The ledger filtered by state, already in ledger order: a page stops after 51 rows
        # instead of sorting every clue in that state (measured in bench/bench_scale.py).
        Index("ix_clues_state_received_id", "state", "received_at", "id"),
        # Search by the number people quote on the phone ("0007", "2026-0007": cases.search).
        Index("ix_clues_ledger_seq", "ledger_seq", "ledger_year"),
        # Full-text search on PostgreSQL: trigram GIN indexes work for Chinese, which has no
        # spaces for word tokenisers (to_tsvector('simple') would index whole sentences).
        # On SQLite these are plain indexes (Alembic compares them by name on both backends).
        Index(
            "ix_clues_summary_trgm",
            "summary",
            postgresql_using="gin",
            postgresql_ops={"summary": "gin_trgm_ops"},
        ),
        Index(
            "ix_clues_content_trgm",
            "content",
            postgresql_using="gin",
            postgresql_ops={"content": "gin_trgm_ops"},
        ),
    )

    @property
    def state_label(self) -> str:
        # 登记已反馈 keeps the clue in FEEDBACK (the step is logged, not a new state): once the
        # reporter has been told, the status must not still read 待反馈.
        feedback = (self.clocks or {}).get("result_feedback") or {}
        if self.state == ClueState.FEEDBACK and feedback.get("met_on"):
            return FEEDBACK_GIVEN
        return STATE_LABELS.get(self.state, self.state)

    @property
    def reference(self) -> str:
        """The number shown to people: the ledger number once registered."""
        return self.ledger_no or f"待受理-{self.id}"

    @property
    def pending_due_label(self) -> str:
        """Shows "待定（YYYY 年工作日历未确认）" while an open clock waits for that year."""
        years = sorted(
            int(c.get("pending_year") or 0)
            for c in (self.clocks or {}).values()
            if c.get("due") is None and not c.get("met_on") and not c.get("paused_on")
        )
        return pending_label(years[0]) if years else ""


class LedgerCounter(Base):
    """The last ledger number handed out per body and year (gap-free: same transaction)."""

    __tablename__ = "ledger_counters"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ClueSubscription(Base):
    """A user following a clue (关注): its reminders and news reach them too, for as long
    as they can still see the clue (checked when sending: cases.subscriptions)."""

    __tablename__ = "clue_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Clue first: the sweeps and the clue page look subscriptions up by clue; the unique
    # index serves them, the user_id index serves a user's own list.
    __table_args__ = (UniqueConstraint("clue_id", "user_id"),)

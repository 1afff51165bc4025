"""Reporting obligations (who owes which form for which period, by when) and submissions.

An ``ObligationRule`` says which kind of unit owes a form on which cycle and how its
deadline is counted; an ``Obligation`` is one period's instance for one unit; a
``Submission`` is one version of the figures filed against it (an accepted version is
locked and amended only by a new, reasoned version); a ``SubmissionAttachment`` is a
file attached to a free-text report's version.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from config.database import Base, utcnow
from config.files import StoredFile
from directory.models import OrgUnit, User


class Cycle(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"
    FIXED = "fixed"  # a one-off campaign deadline


class SubmissionState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    ACCEPTED = "accepted"


SUBMISSION_STATE_LABELS: dict[str, str] = {
    SubmissionState.DRAFT: "草稿",
    SubmissionState.SUBMITTED: "已报送",
    SubmissionState.RETURNED: "已退回",
    SubmissionState.RESUBMITTED: "已重新报送",
    SubmissionState.ACCEPTED: "已接收（锁定）",
}


class ObligationState(StrEnum):
    """An obligation mirrors its latest submission; ``not_started`` before any draft."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    ACCEPTED = "accepted"


OBLIGATION_STATE_LABELS: dict[str, str] = {
    ObligationState.NOT_STARTED: "未填报",
    **SUBMISSION_STATE_LABELS,
}


class ObligationRule(Base):
    __tablename__ = "obligation_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    form_code: Mapped[str] = mapped_column(String(32))
    # Comma-separated ``directory.models.UnitKind`` values of the units that owe it.
    unit_kinds: Mapped[str] = mapped_column(String(100))
    cycle: Mapped[str] = mapped_column(String(16))
    day_of_month: Mapped[int | None] = mapped_column(Integer)  # "by the 12th"
    working_days: Mapped[int | None] = mapped_column(Integer)  # "first N working days after"
    fixed_due: Mapped[date | None] = mapped_column(Date)
    period_start: Mapped[date | None] = mapped_column(Date)  # fixed rules only
    period_end: Mapped[date | None] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200), default="")
    campaign_id: Mapped[int | None] = mapped_column(Integer)  # set by the campaigns package
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Seed 004 "从7月起…12月": the first and the last period owed (their start days).
    first_period: Mapped[date | None] = mapped_column(Date)
    last_period: Mapped[date | None] = mapped_column(Date)
    # A notice's one-off obligation (``reporting.oneoff``): the body that entered it and
    # the subtree that owes it; a working-day rule counts from ``counted_from``.
    issuer_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    counted_from: Mapped[date | None] = mapped_column(Date)

    recipients: Mapped[list[RuleRecipient]] = relationship(
        back_populates="rule", cascade="all, delete-orphan", order_by="RuleRecipient.id"
    )
    overrides: Mapped[list[DeadlineOverride]] = relationship(
        back_populates="rule", cascade="all, delete-orphan", order_by="DeadlineOverride.id"
    )

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k in self.unit_kinds.split(",") if k)


class RuleRecipient(Base):
    """An office of a body above that receives a rule's forms (seed 004: "附件1报至局党建办").

    A rule may name several (seed 002: "分别报送"); each office serves the units whose body
    above is the office's body. Units whose body above has none of them report to the
    whole body, as before.
    """

    __tablename__ = "rule_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("obligation_rules.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))

    rule: Mapped[ObligationRule] = relationship(back_populates="recipients")
    office: Mapped[OrgUnit] = relationship()

    __table_args__ = (UniqueConstraint("rule_id", "office_id"),)


class DeadlineOverride(Base):
    """One period's deadline set by the notice itself (seed 002: "2021年10月8日前")."""

    __tablename__ = "deadline_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("obligation_rules.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")

    rule: Mapped[ObligationRule] = relationship(back_populates="overrides")

    __table_args__ = (UniqueConstraint("rule_id", "period_start"),)


class Obligation(Base):
    __tablename__ = "obligations"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("obligation_rules.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    form_code: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    period_label: Mapped[str] = mapped_column(String(64))
    # NULL while the deadline falls in a year whose calendar nobody has confirmed.
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    calendar_unknown: Mapped[bool] = mapped_column(Boolean, default=False)
    unknown_year: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default=ObligationState.NOT_STARTED)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    rule: Mapped[ObligationRule] = relationship()
    unit: Mapped[OrgUnit] = relationship()

    __table_args__ = (
        UniqueConstraint("unit_id", "form_code", "period_start"),
        Index("ix_obligations_period_state", "form_code", "period_start", "state"),
    )

    @property
    def state_label(self) -> str:
        return OBLIGATION_STATE_LABELS.get(self.state, self.state)


class Submission(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    form_code: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer, default=1)  # 1 = original, 2+ = amendments
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    amend_reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default=SubmissionState.DRAFT, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic locking (engine)
    # {"row|col": value}; 万元 figures as decimal strings so no precision is lost.
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    leader_name: Mapped[str] = mapped_column(String(100), default="")
    filler_name: Mapped[str] = mapped_column(String(100), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    return_reason: Mapped[str] = mapped_column(Text, default="")
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at: Mapped[datetime | None] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column()
    # When a reviewer of the body above first opened this round of the submission; until
    # then the reporter may withdraw it (撤回). Cleared when it is (re)submitted.
    opened_at: Mapped[datetime | None] = mapped_column()
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Fields the lifecycle engine writes on every step.
    clocks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    next_due_on: Mapped[date | None] = mapped_column(Date)
    next_due_kind: Mapped[str | None] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    obligation: Mapped[Obligation] = relationship()
    unit: Mapped[OrgUnit] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])

    __table_args__ = (UniqueConstraint("obligation_id", "number"),)

    @property
    def state_label(self) -> str:
        return SUBMISSION_STATE_LABELS.get(self.state, self.state)


class SubmissionAttachment(StoredFile, Base):
    """A file attached to one version of a free-text report (``reporting.attachments``).

    The bytes are sealed in the file store (``config.filestore``) under ``stored_name``;
    ``filename`` is the name as uploaded, shown and offered on download, never used to store.
    """

    __tablename__ = "submission_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)

    uploaded_by: Mapped[User | None] = relationship()

    @property
    def size_label(self) -> str:
        return size_label(self.size)


def size_label(size: int) -> str:
    """A file size for people: "850 KB", "2.4 MB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"

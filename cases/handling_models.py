"""The records of a clue's handling: subjects, talks, inquiries, attachments, sanctions,
referrals, feedback, the supplier negative list, the red-packet register and the audit rows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.reference import (
    FEEDBACK_METHODS,
    FEEDBACK_MODES,
    POSTS,
    REFERRAL_TARGETS,
    SANCTION_KINDS,
)
from config.database import Base, utcnow
from config.files import StoredFile
from directory.models import OrgUnit


class ClueSubject(Base):
    """A person (当事人) or an institution a clue is about."""

    __tablename__ = "clue_subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # person | institution
    name: Mapped[str] = mapped_column(String(100))
    post: Mapped[str | None] = mapped_column(String(16))  # persons only
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    institution_name: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[OrgUnit | None] = relationship()
    sanctions: Mapped[list[Sanction]] = relationship(
        back_populates="subject", order_by="Sanction.id"
    )

    @property
    def post_label(self) -> str:
        return POSTS.get(self.post or "", "")

    @property
    def label(self) -> str:
        where = self.institution.name if self.institution else self.institution_name
        if self.kind == "institution":
            return self.name
        return f"{self.name}（{where + '，' if where else ''}{self.post_label}）"


class TalkRecord(Base):
    """谈话记录."""

    __tablename__ = "clue_talks"

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    talked_on: Mapped[date] = mapped_column(Date)
    person: Mapped[str] = mapped_column(String(100))
    talkers: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InquiryLetter(Base):
    """函询函: sent, reply due in 15 working days (cases.timelimits ``inquiry_reply``)."""

    __tablename__ = "clue_inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(100))
    sent_on: Mapped[date] = mapped_column(Date)
    reply_due: Mapped[date | None] = mapped_column(Date)
    reply_received_on: Mapped[date | None] = mapped_column(Date)
    reply_summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(StoredFile, Base):
    """Evidence file metadata; the bytes are sealed in the file store (``config.filestore``)."""

    __tablename__ = "clue_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)


class Sanction(Base):
    """A measure decided against one subject; executed when ``executed_on`` is set."""

    __tablename__ = "clue_sanctions"

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("clue_subjects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    decided_on: Mapped[date] = mapped_column(Date, index=True)
    executed_on: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))  # 罚没金额，万元
    note: Mapped[str] = mapped_column(Text, default="")

    subject: Mapped[ClueSubject] = relationship(back_populates="sanctions")

    @property
    def kind_label(self) -> str:
        return SANCTION_KINDS.get(self.kind, self.kind)


class Referral(Base):
    """A referral or transfer to another authority: sent → receipted → outcome."""

    __tablename__ = "clue_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    target: Mapped[str] = mapped_column(String(16), index=True)
    organ: Mapped[str] = mapped_column(String(200))
    sent_on: Mapped[date] = mapped_column(Date, index=True)
    # The referral-receipt sweep selects by due date (notifications.referral_reminders).
    receipt_due: Mapped[date | None] = mapped_column(Date, index=True)
    received_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(Text, default="")
    # Once receipted, the outcome is chased too (``referral_outcome`` in cases.timelimits,
    # notifications.referral_reminders); None until the receipt, or while pending.
    outcome_due: Mapped[date | None] = mapped_column(Date, index=True)
    outcome_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    @property
    def target_label(self) -> str:
        return REFERRAL_TARGETS.get(self.target, self.target)


class FeedbackRecord(Base):
    """Feedback to the reporter; the public wording is kept apart from internal notes."""

    __tablename__ = "clue_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    mode: Mapped[str] = mapped_column(String(16))  # named | anonymous | not_applicable
    method: Mapped[str | None] = mapped_column(String(16))
    given_on: Mapped[date | None] = mapped_column(Date)
    public_wording: Mapped[str] = mapped_column(Text, default="")
    internal_note: Mapped[str] = mapped_column(Text, default="")
    na_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def mode_label(self) -> str:
        return FEEDBACK_MODES.get(self.mode, self.mode)

    @property
    def method_label(self) -> str:
        return FEEDBACK_METHODS.get(self.method or "", "")


class NegativeListEntry(Base):
    """A supplier on a body's negative list (负面名单) after a kickback case."""

    __tablename__ = "supplier_negative_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    supplier: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"), index=True)
    listed_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RedPacketSurrender(Base):
    """红包上缴登记: a red packet a member of staff could not refuse, and its surrender."""

    __tablename__ = "red_packet_surrenders"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    staff_name: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(100), default="")
    patient_name: Mapped[str] = mapped_column(String(100), default="")
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    received_on: Mapped[date] = mapped_column(Date)
    surrendered_on: Mapped[date] = mapped_column(Date)
    receipt_no: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[OrgUnit] = relationship()

    __table_args__ = (Index("ix_red_packets_unit_surrendered", "unit_id", "surrendered_on"),)


class ClueEvent(Base):
    """One change to a clue's records (not a lifecycle step), shown in the timeline."""

    __tablename__ = "clue_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(48))  # e.g. "sanction.add"
    summary: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_clue_events_clue", "clue_id", "id"),)

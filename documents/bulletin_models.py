"""The 通报: typical cases picked from the ledger, anonymised, edited, numbered and issued.

A draft holds its cases as editable text; issuing gives it a 文号 (``documents.numbers``)
and seals the DOCX and the PDF in the file store with their SHA-256 in the audit chain.
An issued 通报 never changes again; publishing puts its text on the portal's notices.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from config.database import Base, utcnow
from directory.models import OrgUnit

DRAFT, ISSUED = "draft", "issued"
STATE_LABELS = {DRAFT: "草稿", ISSUED: "已印发"}


class Bulletin(Base):
    __tablename__ = "bulletins"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    state: Mapped[str] = mapped_column(String(16), default=DRAFT)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200))
    recipients: Mapped[str] = mapped_column(String(200), default="")  # 主送
    intro: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(Text, default="")
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    # What the cases were picked by: {"scope_unit_id", "category", "stat_class", "sanction"}.
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    number_id: Mapped[int | None] = mapped_column(ForeignKey("document_numbers.id"))
    number_text: Mapped[str] = mapped_column(String(64), default="")
    docx_name: Mapped[str | None] = mapped_column(String(80))  # stored names in the file store
    docx_sha256: Mapped[str] = mapped_column(String(64), default="")
    pdf_name: Mapped[str | None] = mapped_column(String(80))
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None] = mapped_column()
    published_at: Mapped[datetime | None] = mapped_column()

    body: Mapped[OrgUnit] = relationship()
    cases: Mapped[list[BulletinCase]] = relationship(
        back_populates="bulletin", order_by="BulletinCase.position"
    )

    __table_args__ = (
        Index("ix_bulletins_body_id", "body_id", "id"),
        Index("ix_bulletins_published", "published_at"),
    )

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


class BulletinCase(Base):
    """One typical case of a 通报: the anonymised heading and text, as the reviewer left it."""

    __tablename__ = "bulletin_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id"), index=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)

    bulletin: Mapped[Bulletin] = relationship(back_populates="cases")

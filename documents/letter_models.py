"""Letters: an office's own DOCX templates, and every document issued from a clue.

An issued document is immutable: its DOCX and PDF are sealed in the encrypted file store
under random names, their SHA-256 kept here and in the audit chain. Nothing of the
written text is kept in the database (it may name a reporter), only the title.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from config.database import Base, utcnow


class LetterTemplate(Base):
    """A body's own DOCX template for one kind of letter; the newest active one is used."""

    __tablename__ = "letter_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class IssuedDocument(Base):
    """One issued letter of a clue, with its 文号 and both files."""

    __tablename__ = "issued_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    number_id: Mapped[int] = mapped_column(ForeignKey("document_numbers.id"), unique=True)
    number_text: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    template_id: Mapped[int | None] = mapped_column(Integer)  # None: the shipped default
    docx_name: Mapped[str] = mapped_column(String(80), unique=True)
    docx_sha256: Mapped[str] = mapped_column(String(64))
    docx_size: Mapped[int] = mapped_column(Integer)
    pdf_name: Mapped[str] = mapped_column(String(80), unique=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_size: Mapped[int] = mapped_column(Integer)
    issued_by_id: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

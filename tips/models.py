"""Tips (举报/反映) as they arrive, before and after they become clues.

No column holds a reporter's identity in plaintext: ``identity_token`` is a Fernet token
(``tips.protection``) and ``tip_contacts`` keeps only keyed blind indexes. The clue
refers to its tip (``clues.tip_id``); ``Tip.clue_id`` is a plain copy kept by
``cases.intake`` so that ``tips`` need not know the clue table.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from config.database import Base, utcnow
from directory.models import OrgUnit


class TipStatus(StrEnum):
    RECEIVED = "received"  # a clue exists in state received, no decision yet
    REGISTERED = "registered"
    MERGED = "merged"
    NOT_ACCEPTED = "not_accepted"
    FORWARDED = "forwarded"
    IMPORTED = "imported"  # from a legacy ledger


TIP_STATUS_LABELS = {
    TipStatus.RECEIVED: "待受理",
    TipStatus.REGISTERED: "已受理",
    TipStatus.MERGED: "重复件已合并",
    TipStatus.NOT_ACCEPTED: "不予受理",
    TipStatus.FORWARDED: "已转办",
    TipStatus.IMPORTED: "历史台账导入",
}


class Tip(Base):
    __tablename__ = "tips"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The receiving body; jurisdiction is decided by it.
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32), index=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, default="")
    accused_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    # The institution as the reporter named it (kept even when it matched the directory).
    accused_unit_text: Mapped[str] = mapped_column(String(200), default="")
    named: Mapped[bool] = mapped_column(Boolean, default=False)
    identity_token: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=TipStatus.RECEIVED, index=True)
    clue_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Files refused at intake, with the reason shown to the clerk: [{filename, reason}].
    rejected_files: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # Portal: HMAC-SHA256 of the 16-digit receipt code (tips.portal), never the code.
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Mailbox: idempotency by Message-ID (unique) and the IMAP UID it came with.
    message_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    mail_uid: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[OrgUnit] = relationship(foreign_keys=[unit_id])
    accused_unit: Mapped[OrgUnit | None] = relationship(foreign_keys=[accused_unit_id])
    accused: Mapped[list[TipAccused]] = relationship(
        back_populates="tip", cascade="all, delete-orphan", order_by="TipAccused.id"
    )
    attachments: Mapped[list[TipAttachment]] = relationship(
        back_populates="tip", cascade="all, delete-orphan", order_by="TipAttachment.id"
    )

    __table_args__ = (Index("ix_tips_unit_id_desc", "unit_id", "id"),)

    @property
    def status_label(self) -> str:
        return TIP_STATUS_LABELS.get(TipStatus(self.status), self.status)


class TipAccused(Base):
    """A person the tip accuses; ``name_key`` is the normalised name for duplicate matching."""

    __tablename__ = "tip_accused"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100), index=True)
    post: Mapped[str] = mapped_column(String(20), default="other")

    tip: Mapped[Tip] = relationship(back_populates="accused")


class TipContact(Base):
    """Blind index (keyed HMAC) of one of the reporter's contacts: matching without plaintext."""

    __tablename__ = "tip_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), index=True)


class TipBand(Base):
    """MinHash LSH bucket keys of the tip's text (``tips.similarity.band_keys``)."""

    __tablename__ = "tip_bands"

    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)


class TipAttachment(Base):
    __tablename__ = "tip_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Key of the file in the store (``config.filestore``); random, never user-chosen. For a
    # photo it is the copy without metadata (EXIF, GPS); ``original_name`` keeps the file as
    # received, for the roles that may see the reporter (tips.metadata).
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    original_name: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    purged_at: Mapped[datetime | None] = mapped_column(default=None)

    tip: Mapped[Tip] = relationship(back_populates="attachments")


class RevealLog(Base):
    """Every time someone saw a reporter's identity: who, when, which tip (规则第七章)."""

    __tablename__ = "reveal_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    purpose: Mapped[str] = mapped_column(String(200), default="")


class RevealRequest(Base):
    """A request to see a reporter, approved by a second person (``Settings.reveal_two_person``).

    pending → approved (by a leader other than the requester) → used (the one reveal it
    allows); or denied. Every step is also an audit event.
    """

    __tablename__ = "reveal_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    purpose: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


class QuarantineStatus(StrEnum):
    OPEN = "open"
    CONVERTED = "converted"
    DISMISSED = "dismissed"


class MailQuarantine(Base):
    """A message we could not parse, kept whole until a clerk resolves it.

    The raw bytes are stored Fernet-encrypted (``raw_token``): a raw e-mail carries the
    sender's name and address, which must not lie in the database in plaintext.
    """

    __tablename__ = "mail_quarantine"

    id: Mapped[int] = mapped_column(primary_key=True)
    raw_token: Mapped[bytes] = mapped_column(LargeBinary)
    raw_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200), default="")
    mail_uid: Mapped[int | None] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=QuarantineStatus.OPEN, index=True)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column()
    tip_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id"))


class MailOriginal(Base):
    """The bytes a mail tip arrived as, kept whole so a clerk can always go back to them.

    Encrypted like the quarantine (``raw_token``, Fernet): a raw e-mail names its sender.
    """

    __tablename__ = "mail_originals"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), unique=True)
    raw_token: Mapped[bytes] = mapped_column(LargeBinary)
    raw_sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MailboxState(Base):
    """Where the last poll of a mailbox stopped (UIDs are valid within one UIDVALIDITY)."""

    __tablename__ = "mailbox_state"

    mailbox: Mapped[str] = mapped_column(String(200), primary_key=True)
    uidvalidity: Mapped[int | None] = mapped_column(Integer)
    last_uid: Mapped[int | None] = mapped_column(Integer)
    last_polled_at: Mapped[datetime | None] = mapped_column()


class PortalMessage(Base):
    """A message between a portal reporter (by receipt code) and the office."""

    __tablename__ = "portal_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), index=True)
    from_office: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class RateHit(Base):
    """One counted request for the DB-backed limiter; ``bucket`` holds no raw IP (tips.portal)."""

    __tablename__ = "rate_hits"

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_rate_hits_bucket_at", "bucket", "at"),)


class PortalContacts(Base):
    """The installation's own hotlines and addresses for the portal's public notice: one
    row (id 1), set by an administrator (``tips.portal_contacts``); none until then."""

    __tablename__ = "portal_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    hotlines: Mapped[str] = mapped_column(Text, default="")  # one per line
    addresses: Mapped[str] = mapped_column(Text, default="")  # one per line
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(Integer)

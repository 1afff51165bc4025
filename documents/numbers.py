"""Issuing 文号: gap-free per body, type and year, in the caller's transaction.

The counter row is bumped with one ``UPDATE … RETURNING``: on PostgreSQL the row lock is
held until the caller commits, so concurrent issuers queue and each gets the next number;
if the caller's transaction rolls back, the counter rolls back with it (no gap). SQLite
serialises writers anyway. A missing counter row is created under a savepoint; a racing
creator's unique violation just sends us back to the UPDATE.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from config.audit_log import record_event
from config.database import utcnow
from config.errors import NotFound, ValidationError
from config.localtime import local_date
from directory.jurisdiction import unit_visible
from directory.models import OrgUnit, User
from directory.permissions import Capability, require
from documents.models import DocumentCounter, DocumentNumber, DocumentType

PREFIX_MAX = 32


@dataclass(frozen=True)
class TypeInput:
    code: str
    name: str
    prefix: str
    active: bool = True


def format_number(prefix: str, year: int, seq: int) -> str:
    """GB/T 9704: 发文机关代字 + 〔年份〕 + 序号 + 号, no leading zeros."""
    return f"{prefix}〔{year}〕{seq}号"


def save_type(session: Session, actor: User, body: OrgUnit, data: TypeInput) -> DocumentType:
    """Create or update a body's document type (admin only); the code is its key."""
    require(actor, Capability.DIRECTORY_MANAGE)
    if not body.is_body or not unit_visible(session, actor, body):
        raise NotFound("未找到该单位，或不在您的管辖范围内。")
    code, name, prefix = data.code.strip(), data.name.strip(), data.prefix.strip()
    if not code or not name or not prefix:
        raise ValidationError("请填写文种代码、名称和文号前缀")
    if len(code) > 32 or len(name) > 100:
        raise ValidationError("文种代码不能超过32字，文种名称不能超过100字")
    if len(prefix) > PREFIX_MAX or any(c in prefix for c in "〔〕[]") or prefix.isdigit():
        raise ValidationError(f"文号前缀须为不超过{PREFIX_MAX}字的机关代字，如“清纪函”")
    row = session.scalar(
        select(DocumentType).where(DocumentType.body_id == body.id, DocumentType.code == code)
    )
    if row is None:
        row = DocumentType(body_id=body.id, code=code, name=name, prefix=prefix)
        session.add(row)
    else:
        row.name, row.prefix = name, prefix
    row.active = data.active
    session.flush()
    record_event(
        session, actor_id=actor.id, kind="document_type.saved", subject_type="document_type",
        subject_id=row.id, detail={"code": code, "prefix": prefix, "active": data.active},
    )
    return row


def _next_seq(session: Session, type_id: int, year: int) -> int:
    bump = (
        update(DocumentCounter)
        .where(DocumentCounter.type_id == type_id, DocumentCounter.year == year)
        .values(last=DocumentCounter.last + 1)
        .returning(DocumentCounter.last)
        .execution_options(synchronize_session=False)
    )
    for _attempt in range(3):
        seq = session.execute(bump).scalar_one_or_none()
        if seq is not None:
            return int(seq)
        try:
            with session.begin_nested():
                session.add(DocumentCounter(type_id=type_id, year=year, last=0))
        except IntegrityError:
            continue  # another issuer created it first; its lock now orders us
    raise RuntimeError("document counter could not be created")


def issue_number(
    session: Session,
    actor: User,
    doc_type: DocumentType,
    *,
    title: str = "",
    subject_type: str = "",
    subject_id: int | None = None,
) -> DocumentNumber:
    """Take the next 文号 of ``doc_type`` for this year, in the caller's transaction."""
    if not doc_type.active:
        raise ValidationError(f"文种“{doc_type.name}”已停用，不能编号")
    year = local_date(utcnow()).year
    seq = _next_seq(session, doc_type.id, year)
    row = DocumentNumber(
        type_id=doc_type.id, year=year, seq=seq,
        text=format_number(doc_type.prefix, year, seq), title=title[:200],
        subject_type=subject_type, subject_id=subject_id, issued_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    record_event(
        session, actor_id=actor.id, kind="document_number.issued",
        subject_type="document_number", subject_id=row.id,
        detail={"text": row.text, "subject_type": subject_type, "subject_id": subject_id},
    )
    return row


def void_number(session: Session, actor: User, number_id: int, reason: str) -> DocumentNumber:
    """Void an issued number: it stays in the register, marked, and is never issued again."""
    row = session.get(DocumentNumber, number_id)
    if row is None:
        raise NotFound("文号不存在")
    doc_type = session.get(DocumentType, row.type_id)
    body = session.get(OrgUnit, doc_type.body_id) if doc_type is not None else None
    if body is None or not unit_visible(session, actor, body):
        raise NotFound("文号不存在")
    require(actor, Capability.DIRECTORY_MANAGE)
    reason = reason.strip()
    if not reason:
        raise ValidationError("请填写作废原因")
    if len(reason) > 200:
        raise ValidationError("作废原因不能超过200字")
    if row.voided_at is not None:
        raise ValidationError(f"文号{row.text}已作废")
    row.voided_at, row.void_reason = utcnow(), reason
    record_event(
        session, actor_id=actor.id, kind="document_number.voided",
        subject_type="document_number", subject_id=row.id,
        detail={"text": row.text, "reason": reason},
    )
    return row

"""Reading the 文号 register within jurisdiction: a body's document types and the numbers
issued under them, and finding the type a clue's letter is numbered under."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.database import is_valid_id
from config.errors import NotFound, ValidationError
from directory.jurisdiction import body_of, unit_visible, visible_unit_ids
from directory.models import OrgUnit, User
from directory.permissions import Capability, require
from documents.models import DocumentNumber, DocumentType

# The 文种 codes letters are numbered under (a body may add others for its own use).
TYPE_CODES: dict[str, str] = {
    "letter": "函（移送函、督办函、函询函、谈话通知）",
    "notice": "告知书（受理告知书、反馈意见书）",
    "approval": "呈批件（呈批表、销号审批表、处置卡）",
    "bulletin": "通报",
}


def visible_types(session: Session, actor: User) -> list[tuple[DocumentType, OrgUnit]]:
    require(actor, Capability.DIRECTORY_MANAGE)
    stmt = (
        select(DocumentType, OrgUnit)
        .join(OrgUnit, OrgUnit.id == DocumentType.body_id)
        .where(DocumentType.body_id.in_(visible_unit_ids(session, actor)))
        .order_by(OrgUnit.path, DocumentType.code)
    )
    return [(t, u) for t, u in session.execute(stmt).all()]


def get_type(session: Session, actor: User, type_id: int) -> DocumentType:
    """A document type of a body in the admin's jurisdiction, or NotFound."""
    require(actor, Capability.DIRECTORY_MANAGE)
    row = session.get(DocumentType, type_id) if is_valid_id(type_id) else None
    body = session.get(OrgUnit, row.body_id) if row is not None else None
    if row is None or body is None or not unit_visible(session, actor, body):
        raise NotFound("未找到该文种，或不在您的管辖范围内。")
    return row


def recent_numbers(session: Session, doc_type: DocumentType, limit: int = 20) -> list:
    stmt = (
        select(DocumentNumber)
        .where(DocumentNumber.type_id == doc_type.id)
        .order_by(DocumentNumber.year.desc(), DocumentNumber.seq.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def type_for(session: Session, unit: OrgUnit, code: str) -> tuple[DocumentType, OrgUnit]:
    """The active type ``code`` of the unit's body, or of the nearest body above it that
    keeps one; the body it belongs to issues the document."""
    current: OrgUnit | None = body_of(session, unit)
    while current is not None:
        row = session.scalar(
            select(DocumentType).where(
                DocumentType.body_id == current.id,
                DocumentType.code == code,
                DocumentType.active.is_(True),
            )
        )
        if row is not None:
            return row, current
        current = current.parent
    label = TYPE_CODES.get(code, code).split("（")[0]
    raise ValidationError(f"本单位尚未设置文种“{label}”（{code}），请管理员在“文种与文号”中添加。")

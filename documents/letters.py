"""Letters of a clue: draft one filled from the clue, issue it (文号, DOCX and PDF sealed in
the file store, SHA-256 in the audit chain, the step it satisfies recorded), read it back.

Issuing happens in the caller's transaction: the number, both files and the rows commit
together or not at all (a failed store rolls the number back: no gap, DESIGN "文号").
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import service as clue_service
from cases.audit import can_edit
from cases.audit import record_event as clue_event
from cases.guards import GUARDS
from cases.models import Clue
from config.audit_log import record_event
from config.database import is_valid_id, utcnow
from config.errors import NotFound, PermissionDenied, ValidationError
from config.filestore import FileStore
from directory.jurisdiction import unit_visible
from directory.models import OrgUnit, User
from directory.roles import Role
from documents.letter_context import (
    FIELDS,
    NUMBER_PENDING,
    Letter,
    accused_name,
    cn_date,
    default_text,
    form_rows,
)
from documents.letter_kinds import KINDS, LetterKind, kind_of, offered
from documents.letter_models import IssuedDocument, LetterTemplate
from documents.letter_render import default_template, fill_docx, letter_pdf
from documents.numbers import issue_number
from documents.register import type_for

log = logging.getLogger(__name__)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def may_issue(session: Session, actor: User, clue: Clue, kind: LetterKind) -> bool:
    """The clue's handler and the leaders over it; clerks also send the 受理告知书."""
    if kind.code == "accept_notice" and Role(actor.role) is Role.CLERK:
        return unit_visible(session, actor, clue.unit)
    return can_edit(session, actor, clue)


def offered_letters(session: Session, actor: User, clue: Clue) -> list[LetterKind]:
    kinds = [k for k in offered(clue.state) if may_issue(session, actor, clue, k)]
    if GUARDS["acceptance_notice_open"](clue):  # 受理告知 done (by letter or phone) or not due
        kinds = [k for k in kinds if k.satisfies != "notify_acceptance"]
    if not clue.reporter_named:
        kinds = [k for k in kinds if k.code not in ("accept_notice", "feedback")]
    return kinds


def _require(session: Session, actor: User, clue: Clue, kind: LetterKind) -> None:
    if not clue_service.can_see(session, actor, clue):
        raise NotFound("未找到该线索，或不在您的管辖范围内。")
    if not may_issue(session, actor, clue, kind):
        raise PermissionDenied("只有本线索的承办人和本单位领导可以制发文书。")
    if clue.state not in kind.states:
        raise ValidationError(f"线索当前状态为“{clue.state_label}”，不能制发《{kind.name}》。")


def active_template(session: Session, body: OrgUnit, kind: LetterKind) -> LetterTemplate | None:
    stmt = (
        select(LetterTemplate)
        .where(LetterTemplate.body_id == body.id, LetterTemplate.kind == kind.code)
        .where(LetterTemplate.active.is_(True))
        .order_by(LetterTemplate.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


@dataclass
class Draft:
    kind: LetterKind
    letter: Letter
    body: OrgUnit
    template: LetterTemplate | None


def draft(session: Session, actor: User, clue: Clue, code: str, text: dict | None = None) -> Draft:
    """The letter filled from the clue (or with ``text`` as edited), not yet numbered."""
    kind = kind_of(code)
    _require(session, actor, clue, kind)
    _doc_type, body = type_for(session, clue.unit, kind.type_code)
    accused_unit = session.get(OrgUnit, clue.accused_unit_id) if clue.accused_unit_id else None
    accused = accused_name(clue, accused_unit)
    handler = session.get(User, clue.handler_id) if clue.handler_id else None
    filled = default_text(kind, clue, accused)
    if text is not None:
        filled = clean_text(text)
    letter = Letter(
        kind=kind,
        issuer=body.name,
        number=NUMBER_PENDING,
        date=cn_date(utcnow()),
        ledger_no=clue.ledger_no or "",
        text=filled,
        rows=form_rows(clue, accused, handler) if kind.form else [],
    )
    return Draft(kind, letter, body, active_template(session, body, kind))


def clean_text(text: dict) -> dict[str, str]:
    """The edited fields: trimmed, control characters dropped, lengths and the required
    ones (标题, 正文) checked, with the field named in the message."""
    out = {}
    for name, (label, limit, multiline) in FIELDS.items():
        value = str(text.get(name) or "").replace("\r\n", "\n").strip()
        value = "".join(
            ch for ch in value if (ch == "\n" and multiline) or unicodedata.category(ch)[0] != "C"
        )
        if len(value) > limit:
            raise ValidationError(f"“{label}”不能超过{limit}字。")
        out[name] = value
    if not out["title"]:
        raise ValidationError("请填写文书标题。")
    if not out["body"]:
        raise ValidationError("请填写正文。")
    return out


def _seal(session: Session, files: FileStore, data: bytes, ext: str) -> tuple[str, str]:
    name = f"{secrets.token_hex(16)}.{ext}"
    files.put(session, name, data)
    return name, hashlib.sha256(data).hexdigest()


def issue(
    session: Session, actor: User, clue: Clue, code: str, text: dict, files: FileStore
) -> IssuedDocument:
    """Number the letter, render DOCX and PDF, seal both, record and log it."""
    d = draft(session, actor, clue, code, text)
    doc_type, _body = type_for(session, clue.unit, d.kind.type_code)
    number = issue_number(
        session,
        actor,
        doc_type,
        title=d.letter.text["title"],
        subject_type="clue",
        subject_id=clue.id,
    )
    d.letter.number = number.text
    context = d.letter.context()
    template = files.get(session, d.template.stored_name) if d.template else None
    docx = fill_docx(template or default_template(d.kind), context)
    pdf = letter_pdf(context, d.kind)
    docx_name, docx_hash = _seal(session, files, docx, "docx")
    pdf_name, pdf_hash = _seal(session, files, pdf, "pdf")
    row = IssuedDocument(
        clue_id=clue.id,
        kind=d.kind.code,
        number_id=number.id,
        number_text=number.text,
        title=d.letter.text["title"][:200],
        template_id=d.template.id if d.template else None,
        docx_name=docx_name,
        docx_sha256=docx_hash,
        docx_size=len(docx),
        pdf_name=pdf_name,
        pdf_sha256=pdf_hash,
        pdf_size=len(pdf),
        issued_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    detail = {
        "document_id": row.id,
        "kind": d.kind.code,
        "number": number.text,
        "docx_sha256": docx_hash,
        "pdf_sha256": pdf_hash,
    }
    clue_event(
        session, actor, clue, "document.issue", f"制发《{d.kind.name}》{number.text}", detail
    )
    record_event(
        session,
        actor_id=actor.id,
        kind="document.issued",
        subject_type="clue",
        subject_id=clue.id,
        detail=detail,
    )
    _satisfy(session, actor, clue, d.kind, row)
    log.info(
        "clue %s: issued %s %s (docx %s, pdf %s)",
        clue.id,
        d.kind.code,
        number.text,
        docx_hash[:12],
        pdf_hash[:12],
    )
    return row


def _satisfy(session: Session, actor: User, clue: Clue, kind: LetterKind, doc: IssuedDocument):
    """Record the step the letter satisfies (受理告知: notify_acceptance by letter)."""
    if kind.satisfies != "notify_acceptance" or GUARDS["acceptance_notice_open"](clue):
        return
    if Role(actor.role) not in (Role.CLERK, Role.HANDLER):
        return  # a leader's letter is on record; the clerk or handler registers the notice
    reason = f"已制发《{kind.name}》{doc.number_text}（文书编号 {doc.id}）"
    clue_service.fire(
        session, actor, clue, "notify_acceptance", {"method": "letter", "reason": reason}
    )


@dataclass
class LettersPanel:
    offered: list[LetterKind]
    issued: list[IssuedDocument]
    names: dict[str, str]


def letters_panel(session: Session, actor: User, clue: Clue) -> LettersPanel:
    """The clue page's 文书 card: letters this actor may draft now, and those issued."""
    names = {code: k.name for code, k in KINDS.items()}
    return LettersPanel(offered_letters(session, actor, clue), documents_of(session, clue), names)


def documents_of(session: Session, clue: Clue) -> list[IssuedDocument]:
    stmt = select(IssuedDocument).where(IssuedDocument.clue_id == clue.id)
    return list(session.scalars(stmt.order_by(IssuedDocument.id)))


def document_file(
    session: Session, actor: User, clue: Clue, doc_id: int, fmt: str, files: FileStore
) -> tuple[str, str, bytes]:
    """(download name, content type, bytes) of an issued document, its hash checked."""
    row = session.get(IssuedDocument, doc_id) if is_valid_id(doc_id) else None
    if row is None or row.clue_id != clue.id or fmt not in ("docx", "pdf"):
        raise NotFound("未找到该文书。")
    stored, digest = (
        (row.docx_name, row.docx_sha256) if fmt == "docx" else (row.pdf_name, row.pdf_sha256)
    )
    data = files.get(session, stored)
    if hashlib.sha256(data).hexdigest() != digest:
        log.error("issued document %s: %s does not match its SHA-256", row.id, fmt)
        raise ValidationError("文书文件校验失败（与发文时的 SHA-256 不符），请联系管理员。")
    record_event(
        session,
        actor_id=actor.id,
        kind="document.downloaded",
        subject_type="clue",
        subject_id=clue.id,
        detail={"document_id": row.id, "format": fmt},
    )
    name = f"{row.number_text}{kind_of(row.kind).name}.{fmt}"
    return name, DOCX_TYPE if fmt == "docx" else "application/pdf", data

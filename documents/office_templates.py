"""An office's own DOCX templates: upload (checked: a real DOCX within limits that renders
with a clue's context, placeholders spelled right), preview, and going back to the default."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.audit_log import record_event
from config.database import is_valid_id
from config.errors import NotFound, ValidationError
from config.filestore import FileStore
from directory.jurisdiction import unit_visible
from directory.models import OrgUnit, User
from directory.permissions import Capability, require
from documents.letter_context import Letter
from documents.letter_kinds import KINDS, LetterKind, kind_of
from documents.letter_models import LetterTemplate
from documents.letter_render import check_template, default_template, docx_text


def sample_letter(kind: LetterKind, issuer: str) -> Letter:
    """A filled example: what a template is checked and previewed with."""
    return Letter(
        kind=kind,
        issuer=issuer,
        number="示例〔2026〕1号",
        date="2026年12月4日",
        ledger_no="DH-2026-0001",
        text={
            "title": f"关于某卫生院违规收费问题的{kind.name}",
            "addressee": "某某某：",
            "body": "这是示例正文第一段。\n这是示例正文第二段。",
            "attachments": "问题线索相关材料",
            "cc": "市纪委监委",
        },
        rows=[("线索编号", "DH-2026-0001"), ("主要问题", "某卫生院违规收费")],
    )


def strict_render_check(data: bytes, context: dict) -> None:
    """Misspelt placeholders ({{ numbr }}) are refused, not rendered empty."""
    doc = DocxTemplate(_io(data))
    env = Environment(undefined=StrictUndefined, autoescape=True)
    try:
        doc.render(context, jinja_env=env)
    except Exception as err:
        raise ValidationError(f"模板中的占位符有误：{err}"[:300]) from err


def _io(data: bytes):
    import io

    return io.BytesIO(data)


def _body(session: Session, actor: User, body_id: int) -> OrgUnit:
    body = session.get(OrgUnit, body_id) if is_valid_id(body_id) else None
    if body is None or not body.is_body or not unit_visible(session, actor, body):
        raise NotFound("未找到该单位，或不在您的管辖范围内。")
    return body


def upload(
    session: Session,
    actor: User,
    body_id: int,
    code: str,
    filename: str,
    data: bytes,
    files: FileStore,
) -> LetterTemplate:
    require(actor, Capability.DIRECTORY_MANAGE)
    body, kind = _body(session, actor, body_id), kind_of(code)
    name = Path(filename or "").name[:255]
    if not name.lower().endswith(".docx"):
        raise ValidationError("请上传 Word（.docx）格式的模板。")
    context = sample_letter(kind, body.name).context()
    check_template(data, context)
    strict_render_check(data, context)
    stored = f"{secrets.token_hex(16)}.docx"
    files.put(session, stored, data)
    row = LetterTemplate(
        body_id=body.id,
        kind=kind.code,
        filename=name,
        stored_name=stored,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        actor_id=actor.id,
        kind="letter_template.uploaded",
        subject_type="letter_template",
        subject_id=row.id,
        detail={"body_id": body.id, "kind": kind.code, "sha256": row.sha256},
    )
    return row


def get_template(session: Session, actor: User, template_id: int) -> LetterTemplate:
    require(actor, Capability.DIRECTORY_MANAGE)
    row = session.get(LetterTemplate, template_id) if is_valid_id(template_id) else None
    if row is None:
        raise NotFound("未找到该模板。")
    _body(session, actor, row.body_id)
    return row


def deactivate(session: Session, actor: User, template_id: int) -> LetterTemplate:
    row = get_template(session, actor, template_id)
    row.active = False
    record_event(
        session,
        actor_id=actor.id,
        kind="letter_template.retired",
        subject_type="letter_template",
        subject_id=row.id,
        detail={"kind": row.kind},
    )
    return row


def preview(
    session: Session,
    actor: User,
    files: FileStore,
    body_id: int,
    code: str,
    template_id: int | None = None,
) -> tuple[bytes, str]:
    """The template (the office's, or the default) filled with the example: (DOCX, its text)."""
    require(actor, Capability.DIRECTORY_MANAGE)
    body, kind = _body(session, actor, body_id), kind_of(code)
    data = default_template(kind)
    if template_id is not None:
        row = get_template(session, actor, template_id)
        data = files.get(session, row.stored_name)
    rendered = check_template(data, sample_letter(kind, body.name).context())
    return rendered, docx_text(rendered)


def templates_of(session: Session, actor: User) -> list[tuple[LetterTemplate, OrgUnit]]:
    require(actor, Capability.DIRECTORY_MANAGE)
    stmt = (
        select(LetterTemplate, OrgUnit)
        .join(OrgUnit, OrgUnit.id == LetterTemplate.body_id)
        .where(LetterTemplate.active.is_(True))
        .order_by(OrgUnit.path, LetterTemplate.kind, LetterTemplate.id.desc())
    )
    return [(t, u) for t, u in session.execute(stmt).all() if unit_visible(session, actor, u)]


ALL_KINDS = list(KINDS.values())

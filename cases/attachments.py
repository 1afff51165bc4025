"""Evidence attachments: checked for type and size, sealed in the file store
(``config.filestore``) under a random name, described in the database.

The declared content type is not trusted alone: the file's first bytes must match it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.audit import record_event, require_section
from cases.handling_models import Attachment
from cases.models import Clue
from config.errors import NotFound, ValidationError
from config.files import not_stored_message
from config.filestore import FileStore
from config.localtime import local_date
from directory.models import User

log = logging.getLogger(__name__)

# Extension → (content type, magic prefixes). Office files are zip containers.
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    "mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3")),
}
ALLOWED_LABEL = "PDF、JPG、PNG、DOCX、XLSX、MP3"


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


@dataclass(frozen=True)
class UploadResult:
    saved: list[Attachment]
    rejected: list[str]  # one Chinese message per refused file


def add_attachments(
    session: Session,
    actor: User,
    clue: Clue,
    uploads: list[Upload],
    files: FileStore,
    max_bytes: int,
) -> UploadResult:
    """Store each acceptable file; refused ones (bad type, or a full store) are named with
    the reason, the rest kept."""
    require_section(session, actor, clue, "attachments")
    if not uploads:
        raise ValidationError("请选择要上传的文件。")
    saved, rejected = [], []
    for upload in uploads:
        problem = check_upload(upload, max_bytes)
        if problem:
            rejected.append(problem)
            continue
        try:
            saved.append(_store(session, actor, clue, upload, files))
        except OSError as err:
            # A full store refuses this file only; what was stored before it is kept.
            log.error("clue %s: attachment not stored", clue.id, exc_info=err)
            rejected.append(not_stored_message(upload.filename, err))
    if saved:
        record_event(
            session,
            actor,
            clue,
            "attachment.add",
            "上传附件：" + "、".join(a.filename for a in saved),
            {"ids": [a.id for a in saved]},
        )
    return UploadResult(saved, rejected)


def check_upload(upload: Upload, max_bytes: int) -> str | None:
    name = Path(upload.filename).name or "（无文件名）"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        return f"“{name}”的文件类型不允许上传（允许：{ALLOWED_LABEL}）。"
    if len(upload.content) > max_bytes:
        return f"“{name}”超过大小限制（最大 {_human(max_bytes)}）。"
    if not upload.content:
        return f"“{name}”是空文件。"
    if not upload.content.startswith(ALLOWED[ext][1]):
        return f"“{name}”的内容与扩展名不符，未上传。"
    return None


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{max(1, round(size / 1024))} KB"


def _store(session: Session, actor: User, clue: Clue, upload: Upload, files: FileStore):
    name = Path(upload.filename).name[:255]
    ext = name.rsplit(".", 1)[-1].lower()
    stored = f"{secrets.token_hex(16)}.{ext}"
    files.put(session, stored, upload.content)
    attachment = Attachment(
        clue_id=clue.id,
        filename=name,
        stored_name=stored,
        content_type=ALLOWED[ext][0],
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        uploaded_by_id=actor.id,
    )
    session.add(attachment)
    session.flush()
    return attachment


def attachments(session: Session, clue: Clue) -> list[Attachment]:
    stmt = select(Attachment).where(Attachment.clue_id == clue.id).order_by(Attachment.id)
    return list(session.scalars(stmt))


def attachment_content(
    session: Session, clue: Clue, attachment_id: int, files: FileStore
) -> tuple[Attachment, bytes]:
    """One of the clue's attachments and its bytes (the caller checked the clue)."""
    row = session.get(Attachment, attachment_id)
    if row is None or row.clue_id != clue.id:
        raise NotFound("未找到该附件。")
    if row.purged_at is not None:
        raise NotFound(purged_message(row.purged_at))
    return row, files.get(session, row.stored_name)


def purged_message(when: datetime) -> str:
    day = local_date(when).isoformat()
    return f"该附件已于 {day} 按证据保存期限删除，仅保留文件名和校验值记录。"

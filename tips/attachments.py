"""Attachments: type decided by the file's content (magic bytes), size limited, sealed in the store.

The name and declared type of an upload say nothing reliable (an ``.exe`` renamed
``证据.pdf``): we look at the first bytes. Files are sealed in the file store
(``config.filestore``) under random names; the database keeps the name as sent and the
size and SHA-256 of the file as received. A photo is kept twice: without its metadata
(what staff open) and as received (``tips.metadata``).
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass

from sqlalchemy.orm import Session

from config.filenames import client_filename
from config.filestore import FileStore
from tips.metadata import strip_metadata
from tips.models import Tip, TipAttachment

ALLOWED_LABEL = "PDF、JPG、PNG、Word（.docx）"


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes

    def __post_init__(self) -> None:
        # Every channel (portal, API, mail) keeps only the file's own name, never a path.
        object.__setattr__(self, "filename", client_filename(self.filename))


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the magic bytes, or None for a type we do not accept."""
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if data.startswith(b"PK\x03\x04"):
        # Every Office file is a zip; only a Word document has word/document.xml.
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return (
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "docx",
                    )
        except zipfile.BadZipFile:
            return None
    return None


def check(upload: Upload, max_bytes: int) -> str | None:
    """Why the file is refused (a message for the clerk or reporter), or None if accepted."""
    name = upload.filename or "（未命名文件）"
    if not upload.data:
        return f"附件“{name}”是空文件，未保存。"
    if len(upload.data) > max_bytes:
        limit = max_bytes / (1024 * 1024)
        return f"附件“{name}”超过大小上限（{limit:.0f} MB），未保存。"
    if sniff(upload.data) is None:
        return f"附件“{name}”的文件类型不被接受（仅接受 {ALLOWED_LABEL}），未保存。"
    return None


def store(session: Session, tip: Tip, upload: Upload, files: FileStore) -> TipAttachment:
    """Seal an accepted file (after ``check``) in the store and attach its record to the tip.

    Raises ``OSError`` (``StoreError``) when the store refuses it; nothing of it is kept then.
    """
    kind = sniff(upload.data)
    assert kind is not None  # check() ran first
    content_type, ext = kind
    stored_name = f"{secrets.token_hex(16)}.{ext}"
    clean = strip_metadata(upload.data)
    original_name = None
    if clean != upload.data:
        original_name = f"{secrets.token_hex(16)}.orig.{ext}"
        files.put(session, original_name, upload.data)
    try:
        files.put(session, stored_name, clean)
    except BaseException:
        if original_name:
            files.delete(session, original_name)
        raise
    record = TipAttachment(
        filename=(upload.filename or f"附件.{ext}")[:255],
        content_type=content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        stored_name=stored_name,
        original_name=original_name,
    )
    tip.attachments.append(record)
    return record

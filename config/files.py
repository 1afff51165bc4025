"""Writing uploaded files to disk: whole or not at all, with a reason people can read.

Shared by every package that stores attachments (tips, clues, report submissions).
"""

from __future__ import annotations

import errno
import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from config.database import utcnow


class StoredFile:
    """The metadata columns of an uploaded file (a mixin for the tables of clue evidence
    and report attachments): the name as uploaded (shown, never used to store it), the
    random stored name (its key in ``config.filestore``), the type decided by content,
    size and SHA-256 of the plain file."""

    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the retention job removed the bytes; the row stays as the record of the file.
    purged_at: Mapped[datetime | None] = mapped_column(default=None)


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` completely or not at all.

    A full disk fails part-way through a write (ENOSPC after some bytes have landed). The
    bytes go to a temporary name and are renamed into place only once all of them are on
    disk, so a stored name never holds half a file and a failure leaves nothing behind.
    """
    partial = path.with_name(f".{path.name}.part")
    try:
        with open(partial, "xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def not_stored_reason(err: OSError) -> str:
    """Why a checked file could not be written, in words for the reporter or clerk."""
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return "服务器存储空间不足"
    return "服务器无法写入文件"


def not_stored_message(filename: str, err: OSError) -> str:
    """The refusal shown for one checked file the server could not write (the rest are kept)."""
    name = Path(filename).name or "（无文件名）"
    return f"“{name}”未能保存：{not_stored_reason(err)}。"

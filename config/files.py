"""Writing uploaded files to disk: whole or not at all, with a reason people can read.

Shared by every package that stores attachments (tips, clues, report submissions).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path


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

"""One storage interface for every uploaded file (tip and clue evidence, report attachments).

Every file is sealed (``config.filekeys``: AES-256-GCM, a key per file wrapped by the
instance key) before it leaves this module, whatever the store. Two stores:

- ``database`` (the default): the sealed bytes in the ``file_blobs`` table, written in the
  same transaction as the attachment's row. A file and its row commit or roll back
  together, ``qingfeng backup`` and ``pg_dump`` carry the files, and several web servers
  share nothing but the database.
- ``directory``: sealed files under ``Settings.file_store_path`` (a shared mount when there
  are several servers). A file is written whole or not at all (``config.files.write_whole``),
  removed again when its transaction rolls back, and deleted only after a commit.

A store that cannot take a file raises ``StoreError`` (an ``OSError``: the disk, or the
database, is full), and the caller keeps everything else. The README ("附件的存储") compares
these with an object store and gives the size limits.
"""

from __future__ import annotations

import errno
import logging
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import LargeBinary, String, delete, event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, Session, mapped_column

from config.database import Base, utcnow
from config.errors import NotFound
from config.filekeys import FileKeys, load_file_keys
from config.files import write_whole
from config.settings import Settings

log = logging.getLogger(__name__)

STORES = ("database", "directory")
MISSING = "附件文件缺失，请联系系统管理员。"


class FileBlob(Base):
    """A sealed file in the database store; ``name`` is the attachment's ``stored_name``."""

    __tablename__ = "file_blobs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column()  # of the plain file, for the administrator's figures
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoreError(OSError):
    """The store refused a file (full, unreachable); ``errno`` says which, for the message."""


class FileStore(Protocol):
    kind: str

    def put(self, session: Session, name: str, data: bytes) -> None: ...

    def get(self, session: Session, name: str) -> bytes: ...

    def exists(self, session: Session, name: str) -> bool: ...

    def delete(self, session: Session, name: str) -> None: ...


class DatabaseStore:
    kind = "database"

    def __init__(self, keys: FileKeys) -> None:
        self.keys = keys

    def put(self, session: Session, name: str, data: bytes) -> None:
        sealed = self.keys.seal(name, data)
        _check_sqlite_room(session, len(sealed))
        try:
            # A savepoint: a refused file leaves the rest of the transaction (the tip) intact.
            with session.begin_nested():
                session.add(FileBlob(name=name, sealed=sealed, size=len(data)))
                session.flush()
        except DBAPIError as err:
            if "no such savepoint" in str(err.orig):
                # SQLite undid the whole transaction (a full database can): nothing may go on.
                raise TransactionLost("数据库空间不足，本次提交未能保存，请稍后重试。") from err
            raise _store_error(err) from err

    def get(self, session: Session, name: str) -> bytes:
        sealed = session.scalar(select(FileBlob.sealed).where(FileBlob.name == name))
        if sealed is None:
            log.error("file %s is not in the database store", name)
            raise NotFound(MISSING)
        return self.keys.open(name, bytes(sealed))

    def exists(self, session: Session, name: str) -> bool:
        return session.scalar(select(FileBlob.name).where(FileBlob.name == name)) is not None

    def delete(self, session: Session, name: str) -> None:
        session.execute(delete(FileBlob).where(FileBlob.name == name))


class TransactionLost(RuntimeError):
    """The database undid the whole transaction while refusing a file; the request fails."""


def _check_sqlite_room(session: Session, size: int) -> None:
    """Refuse a file SQLite has no room for, before writing it.

    On PostgreSQL a refused insert rolls back to its savepoint only. SQLite, when full
    (``SQLITE_FULL``), may undo the whole transaction, the tip with the file; so here the
    room is checked first: the pages the database may still grow by (``max_page_count``,
    free pages) and the free space of its disk.
    """
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    pragma = conn.exec_driver_sql
    page_size = int(pragma("PRAGMA page_size").scalar() or 4096)
    pages = int(pragma("PRAGMA page_count").scalar() or 0)
    limit = int(pragma("PRAGMA max_page_count").scalar() or 0)
    free_pages = int(pragma("PRAGMA freelist_count").scalar() or 0)
    room = (limit - pages + free_pages) * page_size
    database = conn.engine.url.database
    if database and database != ":memory:":
        room = min(room, shutil.disk_usage(Path(database).resolve().parent).free)
    needed = size + size // 16 + 4 * page_size  # overflow pages, index and row
    if needed > room:
        raise StoreError(errno.ENOSPC, f"database has room for {room} bytes, needs {needed}")


def _store_error(err: DBAPIError) -> StoreError:
    text = str(err.orig).lower()
    full = "disk is full" in text or "no space left" in text or "could not extend" in text
    code = errno.ENOSPC if full else errno.EIO
    return StoreError(code, "database refused the file: " + str(err.orig).splitlines()[0])


class DirectoryStore:
    kind = "directory"

    def __init__(self, keys: FileKeys, root: Path) -> None:
        self.keys = keys
        self.root = root

    def _path(self, name: str) -> Path:
        if "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"not a stored name: {name!r}")
        return self.root / name

    def put(self, session: Session, name: str, data: bytes) -> None:
        path = self._path(name)
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            write_whole(path, self.keys.seal(name, data))
        except OSError as err:
            raise StoreError(err.errno, err.strerror or str(err)) from err
        _pending(session).written.append(path)  # removed again if the transaction rolls back

    def get(self, session: Session, name: str) -> bytes:
        path = self._path(name)
        try:
            sealed = path.read_bytes()
        except FileNotFoundError:
            log.error("file %s is missing from %s", name, self.root)
            raise NotFound(MISSING) from None
        return self.keys.open(name, sealed)

    def exists(self, session: Session, name: str) -> bool:
        return self._path(name).is_file()

    def delete(self, session: Session, name: str) -> None:
        # Only once the row's removal is committed: a rollback must find the file still there.
        _pending(session).deleted.append(self._path(name))


@dataclass
class _Pending:
    """The directory store's files of a session's open transaction."""

    written: list[Path] = field(default_factory=list)
    deleted: list[Path] = field(default_factory=list)


def _pending(session: Session) -> _Pending:
    pending = session.info.get("qingfeng_files")
    if pending is None:
        pending = session.info["qingfeng_files"] = _Pending()
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_rollback", _rolled_back)
    return pending


def _committed(session: Session) -> None:
    pending = session.info["qingfeng_files"]
    for path in pending.deleted:
        _unlink(path)
    pending.written.clear()
    pending.deleted.clear()


def _rolled_back(session: Session) -> None:
    pending = session.info["qingfeng_files"]
    for path in pending.written:  # no file may outlive a row that was never committed
        _unlink(path)
    pending.written.clear()
    pending.deleted.clear()


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as err:  # an orphan file is only disk space; the row decides
        log.error("stored file %s not removed", path, exc_info=err)


def file_keys_for(settings: Settings) -> FileKeys:
    """The instance keys; only development and tests create a missing key file."""
    return load_file_keys(settings.file_key_path, create_if_missing=not settings.is_production)


def store_for(settings: Settings) -> FileStore:
    keys = file_keys_for(settings)
    if settings.file_store == "directory":
        return DirectoryStore(keys, settings.file_store_path)
    return DatabaseStore(keys)

"""Legacy plain files and the instance file key: the step ``qingfeng init`` runs for the
file store (``app_boot.register_hooks`` adds it), and the ``qingfeng storage migrate`` work.

Here, not in ``web/``, because every process's init steps are registered by the composition
root, which sits below ``web``; the storage CLI (``web/storage_cli.py``) calls it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.handling_models import Attachment
from config.database import session_scope
from config.filekeys import FileKeyError, create_keyfile
from config.filestore import FileStore, file_keys_for, store_for
from config.settings import Settings
from reporting.models import SubmissionAttachment
from tips.models import TipAttachment


@dataclass(frozen=True)
class Plain:
    """Where an older version kept each kind of file, as plain bytes."""

    model: type
    folder: str  # under Settings.upload_path


LEGACY = (
    Plain(Attachment, ""),
    Plain(TipAttachment, "tips"),
    Plain(SubmissionAttachment, "reports"),
)


@dataclass
class MigrateResult:
    moved: int = 0
    already: int = 0
    missing: list[str] | None = None
    mismatched: list[str] | None = None

    def summary(self) -> str:
        parts = [f"已加密存入 {self.moved} 个附件", f"{self.already} 个已在存储中"]
        if self.missing:
            parts.append(f"{len(self.missing)} 个找不到文件")
        if self.mismatched:
            parts.append(f"{len(self.mismatched)} 个校验值不符（未迁移，原文件保留）")
        return "，".join(parts) + "。"


def legacy_rows(session: Session) -> Iterator[tuple[Plain, str, str]]:
    for kind in LEGACY:
        stmt = select(kind.model.stored_name, kind.model.sha256)  # type: ignore[attr-defined]
        for name, sha in session.execute(stmt.where(kind.model.purged_at.is_(None))):  # type: ignore[attr-defined]
            yield kind, name, sha


def migrate_plain_files(factory, settings: Settings, files: FileStore) -> MigrateResult:
    """Seal every plain file of an older version into the store, one transaction per file."""
    result = MigrateResult(missing=[], mismatched=[])
    with factory() as session:
        todo = list(legacy_rows(session))
    for kind, name, sha in todo:
        path = settings.upload_path / kind.folder / name
        with session_scope(factory) as session:
            if files.exists(session, name):
                result.already += 1
                continue
            if not path.is_file():
                result.missing.append(name)  # type: ignore[union-attr]
                continue
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                result.mismatched.append(name)  # type: ignore[union-attr]
                continue
            files.put(session, name, data)
        path.unlink()  # only once the sealed copy is committed
        result.moved += 1
    return result


def file_key_on_init(session: Session) -> str:
    """``qingfeng init``: create the instance key once, then seal any plain files left over."""
    settings = Settings.from_env()
    created = create_keyfile(settings.file_key_path)
    try:
        file_keys_for(settings)
    except FileKeyError as err:
        raise click.ClickException(str(err)) from err
    line = (
        f"已创建附件加密密钥 {settings.file_key_path}（请与数据库分开、妥善备份）。"
        if created
        else f"附件加密密钥：{settings.file_key_path}。"
    )
    if any((settings.upload_path / k.folder / n).is_file() for k, n, _ in legacy_rows(session)):
        factory = _session_factory_of(session)
        line += "\n" + migrate_plain_files(factory, settings, store_for(settings)).summary()
    return line


def _session_factory_of(session: Session):
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(bind=session.get_bind(), expire_on_commit=False)

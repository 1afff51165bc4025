"""``qingfeng storage``: plain files of an older version sealed into the store, the
retention preview and purge, key rotation — on a fresh instance, through the CLI."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cases.handling_models import Attachment
from cases.states import ClueState
from config.database import make_engine, session_scope, utcnow
from config.filekeys import load_file_keys
from config.filestore import DatabaseStore, FileBlob
from directory.demo import load_demo
from tests.cases.factories import clue_in_state
from tests.conftest import user
from tests.tips.helpers import PDF
from web.cli import main
from workflow.models import TransitionLog


def _cli(args: list[str], instance: Path, **env: str):
    environ = {
        "QINGFENG_DATABASE_URL": f"sqlite:///{instance / 'qingfeng.db'}",
        "QINGFENG_INSTANCE_PATH": str(instance),
        "QINGFENG_ENV": "testing",
        **env,
    }
    return CliRunner().invoke(main, args, env=environ)


def _old_version_files(instance: Path) -> dict[str, bytes]:
    """Rows and plain files as an older version left them (uploads/<random name>)."""
    engine = make_engine(f"sqlite:///{instance / 'qingfeng.db'}")
    plain: dict[str, bytes] = {}
    with session_scope(sessionmaker(bind=engine)) as session:
        load_demo(session)
        clue = clue_in_state(session, ClueState.WRITTEN_OFF)
        for i in range(3):
            data = PDF + secrets.token_bytes(1000 + i)
            name = f"{secrets.token_hex(16)}.pdf"
            (instance / "uploads").mkdir(parents=True, exist_ok=True)
            (instance / "uploads" / name).write_bytes(data)
            session.add(
                Attachment(
                    clue_id=clue.id,
                    filename=f"旧附件{i}.pdf",
                    stored_name=name,
                    content_type="application/pdf",
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    uploaded_by_id=user(session, "handler").id,
                )
            )
            plain[name] = data
        session.add(
            TransitionLog(
                lifecycle="clue",
                subject_id=clue.id,
                at=utcnow() - timedelta(days=40),
                trigger="write_off",
                from_state="feedback",
                to_state="written_off",
                version=1,
            )
        )
    engine.dispose()
    return plain


def test_migrate_retention_purge_and_rotate(tmp_path):
    instance = tmp_path / "instance"
    assert _cli(["init"], instance).exit_code == 0
    plain = _old_version_files(instance)

    status = _cli(["storage", "status"], instance)
    assert "尚有 3 个未加密的旧文件" in status.output, status.output
    done = _cli(["storage", "migrate"], instance)
    assert "已加密存入 3 个附件" in done.output, done.output
    assert not any((instance / "uploads" / name).exists() for name in plain)
    assert "已加密存入 0 个附件，3 个已在存储中" in _cli(["storage", "migrate"], instance).output

    engine = make_engine(f"sqlite:///{instance / 'qingfeng.db'}")
    keys = load_file_keys(instance / "file.key")
    with Session(engine) as session:
        store = DatabaseStore(keys)
        assert {n: store.get(session, n) for n in plain} == plain

    assert "全部保留" in _cli(["storage", "retention"], instance).output
    preview = _cli(["storage", "retention"], instance, QINGFENG_EVIDENCE_RETENTION_DAYS="30")
    assert "到期的线索 1 条" in preview.output and "旧附件0.pdf" in preview.output
    dry = _cli(["storage", "purge"], instance, QINGFENG_EVIDENCE_RETENTION_DAYS="30")
    assert "未删除任何文件" in dry.output
    kept = _cli(["storage", "purge", "--yes"], instance, QINGFENG_EVIDENCE_RETENTION_DAYS="60")
    assert "没有到期的证据附件" in kept.output

    rotated = _cli(["storage", "rotate-key"], instance)
    assert "重新封装了 3 个文件的密钥" in rotated.output, rotated.output
    new_keys = load_file_keys(instance / "file.key")
    assert len(new_keys.keys) == 2 and new_keys.keys[1] == keys.keys[0]
    with Session(engine) as session:
        store = DatabaseStore(new_keys)
        assert {n: store.get(session, n) for n in plain} == plain
        only_new = DatabaseStore(load_file_keys_only_first(instance / "file.key"))
        assert {n: only_new.get(session, n) for n in plain} == plain  # re-wrapped, not just kept

    gone = _cli(["storage", "purge", "--yes"], instance, QINGFENG_EVIDENCE_RETENTION_DAYS="30")
    assert "已删除 1 条线索的 3 个" in gone.output, gone.output
    with Session(engine) as session:
        assert list(session.scalars(select(FileBlob.name))) == []
        assert all(a.purged_at for a in session.scalars(select(Attachment)))
    engine.dispose()


def load_file_keys_only_first(path: Path):
    from config.filekeys import FileKeys

    return FileKeys(load_file_keys(path).keys[:1])

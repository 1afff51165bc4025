"""Backup and restore of the embedded SQLite database (always SQLite, whatever the suite)."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from config.database import make_engine, session_scope
from config.migrate import upgrade_database
from directory.demo import load_demo
from web.backup import database_in_use, pg_dump_command, pg_restore_command
from web.cli import main
from workflow.calendar_source import seed_from_package


def _populated(path: Path) -> None:
    url = f"sqlite:///{path}"
    upgrade_database(url)
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        load_demo(session)
        seed_from_package(session)
    engine.dispose()
    conn = sqlite3.connect(path)
    with conn:
        for i in range(500):
            _write_pair(conn, i)
    conn.close()


def _write_pair(conn: sqlite3.Connection, i: int) -> None:
    """One transaction writing a log row and an audit event: a snapshot has both or neither."""
    at = datetime.now(UTC).isoformat()
    conn.execute(
        "INSERT INTO transition_log (lifecycle, subject_id, at, trigger, from_state, to_state, "
        "version, reason, payload) VALUES ('clue', ?, ?, 'accept', 'a', 'b', 1, ?, '{}')",
        (i, at, f"写入 {i}"),
    )
    conn.execute(
        "INSERT INTO audit_events (at, actor_id, kind, subject_type, subject_id, detail) "
        "VALUES (?, 1, 'test.write', 'clue', ?, '{}')",
        (at, i),
    )


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
    return [r[0] for r in rows if not r[0].startswith("sqlite_")]


def _checksum(conn: sqlite3.Connection, table: str, max_id: int | None = None) -> tuple[int, str]:
    query = f'SELECT * FROM "{table}"'  # noqa: S608 - names come from sqlite_master
    if max_id is not None:
        query += f" WHERE id <= {int(max_id)}"
    rows = sorted(repr(r) for r in conn.execute(query))
    return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()


def _cli(args: list[str], db: Path, tmp_path: Path):
    env = {"QINGFENG_DATABASE_URL": f"sqlite:///{db}", "QINGFENG_INSTANCE_PATH": str(tmp_path)}
    return CliRunner().invoke(main, args, env=env)


def test_backup_while_writing_then_restore_compares_equal(tmp_path):
    live = tmp_path / "live.db"
    _populated(live)
    stop, written = threading.Event(), []

    def writer():
        conn = sqlite3.connect(live, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        i = 10_000
        while not stop.is_set() or len(written) < 60:
            with conn:
                _write_pair(conn, i)
            written.append(i)
            i += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 20:
        stop.wait(0.001)
    before = len(written)
    backup = tmp_path / "backup.db"
    result = _cli(["backup", str(backup)], live, tmp_path)
    during = len(written)
    stop.set()
    thread.join()
    assert result.exit_code == 0, result.output
    assert during > before  # the writer really was committing while the backup ran

    snap = sqlite3.connect(backup)
    assert snap.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    logs = snap.execute("SELECT count(*), max(id) FROM transition_log").fetchone()
    events = snap.execute("SELECT count(*), max(id) FROM audit_events").fetchone()
    assert logs[0] == events[0] >= 520  # a consistent snapshot: whole transactions only

    # Every table of the backup is exactly the live data as of the snapshot.
    source = sqlite3.connect(live)
    for table in _tables(snap):
        bound = (
            logs[1] if table == "transition_log" else events[1] if table == "audit_events" else None
        )
        assert _checksum(snap, table) == _checksum(source, table, bound), table
    assert source.execute("SELECT count(*) FROM transition_log").fetchone()[0] > logs[0]
    source.close()

    restored = tmp_path / "restored.db"
    result = _cli(["restore", str(backup)], restored, tmp_path)
    assert result.exit_code == 0, result.output
    back = sqlite3.connect(restored)
    assert _tables(back) == _tables(snap)
    for table in _tables(snap):
        assert _checksum(back, table) == _checksum(snap, table), table
    back.close()
    snap.close()


def test_restore_refuses_a_database_in_use_unless_forced(tmp_path):
    backup, target = tmp_path / "backup.db", tmp_path / "target.db"
    _populated(backup)
    upgrade_database(f"sqlite:///{target}")
    holder = make_engine(f"sqlite:///{target}")
    conn = holder.connect()  # an app holding the database open (WAL files exist)
    try:
        assert database_in_use(target)
        refused = _cli(["restore", str(backup)], target, tmp_path)
        assert refused.exit_code == 1 and "正在使用" in refused.output
        forced = _cli(["restore", "--force", str(backup)], target, tmp_path)
        assert forced.exit_code == 0, forced.output
    finally:
        conn.close()
        holder.dispose()
    check = sqlite3.connect(target)
    assert check.execute("SELECT count(*) FROM transition_log").fetchone()[0] == 500
    check.close()


def test_restore_refuses_a_file_that_is_not_a_qingfeng_database(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    (tmp_path / "junk.db").write_bytes(b"not a database at all")
    target = tmp_path / "target.db"
    for source in (other, tmp_path / "junk.db"):
        result = _cli(["restore", str(source)], target, tmp_path)
        assert result.exit_code == 1 and "不是清风数据库备份" in result.output
    assert not target.exists()


def test_restore_migrates_an_old_backup_to_head(tmp_path):
    old, target = tmp_path / "old.db", tmp_path / "target.db"
    upgrade_database(f"sqlite:///{old}", "0006")
    assert _cli(["restore", str(old)], target, tmp_path).exit_code == 0
    conn = sqlite3.connect(target)
    assert "audit_seals" in _tables(conn)
    conn.close()


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgres_prints_the_documented_commands(tmp_path, command):
    url = "postgresql://qf:geheim@db.example:5432/qingfeng"
    env = {"QINGFENG_DATABASE_URL": url, "QINGFENG_INSTANCE_PATH": str(tmp_path)}
    result = CliRunner().invoke(main, [command, "/backups/qf.dump"], env=env)
    assert result.exit_code == 0
    expected = (pg_dump_command if command == "backup" else pg_restore_command)(
        url, "/backups/qf.dump"
    )
    assert expected in result.output and "geheim" not in result.output
    assert (
        "pg_dump --format=custom" if command == "backup" else "pg_restore --clean"
    ) in result.output

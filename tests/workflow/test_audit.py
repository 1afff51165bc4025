from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.orm import sessionmaker

from config.audit_log import record_event
from config.errors import Conflict
from workflow.audit import seal_all, seal_once, verify
from workflow.audit_models import AuditSeal
from workflow.models import TransitionLog

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# Sealing "now": well after every row written here, including record_event's real clock.
LATER = datetime.now(UTC) + timedelta(hours=1)


def _log(db, n, at=AT):
    rows = []
    for i in range(n):
        row = TransitionLog(
            lifecycle="clue",
            subject_id=900 + i,
            at=at,
            trigger="accept",
            from_state="registered",
            to_state="accepted",
            version=i + 1,
            reason=f"第 {i} 次",
            payload={"note": "受理", "n": i},
        )
        db.add(row)
        rows.append(row)
    db.flush()
    return rows


def test_sealed_chain_verifies(db):
    _log(db, 7)
    record_event(db, actor_id=1, kind="totp.reset", subject_type="user", subject_id=2)
    assert seal_all(db, now=LATER) >= 8
    report = verify(db)
    assert report.ok and report.unsealed == 0 and report.rows >= 8


def test_modified_sealed_row_is_named(db):
    rows = _log(db, 5)
    seal_all(db, now=LATER)
    db.execute(
        text("UPDATE transition_log SET reason = :r WHERE id = :id"),
        {"r": "改过", "id": rows[2].id},
    )
    report = verify(db)
    assert not report.ok
    assert f"第 {rows[2].id} 行在封存后被修改" in report.problem


def test_deleted_row_names_the_gap(db):
    rows = _log(db, 5)
    seal_all(db, now=LATER)
    db.execute(text("DELETE FROM transition_log WHERE id = :id"), {"id": rows[3].id})
    report = verify(db)
    assert not report.ok
    assert f"第 {rows[3].id} 行缺失" in report.problem


def test_modified_audit_event_and_edited_seal_are_detected(db):
    event = record_event(db, actor_id=1, kind="totp.reset", subject_type="user", subject_id=2)
    db.flush()
    db.execute(text("UPDATE audit_events SET at = :at WHERE id = :id"), {"at": AT, "id": event.id})
    seal_all(db, now=LATER)
    assert verify(db).ok
    db.execute(text("UPDATE audit_events SET actor_id = 99 WHERE id = :id"), {"id": event.id})
    assert "审计事件（audit_events）" in verify(db).problem
    db.execute(text("UPDATE audit_events SET actor_id = 1 WHERE id = :id"), {"id": event.id})
    last = db.scalar(select(AuditSeal).order_by(AuditSeal.seq.desc()))
    db.execute(
        text("UPDATE audit_seals SET hash = :h WHERE id = :id"), {"h": "f" * 64, "id": last.id}
    )
    db.expire_all()
    assert "哈希值不符" in verify(db).problem


def test_young_rows_wait_and_nothing_is_skipped(db):
    settled = _log(db, 2, at=AT)
    young = _log(db, 1, at=LATER - timedelta(seconds=30))
    older_after_young = _log(db, 1, at=AT)  # a higher id committed "late"
    seal_all(db, now=LATER)
    last = db.scalar(select(AuditSeal).order_by(AuditSeal.seq.desc()))
    assert last.last_log_id == settled[-1].id < young[0].id < older_after_young[0].id
    assert verify(db).unsealed >= 2
    seal_all(db, now=LATER + timedelta(minutes=10))
    assert verify(db).ok and verify(db).unsealed == 0


def test_a_row_slipped_into_a_sealed_range_is_reported(db):
    rows = _log(db, 3)
    seal_all(db, now=LATER)
    db.execute(text("DELETE FROM transition_log WHERE id = :id"), {"id": rows[1].id})
    # Re-insert a forged row under the old id (same id, different content).
    db.execute(
        text(
            "INSERT INTO transition_log (id, lifecycle, subject_id, at, trigger, from_state, "
            "to_state, version, reason, payload) VALUES (:id, 'clue', 1, :at, 'x', 'a', 'b', 1, "
            "'', '{}')"
        ),
        {"id": rows[1].id, "at": AT},
    )
    assert f"第 {rows[1].id} 行在封存后被修改" in verify(db).problem


def test_two_sealers_cannot_fork_the_chain(db):
    _log(db, 2)
    first = seal_once(db, now=LATER)
    assert first is not None
    # A second process that read the chain before the first seal tries the same seq.
    db.add(
        AuditSeal(
            seq=first.seq,
            last_log_id=first.last_log_id,
            last_event_id=first.last_event_id,
            prev_hash=first.prev_hash,
            hash="0" * 64,
            entries=[],
        )
    )
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        db.flush()


def test_cli_verify_exits_1_on_tampering(engine, tmp_path, monkeypatch, database_url):
    from web.cli import main

    factory = sessionmaker(bind=engine)
    with factory() as session:
        rows = _log(session, 2)
        session.commit()
        ids = [r.id for r in rows]
    try:
        monkeypatch.setenv("QINGFENG_DATABASE_URL", database_url)
        monkeypatch.setenv("QINGFENG_INSTANCE_PATH", str(tmp_path))
        runner = CliRunner()
        sealed = runner.invoke(main, ["audit", "seal"])
        assert sealed.exit_code == 0, sealed.output
        assert runner.invoke(main, ["audit", "verify"]).exit_code == 0
        with factory() as session:
            session.execute(
                text("UPDATE transition_log SET version = 77 WHERE id = :id"), {"id": ids[0]}
            )
            session.commit()
        failed = runner.invoke(main, ["audit", "verify"])
        assert failed.exit_code == 1
        assert f"第 {ids[0]} 行在封存后被修改" in failed.output
    finally:
        with factory() as session:
            session.execute(text("DELETE FROM audit_seals"))
            session.execute(
                text("DELETE FROM transition_log WHERE id IN (:a, :b)"), {"a": ids[0], "b": ids[1]}
            )
            session.commit()


def test_concurrent_sealing_keeps_one_chain(engine):
    """Two sealers at once: one wins each seq, the other gets Conflict; the chain verifies."""
    factory = sessionmaker(bind=engine)
    with factory() as session:
        ids = [r.id for r in _log(session, 40)]
        session.commit()
    outcomes: list[str] = []

    def run():
        try:
            with factory() as session:
                n = seal_all(session, now=LATER)
                session.commit()
                outcomes.append(f"sealed {n}")
        except Conflict:
            outcomes.append("conflict")
        except Exception as err:  # SQLite may answer "database is locked" instead
            outcomes.append(type(err).__name__)

    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with factory() as session:
            report = verify(session)
            assert report.ok and report.unsealed == 0, (report, outcomes)
            seqs = session.scalars(select(AuditSeal.seq).order_by(AuditSeal.seq)).all()
            assert seqs == list(range(1, len(seqs) + 1))
    finally:
        with factory() as session:
            session.execute(text("DELETE FROM audit_seals"))
            session.execute(TransitionLog.__table__.delete().where(TransitionLog.id.in_(ids)))
            session.commit()

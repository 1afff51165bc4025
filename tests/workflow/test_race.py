"""Two people racing on one clue: one wins, the other gets a conflict, one log row."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from cases.models import Clue
from cases.service import NewClue, create_clue, fire
from config.database import make_engine, session_scope
from config.errors import Conflict
from config.migrate import upgrade_database
from directory.demo import load_demo
from tests.conftest import unit, user
from tests.dbutil import fresh_database
from workflow.calendar_source import seed_from_package
from workflow.models import TransitionLog


@pytest.fixture(scope="module")
def committed_db():
    url = fresh_database("race")
    upgrade_database(url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with session_scope(factory) as session:
        load_demo(session)
        seed_from_package(session)
    yield factory
    engine.dispose()


def _new_clue(factory) -> int:
    with session_scope(factory) as s:
        return create_clue(
            s, user(s, "clerk"), unit(s, "C01-D01"), NewClue(channel="hotline", summary="并发测试")
        ).id


def _register_logs(factory, clue_id: int) -> int:
    with session_scope(factory) as s:
        return s.scalar(
            select(func.count())
            .select_from(TransitionLog)
            .where(TransitionLog.subject_id == clue_id, TransitionLog.trigger == "register")
        )


def test_stale_copy_gets_a_conflict(committed_db):
    clue_id = _new_clue(committed_db)
    first, second = committed_db(), committed_db()
    a, b = first.get(Clue, clue_id), second.get(Clue, clue_id)
    fire(first, user(first, "clerk"), a, "register", {})
    first.commit()
    with pytest.raises(Conflict):
        fire(second, user(second, "leader"), b, "register", {})
    second.rollback()
    first.close()
    second.close()
    assert _register_logs(committed_db, clue_id) == 1
    with session_scope(committed_db) as s:
        clue = s.get(Clue, clue_id)
        assert clue.version == 2 and clue.ledger_seq is not None


def test_two_threads_fire_at_once_one_wins(committed_db):
    clue_id = _new_clue(committed_db)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(username: str) -> None:
        session = committed_db()
        try:
            clue = session.get(Clue, clue_id)
            actor = user(session, username)
            barrier.wait()
            try:
                fire(session, actor, clue, "register", {})
                session.commit()
                result = "won"
            except Conflict:
                session.rollback()
                result = "conflict"
        finally:
            session.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("clerk", "leader")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "won"]
    assert _register_logs(committed_db, clue_id) == 1

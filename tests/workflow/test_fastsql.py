"""The engine's statements on the session's own DB-API connection (workflow/fastsql.py):
the object, the log row and the outbox row agree with what the database holds, in the
session's transaction, and the connection's cursor events still see every statement."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import sessionmaker

from cases.models import Clue
from cases.service import fire
from cases.states import ClueState
from config.database import held_session, make_engine, session_scope
from config.migrate import upgrade_database
from directory.demo import load_demo
from tests.cases.factories import clue_in_state
from tests.conftest import user
from tests.dbutil import fresh_database
from workflow.calendar_source import seed_from_package
from workflow.models import OutboxEvent, TransitionLog


def test_step_updates_the_object_the_log_and_the_outbox_in_the_session(db):
    clue = clue_in_state(db, ClueState.RECEIVED)
    version = clue.version
    step = fire(db, user(db, "clerk"), clue, "register", {})
    # The identity map holds the new state without a query; the database agrees.
    assert (clue.state, clue.version) == (ClueState.REGISTERED, version + 1)
    assert clue.ledger_no and clue.ledger_seq
    row = db.execute(
        select(Clue.state, Clue.version, Clue.ledger_no).where(Clue.id == clue.id)
    ).one()
    assert tuple(row) == (ClueState.REGISTERED, version + 1, clue.ledger_no)
    log = db.get(TransitionLog, step.id)
    assert log is not None
    assert (log.trigger, log.version, log.subject_id) == ("register", version + 1, clue.id)
    assert log.at == step.at
    outbox = db.scalars(
        select(OutboxEvent).where(
            OutboxEvent.subject_id == clue.id, OutboxEvent.lifecycle == "clue"
        )
    ).all()
    assert [o.kind for o in outbox] == ["clue.registered"]
    assert outbox[0].payload["to"] == ClueState.REGISTERED
    db.rollback()  # one transaction: nothing of the step stays
    assert db.get(TransitionLog, step.id) is None


def test_cursor_events_see_the_fast_statements(db, connection):
    clue = clue_in_state(db, ClueState.RECEIVED)
    seen: list[str] = []

    def record(conn, cursor, statement, params, context, executemany):
        seen.append(" ".join(statement.split()[:3]).upper())

    event.listen(connection, "before_cursor_execute", record)
    try:
        fire(db, user(db, "clerk"), clue, "register", {})
    finally:
        event.remove(connection, "before_cursor_execute", record)
    assert "UPDATE CLUES SET" in seen
    assert "INSERT INTO TRANSITION_LOG" in seen
    assert "INSERT INTO OUTBOX_EVENTS" in seen
    db.rollback()


def test_held_session_commits_each_step_on_one_connection():
    url = fresh_database("held")
    upgrade_database(url)
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine, expire_on_commit=False)) as s:
        load_demo(s)
        seed_from_package(s)
        clue_id = clue_in_state(s, ClueState.RECEIVED).id
    with held_session(engine) as session:
        mine = session.get(Clue, clue_id)
        fire(session, user(session, "clerk"), mine, "register", {})
        session.commit()
        dbapi = session.connection().connection.dbapi_connection
        handler = user(session, "handler").id
        fire(session, user(session, "leader"), mine, "assign", {"handler_id": handler})
        session.commit()
        assert session.connection().connection.dbapi_connection is dbapi
        assert (mine.state, mine.version) == (ClueState.TRIAGE, 3)
    with session_scope(sessionmaker(bind=engine)) as s:
        assert s.get(Clue, clue_id).state == ClueState.TRIAGE
        logs = s.scalars(select(TransitionLog.trigger).where(TransitionLog.subject_id == clue_id))
        assert list(logs) == ["create", "register", "assign"]
    engine.dispose()

"""The database connection fails between a transition's versioned UPDATE and its log INSERT.

The failure is raised at the DBAPI boundary (a ``before_cursor_execute`` hook that raises the
driver's OperationalError once the UPDATE has run), because killing the backend would also
kill the per-test outer transaction this suite relies on. Nothing may be half-written:
after the rollback the clue's state, version and transition log still agree.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from cases.models import Clue
from cases.service import fire
from cases.states import ClueState
from tests.cases.factories import clue_in_state
from tests.conftest import user
from workflow.models import TransitionLog


def _logs(db, clue_id: int) -> int:
    return db.scalar(
        select(func.count())
        .select_from(TransitionLog)
        .where(TransitionLog.lifecycle == "clue", TransitionLog.subject_id == clue_id)
    )


def test_connection_lost_between_update_and_log_leaves_nothing_half_written(db, connection):
    clue = clue_in_state(db, ClueState.REGISTERED)
    db.commit()
    before = (clue.state, clue.version, _logs(db, clue.id))
    seen: list[str] = []

    def drop(conn, cursor, statement, params, context, executemany):
        seen.append(statement.split()[0])
        if statement.lstrip().upper().startswith("INSERT INTO TRANSITION_LOG") and any(
            s.upper() == "UPDATE" for s in seen
        ):
            raise OperationalError(statement, params, Exception("server closed the connection"))

    event.listen(connection, "before_cursor_execute", drop)
    try:
        handler_id = user(db, "handler").id
        with pytest.raises(OperationalError):
            fire(db, user(db, "clerk"), clue, "assign", {"handler_id": handler_id})
    finally:
        event.remove(connection, "before_cursor_execute", drop)
    assert "UPDATE" in [s.upper() for s in seen], "the versioned UPDATE ran before the failure"
    db.rollback()
    db.expire_all()
    fresh = db.get(Clue, clue.id)
    assert (fresh.state, fresh.version, _logs(db, clue.id)) == before

"""The baselines ``bench_workflow.py`` measures the engine against, on the same data.

- ``Recorder``: every statement the engine sends to the driver, with its parameters as
  the driver received them, and every commit, per clue (a first, untimed pass).
- ``RawReplay``: that exact recording sent through the bare DB-API cursor, same commits.
- ``SessionReplay``: the same recording through a SQLAlchemy ``Session``
  (``exec_driver_sql`` on the session's connection, ``session.commit()``).
- ``MachinePeer``: the common way with the same stack: a ``transitions.Machine`` built on
  each ORM object, the version checked by the mapper (``version_id_col``), the log row and
  the outbox row added as ORM objects, committed per step.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, registry
from transitions import Machine

from cases.lifecycle import CLUE_LIFECYCLE
from cases.models import Clue
from directory.models import User
from workflow.models import OutboxEvent, TransitionLog

# A recorded operation: ("x", statement, parameters) or ("c",) for a commit.
Op = tuple[Any, ...]


class Recorder:
    """Records what reaches the cursor while ``current`` names a clue."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.ops: dict[int, list[Op]] = defaultdict(list)
        self.current: int | None = None
        event.listen(engine, "before_cursor_execute", self._execute)
        event.listen(engine, "commit", self._commit)

    def _execute(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.current is not None:
            assert not executemany, "the engine's step issues no executemany"
            self.ops[self.current].append(("x", statement, parameters))

    def _commit(self, conn) -> None:
        if self.current is not None:
            self.ops[self.current].append(("c",))

    def stop(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._execute)
        event.remove(self.engine, "commit", self._commit)

    def counts(self) -> tuple[int, int]:
        statements = sum(1 for ops in self.ops.values() for op in ops if op[0] == "x")
        commits = sum(1 for ops in self.ops.values() for op in ops if op[0] == "c")
        return statements, commits


class RawReplay:
    """The recording through the DB-API: one connection, one cursor, the same commits."""

    def __init__(self, engine, ops: dict[int, list[Op]]) -> None:
        self.raw = engine.raw_connection()
        self.dbapi = self.raw.dbapi_connection
        self.ops = ops

    def run(self, ids: list[int]) -> float:
        dbapi, ops = self.dbapi, self.ops
        cur = dbapi.cursor()
        start = time.perf_counter()
        for clue_id in ids:
            for op in ops[clue_id]:
                if op[0] == "c":
                    dbapi.commit()
                    continue
                cur.execute(op[1], op[2])
                if cur.description is not None:
                    cur.fetchall()
        return time.perf_counter() - start

    def close(self) -> None:
        self.raw.close()


class SessionReplay:
    """The recording through a Session: ``exec_driver_sql`` and ``session.commit()``."""

    def __init__(self, factory, ops: dict[int, list[Op]]) -> None:
        self.session: Session = factory()
        self.ops = ops

    def run(self, ids: list[int]) -> float:
        session, ops = self.session, self.ops
        start = time.perf_counter()
        for clue_id in ids:
            for op in ops[clue_id]:
                if op[0] == "c":
                    session.commit()
                    continue
                result = session.connection().exec_driver_sql(op[1], op[2])
                if result.returns_rows:
                    result.all()
        return time.perf_counter() - start

    def close(self) -> None:
        self.session.close()


class PeerClue:
    """The clue row mapped the common way: the mapper checks and bumps the version."""


_peer_registry = registry()
_peer_registry.map_imperatively(
    PeerClue,
    Clue.__table__,
    version_id_col=Clue.__table__.c.version,
    version_id_generator=lambda v: (v or 0) + 1,
)
_COLUMNS = set(Clue.__table__.c.keys())
# Fields of a step whose value the common way copies onto the row.
_AS_COLUMN = {"route": "proposed_route"}


class MachinePeer:
    """A Machine per object, ORM version check, ORM log and outbox rows, one commit a step."""

    def __init__(self, factory, path) -> None:
        self.session: Session = factory()
        users = {u.username: u for u in self.session.scalars(select(User))}
        self.steps = [
            (users[a], trig, data if data is not None else {"handler_id": users["handler"].id})
            for a, trig, data in path
        ]
        lc = CLUE_LIFECYCLE
        self.states = [s.value for s in lc.states]
        self.transitions = [
            {"trigger": t.trigger, "source": [str(s) for s in t.sources], "dest": str(t.dest)}
            for t in lc.transitions
            if t.dest != "="
        ]

    def run(self, ids: list[int]) -> float:
        session, lc = self.session, CLUE_LIFECYCLE
        start = time.perf_counter()
        for clue_id in ids:
            obj = session.get(PeerClue, clue_id)
            assert obj is not None
            Machine(
                model=obj,
                states=self.states,
                transitions=self.transitions,
                initial=str(obj.state),
                auto_transitions=False,
            )
            for actor, trigger, data in self.steps:
                t = lc.by_trigger[trigger]
                if str(actor.role) not in t.roles:
                    raise RuntimeError("peer: role refused")
                source = obj.state
                getattr(obj, trigger)()
                for key, value in data.items():
                    column = _AS_COLUMN.get(key, key)
                    if column in _COLUMNS:
                        setattr(obj, column, value)
                session.flush()  # the versioned UPDATE; the log row records the new version
                session.add(_log_row(obj, actor, trigger, source, data))
                if t.notify:
                    session.add(
                        OutboxEvent(
                            kind=t.notify.kind,
                            lifecycle="clue",
                            subject_id=obj.id,
                            payload={"trigger": trigger, "from": source, "to": obj.state},
                        )
                    )
                session.commit()
            session.expunge(obj)
        return time.perf_counter() - start

    def close(self) -> None:
        self.session.close()


def _log_row(obj: Any, actor: Any, trigger: str, source: str, data: dict) -> TransitionLog:
    return TransitionLog(
        lifecycle="clue",
        subject_id=obj.id,
        actor_id=actor.id,
        trigger=trigger,
        from_state=source,
        to_state=obj.state,
        version=obj.version,
        reason=str(data.get("reason", "")),
        payload={k: v for k, v in data.items() if isinstance(v, str | int)},
    )

"""Hot statements compiled once per dialect, run on the session's own DB-API connection.

A lifecycle step issues a handful of statements that never change shape (the versioned
UPDATE, the log and outbox INSERTs, the ledger counter, the close-out file check). Each is
compiled here once per dialect, with its parameters' bind processors (dates, JSON, UTC
datetimes) resolved once; a step then binds its values and hands them to the driver's
cursor on the connection of the session's transaction, the same transaction the ORM
uses. What SQLAlchemy's execute path would add is a result object, a per-call cache
look-up and the execution context: this module skips those and keeps the rest:

- the connection's ``before_cursor_execute`` / ``after_cursor_execute`` listeners are
  called as SQLAlchemy calls them (query counters, tracing and fault injection see these
  statements too);
- a driver error goes through ``Connection._handle_dbapi_exception``, so it is raised as
  the same ``sqlalchemy.exc`` error, and a lost connection is invalidated, as on the
  ordinary path.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


@dataclass(frozen=True)
class Prepared:
    """One statement for one dialect: its SQL and how to bind a step's values."""

    sql: str
    positional: bool
    # Parameter names in the order the driver takes them, each with its bind processor;
    # a value the statement fixes itself (a literal, ``last + 1``) is bound once here.
    names: tuple[str, ...]
    binds: tuple[tuple[str, Callable[[Any], Any] | None], ...]
    fixed: Mapping[str, Any]

    def args(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        if self.fixed:
            values = {**self.fixed, **values}
        bound = [values[name] if proc is None else proc(values[name]) for name, proc in self.binds]
        if self.positional:
            return tuple(bound)
        return dict(zip(self.names, bound, strict=True))


_CACHE: dict[tuple[Hashable, str, str], Prepared] = {}


def prepare(key: Hashable, dialect: Dialect, build: Callable[[Dialect], ClauseElement]) -> Prepared:
    """``build(dialect)`` compiled for ``dialect``, cached under ``key``."""
    cache_key = (key, dialect.name, dialect.driver)
    found = _CACHE.get(cache_key)
    if found is not None:
        return found
    stmt = build(dialect)
    compiled = cast(SQLCompiler, stmt.compile(dialect=dialect))
    names = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
    binds = tuple(
        (name, compiled.binds[name].type._cached_bind_processor(dialect)) for name in names
    )
    fixed = {
        name: bind.effective_value
        for name, bind in compiled.binds.items()
        if not bind.required and bind.callable is None
    }
    prepared = _CACHE[cache_key] = Prepared(
        compiled.string, compiled.positional, tuple(names), binds, fixed
    )
    return prepared


def execute(conn: Connection, prepared: Prepared, values: Mapping[str, Any]) -> Any:
    """Run ``prepared`` with ``values`` on ``conn``'s DB-API connection; returns the cursor.

    The caller reads ``rowcount``, ``lastrowid`` or the rows, then closes the cursor.
    """
    sql, args = prepared.sql, prepared.args(values)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if conn._has_events or conn.engine._has_events:
            for fn in conn.dispatch.before_cursor_execute:
                sql, args = fn(conn, cursor, sql, args, None, False)
            cursor.execute(sql, args)
            conn.dispatch.after_cursor_execute(conn, cursor, sql, args, None, False)
        else:
            cursor.execute(sql, args)
    except BaseException as error:
        cursor.close()
        if isinstance(error, conn.dialect.loaded_dbapi.Error):
            conn._handle_dbapi_exception(error, sql, args, None, None)
        raise
    return cursor

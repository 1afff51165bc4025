"""The one declarative base, engine and session factories.

SQLite is tuned for the embedded default (WAL, foreign keys, busy timeout); all
times are stored in UTC.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Engine,
    Integer,
    MetaData,
    any_,
    bindparam,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from config.textlimits import guard_flush

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


# Part of the models' definition, not a registry: every process that has the models has
# this check, so SQLite and PostgreSQL refuse the same over-long or unstorable text alike
# (config.textlimits). It runs before any SQL of the flush, so the session stays usable.
event.listen(Session, "before_flush", guard_flush)


# Ids are INTEGER columns (32-bit on PostgreSQL): a larger number can name no row.
MAX_ID = 2**31 - 1


def is_valid_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def ids_among(session: Session, column: Any, ids: Sequence[int]) -> Any:
    """``column IN ids`` for a batch of integer keys. On PostgreSQL one array parameter
    (``= ANY(%(ids)s)``): an expanding IN of 2,000 ids renders and splits 2,000 bound
    parameters per statement, which cost the ledger export more than its rows did; on SQLite
    likewise one JSON text read by ``json_each``."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return column == any_(bindparam("ids", list(ids), type_=ARRAY(Integer)))
    if dialect == "sqlite":  # one JSON text parameter, read by json_each
        values = func.json_each(bindparam("ids", json.dumps([int(i) for i in ids])))
        return column.in_(select(values.table_valued("value").c.value))
    return column.in_(list(ids))


def utcnow() -> datetime:
    return datetime.now(UTC)


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://") :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker) -> Iterator[Session]:
    """A unit of work for CLI commands and jobs: commit on success, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def held_session(engine: Engine) -> Iterator[Session]:
    """A session on one connection held for its whole life, for batch jobs and imports.

    Each ``commit`` ends its transaction and the next statement begins another on the
    same connection: no pool checkout, reset-on-return rollback or pre-ping per
    transaction. Rolled back and released when the block ends.
    """
    with engine.connect() as conn:
        session = Session(bind=conn, expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()

"""Shared set-up for benchmarks: fresh migrated databases (SQLite temp file, or a database of
its own beside ``QINGFENG_BENCH_DATABASE_URL`` on PostgreSQL) and the rows bulk-inserted into
them (units, users, clues) with every column the models require, written in one place."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker

from config.database import make_engine, session_scope
from config.migrate import upgrade_database
from directory.demo import load_demo
from workflow.calendar_source import seed_from_package


def fresh_sqlite(name: str):
    path = Path(tempfile.mkdtemp(prefix=f"qf-bench-{name}-")) / "bench.db"
    url = f"sqlite:///{path}"
    upgrade_database(url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with session_scope(factory) as session:
        load_demo(session)
        seed_from_package(session)
    return url, engine, factory


def fresh_database(tag: str) -> str:
    """An empty database: a SQLite temp file, or ``<name>_<tag>`` beside the PostgreSQL
    database ``QINGFENG_BENCH_DATABASE_URL`` names (dropped first if it is there)."""
    base = os.environ.get("QINGFENG_BENCH_DATABASE_URL")
    if not base:
        return f"sqlite:///{Path(tempfile.mkdtemp(prefix=f'qf-{tag}-')) / 'bench.db'}"
    from sqlalchemy.engine import make_url

    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{url.database}_{tag}"
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def migrated(tag: str) -> tuple[str, Engine, sessionmaker]:
    """``fresh_database`` upgraded to the head, with its engine and session factory."""
    url = fresh_database(tag)
    upgrade_database(url)
    engine = make_engine(url)
    return url, engine, sessionmaker(bind=engine, expire_on_commit=False)


def drop_database(url: str) -> None:
    """Drop the PostgreSQL database ``fresh_database`` made (a SQLite temp file stays)."""
    base = os.environ.get("QINGFENG_BENCH_DATABASE_URL")
    if not base:
        return
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        name = url.rsplit("/", 1)[1]
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def unit_row(
    id: int, code: str, name: str, kind: str, parent: int | None, path: str, now: datetime, **more
) -> dict[str, Any]:
    """An ``org_units`` row; ``depth`` follows from the path."""
    return (
        dict(
            id=id,
            code=code,
            name=name,
            kind=kind,
            parent_id=parent,
            path=path,
            depth=path.count("/") - 2,
            active=True,
            contact_name="",
            contact_phone="",
            contact_email="",
            created_at=now,
        )
        | more
    )


def user_row(
    id: int, username: str, role: str, unit_id: int, password_hash: str, now: datetime, **more
) -> dict[str, Any]:
    return (
        dict(
            id=id,
            username=username,
            display_name=username,
            password_hash=password_hash,
            role=role,
            unit_id=unit_id,
            email="",
            phone="",
            active=True,
            failed_logins=0,
            created_at=now,
        )
        | more
    )


def clue_row(unit_id: int, state: str, summary: str, now: datetime, **more) -> dict[str, Any]:
    """A ``clues`` row as a hotline clue of ``unit_id``; ``more`` sets clocks, dates, ids."""
    return (
        dict(
            unit_id=unit_id,
            state=state,
            version=1,
            channel="hotline",
            category="other",
            summary=summary,
            content="",
            received_at=now,
            reporter_named=False,
            petition=False,
            handed_down=False,
            superior_ref="",
            findings_text="",
            verification_plan="",
            repeat_count=0,
            clocks={},
            created_at=now,
            updated_at=now,
        )
        | more
    )

"""Shared set-up for benchmarks: a fresh migrated database with the demo directory and calendar."""

from __future__ import annotations

import tempfile
from pathlib import Path

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


def fresh_database(name: str):
    """``fresh_sqlite``, or a fresh PostgreSQL database named after ``name`` beside the one
    ``QINGFENG_BENCH_DATABASE_URL`` names (dropped and created again each run)."""
    import os

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    base = os.environ.get("QINGFENG_BENCH_DATABASE_URL")
    if not base:
        return fresh_sqlite(name)
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    url = make_url(admin.url)
    db_name = f"{url.database}_{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    admin.dispose()
    db_url = url.set(database=db_name).render_as_string(hide_password=False)
    upgrade_database(db_url)
    engine = make_engine(db_url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with session_scope(factory) as session:
        load_demo(session)
        seed_from_package(session)
    return db_url, engine, factory

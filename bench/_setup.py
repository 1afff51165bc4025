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

"""Test databases: the one the suite runs on, and fresh ones for migrations and browser tests."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from config.database import make_engine, normalize_url

REQUIRE_ALL = os.environ.get("CI", "").lower() == "true" or bool(
    os.environ.get("QINGFENG_REQUIRE_ALL")
)


def suite_database_url() -> str | None:
    """The URL the suite runs on: ``QINGFENG_TEST_DATABASE_URL``, or None for a temporary SQLite."""
    url = os.environ.get("QINGFENG_TEST_DATABASE_URL")
    return normalize_url(url) if url else None


def fresh_database(name: str) -> str:
    """An empty database named after ``name`` on the suite's backend; returns its URL."""
    base = suite_database_url()
    if base is None or base.startswith("sqlite"):
        path = Path(tempfile.mkdtemp(prefix=f"qf-{name}-")) / "db.sqlite"
        return f"sqlite:///{path}"
    url = make_url(base)
    db_name = f"{url.database}_{name}"
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    admin.dispose()
    return url.set(database=db_name).render_as_string(hide_password=False)


def reset_database(url: str) -> None:
    """Empty the suite's database before migrating it (PostgreSQL keeps state between runs)."""
    if url.startswith("sqlite"):
        return
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()

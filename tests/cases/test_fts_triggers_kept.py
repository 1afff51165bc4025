"""Migrations after 0022a keep SQLite's FTS5 triggers on ``clues`` (a batch rebuild of the
table would drop them and the ledger's text search would silently find nothing new)."""

from __future__ import annotations

import pytest
from sqlalchemy import text


def test_the_text_index_triggers_survive_the_migrations(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("the FTS5 triggers are SQLite's (PostgreSQL uses pg_trgm indexes)")
    with engine.connect() as conn:
        names = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    assert {"clues_fts_ai", "clues_fts_ad", "clues_fts_au"} <= names

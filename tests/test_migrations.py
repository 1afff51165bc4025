"""Migration guard rails: one head, ``upgrade head`` equals the models, every revision reverses."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app_boot import import_all_models
from config.database import make_engine
from config.migrate import alembic_config, include_name
from tests.dbutil import fresh_database


def test_one_head():
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, heads


def test_upgrade_head_matches_models():
    url = fresh_database("migrate_models")
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        diff = compare_metadata(ctx, import_all_models())
    engine.dispose()
    assert diff == []


def test_every_revision_upgrades_and_downgrades():
    url = fresh_database("migrate_steps")
    cfg = alembic_config(url)
    script = ScriptDirectory.from_config(cfg)
    revisions = list(reversed(list(script.walk_revisions())))
    assert revisions
    for rev in revisions:
        command.upgrade(cfg, rev.revision)
        command.downgrade(cfg, rev.down_revision or "base")
        command.upgrade(cfg, rev.revision)
    command.downgrade(cfg, "base")


def test_the_clue_text_index_survives_every_later_revision():
    """A later batch migration of ``clues`` on SQLite copies the table and drops its triggers
    (0027k did, until it altered in place): at the head, a clue inserted after the upgrade is
    found through the text index."""
    url = fresh_database("migrate_text_index")
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name != "sqlite":
                assert conn.exec_driver_sql(
                    "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"
                ).scalar()
                return
            triggers = set(
                conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'clues'"
                ).scalars()
            )
    finally:
        engine.dispose()  # after the connection is back in the pool, never before
    assert {"clues_fts_ai", "clues_fts_ad", "clues_fts_au"} <= triggers

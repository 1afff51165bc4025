"""restore SQLite's FTS5 triggers on clues where an earlier 0027k rebuilt the table

Revision ID: 0027n_restore_fts_triggers
Revises: 0027t_bulletins
Create Date: 2026-12-04 22:30:00

The first version of 0027k added its columns in a batch that rebuilt ``clues`` on SQLite,
which drops the table's triggers: the FTS5 index (0022a) then stopped following new clues.
0027k now adds the columns in place; a database upgraded with the first version gets its
triggers back here and the index rebuilt from the table. Nothing to do on PostgreSQL.
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0027n_restore_fts_triggers"
down_revision: str | Sequence[str] | None = "0027t_bulletins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS clues_fts_ai AFTER INSERT ON clues BEGIN "
    "INSERT INTO clues_fts(rowid, summary, content) VALUES (new.id, new.summary, new.content); END",
    "CREATE TRIGGER IF NOT EXISTS clues_fts_ad AFTER DELETE ON clues BEGIN "
    "INSERT INTO clues_fts(clues_fts, rowid, summary, content) "
    "VALUES ('delete', old.id, old.summary, old.content); END",
    "CREATE TRIGGER IF NOT EXISTS clues_fts_au AFTER UPDATE OF summary, content ON clues BEGIN "
    "INSERT INTO clues_fts(clues_fts, rowid, summary, content) "
    "VALUES ('delete', old.id, old.summary, old.content); "
    "INSERT INTO clues_fts(rowid, summary, content) VALUES (new.id, new.summary, new.content); END",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    present = {
        row[0]
        for row in op.get_bind().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'clues'"
        )
    }
    if {"clues_fts_ai", "clues_fts_ad", "clues_fts_au"} <= present:
        return
    for statement in TRIGGERS:
        op.execute(statement)
    op.execute("INSERT INTO clues_fts(clues_fts) VALUES ('rebuild')")


def downgrade() -> None:
    pass  # the triggers belong to 0022a

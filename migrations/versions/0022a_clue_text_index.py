"""clue text index: SQLite FTS5 trigram table kept in step by triggers; ledger number seq index

Revision ID: 0022a_clue_text_index
Revises: 0015_job_run_recovery
Create Date: 2026-12-04 18:30:00

PostgreSQL already serves substring search with the pg_trgm GIN indexes of 0004; SQLite
gets an external-content FTS5 table with the trigram tokenizer (SQLite >= 3.34), filled
from the existing rows and kept in step by triggers on ``clues``.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0022a_clue_text_index"
down_revision: Union[str, Sequence[str], None] = "0015_job_run_recovery"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SQLITE_FTS = (
    "CREATE VIRTUAL TABLE clues_fts USING fts5(summary, content, content='clues', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER clues_fts_ai AFTER INSERT ON clues BEGIN "
    "INSERT INTO clues_fts(rowid, summary, content) VALUES (new.id, new.summary, new.content); END",
    "CREATE TRIGGER clues_fts_ad AFTER DELETE ON clues BEGIN "
    "INSERT INTO clues_fts(clues_fts, rowid, summary, content) "
    "VALUES ('delete', old.id, old.summary, old.content); END",
    "CREATE TRIGGER clues_fts_au AFTER UPDATE OF summary, content ON clues BEGIN "
    "INSERT INTO clues_fts(clues_fts, rowid, summary, content) "
    "VALUES ('delete', old.id, old.summary, old.content); "
    "INSERT INTO clues_fts(rowid, summary, content) VALUES (new.id, new.summary, new.content); END",
    "INSERT INTO clues_fts(clues_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    with op.batch_alter_table("clues", schema=None) as batch_op:
        batch_op.create_index("ix_clues_ledger_seq", ["ledger_seq", "ledger_year"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("clues_fts_ai", "clues_fts_ad", "clues_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS clues_fts")
    with op.batch_alter_table("clues", schema=None) as batch_op:
        batch_op.drop_index("ix_clues_ledger_seq")

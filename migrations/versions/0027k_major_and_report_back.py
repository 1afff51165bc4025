"""重大 clues and the 驻委纪检组; the referrer's report-back duty; a referral's outcome due

Revision ID: 0027k_major_and_report_back
Revises: 0027d_letters
Create Date: 2026-12-04 21:40:00

The 驻委纪检组 is a unit kind (``org_units.kind`` is a plain string: no schema change).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027k_major_and_report_back"
down_revision: str | Sequence[str] | None = "0027d_letters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# SQLite's FTS5 triggers on ``clues`` (0022a): a batch operation that rebuilds the table
# drops them, so columns are added in place (ALTER TABLE ADD COLUMN) and the downgrade,
# which must rebuild the table to drop columns, puts the triggers back.
SQLITE_TRIGGERS = (
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
CLUE_COLUMNS = (
    "major_reason",
    "major_at",
    "major",
    "reported_back_on",
    "report_due",
    "report_requested",
)


def upgrade() -> None:
    # Existing clues: nobody asked for a report, nothing is flagged 重大.
    op.add_column(
        "clues",
        sa.Column("report_requested", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("clues", sa.Column("report_due", sa.Date(), nullable=True))
    op.add_column("clues", sa.Column("reported_back_on", sa.Date(), nullable=True))
    op.add_column(
        "clues", sa.Column("major", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("clues", sa.Column("major_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "clues", sa.Column("major_reason", sa.Text(), server_default="", nullable=False)
    )
    op.create_index("ix_clues_major_unit", "clues", ["major", "unit_id"], unique=False)
    op.add_column("clue_referrals", sa.Column("outcome_due", sa.Date(), nullable=True))
    op.create_index(
        op.f("ix_clue_referrals_outcome_due"), "clue_referrals", ["outcome_due"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_clue_referrals_outcome_due"), table_name="clue_referrals")
    op.drop_index("ix_clues_major_unit", table_name="clues")
    with op.batch_alter_table("clue_referrals", schema=None) as batch_op:
        batch_op.drop_column("outcome_due")
    with op.batch_alter_table("clues", schema=None) as batch_op:
        for column in CLUE_COLUMNS:
            batch_op.drop_column(column)
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)

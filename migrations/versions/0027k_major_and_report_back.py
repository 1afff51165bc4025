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


def upgrade() -> None:
    # Existing clues: nobody asked for a report, nothing is flagged 重大.
    # recreate="never": SQLite adds the columns in place. A recreated clues table (batch's
    # "move and copy") would lose the FTS triggers of 0022a and the ledger search with them.
    with op.batch_alter_table("clues", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("report_requested", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("report_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reported_back_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("major", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("major_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("major_reason", sa.Text(), server_default="", nullable=False)
        )
        batch_op.create_index("ix_clues_major_unit", ["major", "unit_id"], unique=False)
    with op.batch_alter_table("clue_referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome_due", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_clue_referrals_outcome_due"), ["outcome_due"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("clue_referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clue_referrals_outcome_due"))
        batch_op.drop_column("outcome_due")
    # SQLite ≥ 3.35 drops a column in place: the FTS triggers stay (see upgrade).
    with op.batch_alter_table("clues", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("ix_clues_major_unit")
        for column in (
            "major_reason",
            "major_at",
            "major",
            "reported_back_on",
            "report_due",
            "report_requested",
        ):
            batch_op.drop_column(column)

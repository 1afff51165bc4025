"""pending deadlines: deadlines waiting for an unconfirmed year's working-day calendar

Revision ID: 0015_pending_deadlines
Revises: 0015_mail_originals
Create Date: 2026-12-04 16:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0015_pending_deadlines"
down_revision: Union[str, Sequence[str], None] = "0015_mail_originals"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "pending_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("clock", sa.String(length=48), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("clue_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_pending_deadlines_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_deadlines")),
        sa.UniqueConstraint(
            "kind", "subject_id", "clock", name=op.f("uq_pending_deadlines_kind_subject_id_clock")
        ),
    )
    with op.batch_alter_table("pending_deadlines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_deadlines_clue_id"), ["clue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pending_deadlines_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pending_deadlines_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pending_deadlines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_deadlines_year"))
        batch_op.drop_index(batch_op.f("ix_pending_deadlines_unit_id"))
        batch_op.drop_index(batch_op.f("ix_pending_deadlines_clue_id"))
    op.drop_table("pending_deadlines")

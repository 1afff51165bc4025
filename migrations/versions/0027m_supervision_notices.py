"""督查情况通报: supervision results published to the bodies below

Revision ID: 0027m_supervision_notices
Revises: 0027l_rectification_person
Create Date: 2026-12-04 22:10:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027m_supervision_notices"
down_revision: str | Sequence[str] | None = "0027l_rectification_person"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supervision_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_supervision_notices_published_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_supervision_notices_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_notices")),
    )
    with op.batch_alter_table("supervision_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_notices_unit_id"), ["unit_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("supervision_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_notices_unit_id"))
    op.drop_table("supervision_notices")

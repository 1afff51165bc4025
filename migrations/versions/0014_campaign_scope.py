"""campaign scope: chosen units below the issuing body and statistical classes

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-09 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0014"
down_revision: Union[str, Sequence[str], None] = "0013"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Existing campaigns get "" (every class) and no units: the whole subtree, as before.
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scope_classes", sa.String(length=100), server_default="", nullable=False)
        )
    op.create_table(
        "campaign_scope_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_scope_units_campaign_id_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_campaign_scope_units_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_scope_units")),
        sa.UniqueConstraint(
            "campaign_id", "unit_id", name=op.f("uq_campaign_scope_units_campaign_id_unit_id")
        ),
    )
    with op.batch_alter_table("campaign_scope_units", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_scope_units_campaign_id"), ["campaign_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("campaign_scope_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_scope_units_campaign_id"))
    op.drop_table("campaign_scope_units")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("scope_classes")

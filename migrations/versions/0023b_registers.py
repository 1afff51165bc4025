"""registers: 警示教育, 专题学习, 约谈, 建议书, 通报 and institution-level measures

Revision ID: 0023b_registers
Revises: 0023a_report_routing
Create Date: 2026-12-04 19:00:00

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0023b_registers"
down_revision: Union[str, Sequence[str], None] = "0023a_report_routing"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "register_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("subtype", sa.String(length=24), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("counterpart", sa.String(length=100), nullable=False),
        sa.Column("target_unit_id", sa.Integer(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_register_entries_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["target_unit_id"],
            ["org_units.id"],
            name=op.f("fk_register_entries_target_unit_id_org_units"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_register_entries_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_entries")),
    )
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_register_entries_kind_unit_day", ["kind", "unit_id", "occurred_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_register_entries_kind_unit_day")
    op.drop_table("register_entries")

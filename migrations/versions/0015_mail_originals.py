"""mail originals: the raw bytes of every mail tip, encrypted

Revision ID: 0015_mail_originals
Revises: 0014
Create Date: 2026-12-04 15:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0015_mail_originals"
down_revision: Union[str, Sequence[str], None] = "0014"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "mail_originals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("raw_token", sa.LargeBinary(), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"],
            ["tips.id"],
            name=op.f("fk_mail_originals_tip_id_tips"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_originals")),
        sa.UniqueConstraint("tip_id", name=op.f("uq_mail_originals_tip_id")),
    )
    with op.batch_alter_table("mail_originals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mail_originals_raw_sha256"), ["raw_sha256"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("mail_originals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_originals_raw_sha256"))
    op.drop_table("mail_originals")

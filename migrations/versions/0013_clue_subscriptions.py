"""clue subscriptions (关注): a user follows a clue and receives its reminders and news

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "clue_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clue_id"], ["clues.id"], name=op.f("fk_clue_subscriptions_clue_id_clues")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_clue_subscriptions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue_subscriptions")),
        sa.UniqueConstraint(
            "clue_id", "user_id", name=op.f("uq_clue_subscriptions_clue_id_user_id")
        ),
    )
    with op.batch_alter_table("clue_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clue_subscriptions_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("clue_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clue_subscriptions_user_id"))
    op.drop_table("clue_subscriptions")

"""submission opened by a reviewer: a reporter may withdraw (撤回) until then

Revision ID: 0015_submission_opened
Revises: 0015_pending_deadlines
Create Date: 2026-12-04 15:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0015_submission_opened"
down_revision: Union[str, Sequence[str], None] = "0015_pending_deadlines"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("opened_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_submissions_opened_by_id_users"), "users", ["opened_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_submissions_opened_by_id_users"), type_="foreignkey")
        batch_op.drop_column("opened_by_id")
        batch_op.drop_column("opened_at")

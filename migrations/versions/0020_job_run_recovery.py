"""job run recovery: holder, last success, consecutive failures and the next retry

Revision ID: 0015_job_run_recovery
Revises: 0015_delivery_urgent
Create Date: 2026-12-04 15:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0015_job_run_recovery"
down_revision: Union[str, Sequence[str], None] = "0015_delivery_urgent"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("holder", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("last_succeeded_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("failures", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))
    # A run recorded as ok before this revision succeeded when it finished.
    op.execute(
        "UPDATE job_runs SET last_succeeded_at = last_finished_at WHERE last_status = 'ok'"
    )


def downgrade() -> None:
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_column("retry_at")
        batch_op.drop_column("failures")
        batch_op.drop_column("last_succeeded_at")
        batch_op.drop_column("holder")

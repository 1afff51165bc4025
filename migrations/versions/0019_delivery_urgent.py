"""deliveries.urgent: e-mail and webhook messages of an urgent kind skip the working-hours hold

Revision ID: 0015_delivery_urgent
Revises: 0015_sealed_file_store
Create Date: 2026-12-04 15:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0015_delivery_urgent"
down_revision: Union[str, Sequence[str], None] = "0015_sealed_file_store"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Existing rows are ordinary messages: held to working hours like every new one.
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("urgent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("urgent")

"""reminders as a daily digest: a per-channel mode on channel_preferences

Revision ID: 0027g_digest_mode
Revises: 0027m_supervision_notices
Create Date: 2026-12-04 21:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027g_digest_mode"
down_revision: str | Sequence[str] | None = "0027m_supervision_notices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel_preferences") as batch:
        batch.add_column(
            sa.Column("mode", sa.String(length=8), nullable=False, server_default="digest")
        )


def downgrade() -> None:
    with op.batch_alter_table("channel_preferences") as batch:
        batch.drop_column("mode")

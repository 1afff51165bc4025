"""the installation's own hotlines and addresses for the portal's public notice

Revision ID: 0027g2_portal_contacts
Revises: 0027g_digest_mode
Create Date: 2026-12-04 22:10:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027g2_portal_contacts"
down_revision: str | Sequence[str] | None = "0027g_digest_mode"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hotlines", sa.Text(), nullable=False),
        sa.Column("addresses", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_contacts")),
    )


def downgrade() -> None:
    op.drop_table("portal_contacts")

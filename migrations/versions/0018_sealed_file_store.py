"""sealed file store: file_blobs, reveal requests (two-person rule), metadata-free copies, purge marks

Revision ID: 0015_sealed_file_store
Revises: 0015_submission_opened
Create Date: 2026-12-04 15:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0015_sealed_file_store"
down_revision: Union[str, Sequence[str], None] = "0015_submission_opened"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Existing plain files stay where they are until ``qingfeng storage migrate`` seals them.
    op.create_table(
        "file_blobs",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_file_blobs")),
    )
    op.create_table(
        "reveal_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_reveal_requests_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_reveal_requests_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name=op.f("fk_reveal_requests_tip_id_tips")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reveal_requests")),
    )
    with op.batch_alter_table("reveal_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reveal_requests_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_reveal_requests_tip_id"), ["tip_id"], unique=False)
    with op.batch_alter_table("tip_attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_tip_attachments_original_name"), ["original_name"]
        )
    for table in ("clue_attachments", "submission_attachments"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in ("submission_attachments", "clue_attachments"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("purged_at")
    with op.batch_alter_table("tip_attachments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_tip_attachments_original_name"), type_="unique")
        batch_op.drop_column("purged_at")
        batch_op.drop_column("original_name")
    with op.batch_alter_table("reveal_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reveal_requests_tip_id"))
        batch_op.drop_index(batch_op.f("ix_reveal_requests_status"))
    op.drop_table("reveal_requests")
    op.drop_table("file_blobs")

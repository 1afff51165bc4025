"""submission attachments: files of the free-text reports (reporting.attachments)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 08:39:44.667679

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('submission_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_attachments_submission_id_submissions')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_submission_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_submission_attachments_stored_name'))
    )
    with op.batch_alter_table('submission_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_attachments_submission_id'), ['submission_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema.

    The files under ``uploads/reports/`` are left on disk: a downgrade must not destroy
    submitted material; an administrator removes them once the rows are really gone.
    """
    with op.batch_alter_table('submission_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_attachments_submission_id'))

    op.drop_table('submission_attachments')

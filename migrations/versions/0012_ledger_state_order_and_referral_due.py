"""ledger by state in ledger order; referral receipts by due date

The single-column index on clues.state is replaced by (state, received_at, id), which
serves equality on state as well and lets a state-filtered ledger page read 51 rows in
order instead of sorting every clue in that state. clue_referrals.receipt_due is indexed
for the referral-receipt sweep.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:00:00

"""
from typing import Sequence, Union

from alembic import op


revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("clues", schema=None) as batch_op:
        batch_op.drop_index("ix_clues_state")
        batch_op.create_index(
            "ix_clues_state_received_id", ["state", "received_at", "id"], unique=False
        )
    with op.batch_alter_table("clue_referrals", schema=None) as batch_op:
        batch_op.create_index("ix_clue_referrals_receipt_due", ["receipt_due"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("clue_referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_clue_referrals_receipt_due")
    with op.batch_alter_table("clues", schema=None) as batch_op:
        batch_op.drop_index("ix_clues_state_received_id")
        batch_op.create_index("ix_clues_state", ["state"], unique=False)

"""one category vocabulary: the short category codes become the checklist item they name

Revision ID: 0022b_one_category_vocabulary
Revises: 0022a_clue_text_index
Create Date: 2026-12-04 19:00:00

红包 → 8, 回扣 → 11, 欺诈骗保 → 17, 不合理诊疗 → 15, 违规营销 → 26, 作风问题 → 27
(``cases.reference.LEGACY_CATEGORIES``). The downgrade leaves the codes: after the merge
one cannot tell a moved code from one chosen as the checklist item, and both are valid.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0022b_one_category_vocabulary"
down_revision: Union[str, Sequence[str], None] = "0022a_clue_text_index"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

MOVES = {
    "redpacket": "check_08",
    "kickback": "check_11",
    "insurance_fraud": "check_17",
    "unreasonable_care": "check_15",
    "illegal_marketing": "check_26",
    "work_style": "check_27",
}


def upgrade() -> None:
    update = sa.text("UPDATE clues SET category = :new WHERE category = :old")
    for old, new in MOVES.items():
        op.get_bind().execute(update, {"old": old, "new": new})


def downgrade() -> None:
    pass

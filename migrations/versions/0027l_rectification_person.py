"""rectification: the responsible person is a user account; the typed names are kept

Revision ID: 0027l_rectification_person
Revises: 0027k_major_and_report_back
Create Date: 2026-12-04 22:00:00

New items name an account of the responsible unit (``responsible_user_id``, a column since
0021a) and keep its name as text too. Items issued before keep the name that was typed
(``responsible_person`` is not touched); where that text is exactly the name of one active
account of the responsible unit (or of its offices), the item is linked to that account so
its reminders reach the person. Downgrade unlinks nothing: the column predates this step.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027l_rectification_person"
down_revision: str | Sequence[str] | None = "0027k_major_and_report_back"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    items = conn.execute(
        sa.text(
            "SELECT id, responsible_unit_id, responsible_person FROM rectification_items "
            "WHERE responsible_user_id IS NULL"
        )
    ).all()
    for item_id, unit_id, typed in items:
        name = (typed or "").strip()
        words = name.split()
        candidates = {name, words[-1]} if words else set()  # "院长 王明" names 王明
        matches = conn.execute(
            sa.text(
                "SELECT u.id, u.display_name FROM users u JOIN org_units o ON o.id = u.unit_id "
                "WHERE u.active AND (o.id = :unit OR (o.parent_id = :unit AND o.kind = 'office'))"
            ),
            {"unit": unit_id},
        ).all()
        found = [uid for uid, display in matches if display in candidates]
        if len(found) == 1:
            conn.execute(
                sa.text("UPDATE rectification_items SET responsible_user_id = :u WHERE id = :i"),
                {"u": found[0], "i": item_id},
            )


def downgrade() -> None:
    pass

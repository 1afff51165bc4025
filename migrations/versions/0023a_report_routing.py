"""report routing: receiving offices, first and last period, one period's deadline, one-off scope

Revision ID: 0023a_report_routing
Revises: 0022b_one_category_vocabulary
Create Date: 2026-12-04 18:45:00

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0023a_report_routing"
down_revision: Union[str, Sequence[str], None] = "0022b_one_category_vocabulary"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("obligation_rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_period", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_period", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("issuer_unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("scope_unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("counted_from", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_obligation_rules_issuer_unit_id_org_units"),
            "org_units",
            ["issuer_unit_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_obligation_rules_scope_unit_id_org_units"),
            "org_units",
            ["scope_unit_id"],
            ["id"],
        )
    op.create_table(
        "rule_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["org_units.id"], name=op.f("fk_rule_recipients_office_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["obligation_rules.id"],
            name=op.f("fk_rule_recipients_rule_id_obligation_rules"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_recipients")),
        sa.UniqueConstraint(
            "rule_id", "office_id", name=op.f("uq_rule_recipients_rule_id_office_id")
        ),
    )
    with op.batch_alter_table("rule_recipients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rule_recipients_rule_id"), ["rule_id"], unique=False)
    op.create_table(
        "deadline_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["obligation_rules.id"],
            name=op.f("fk_deadline_overrides_rule_id_obligation_rules"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_overrides")),
        sa.UniqueConstraint(
            "rule_id", "period_start", name=op.f("uq_deadline_overrides_rule_id_period_start")
        ),
    )
    with op.batch_alter_table("deadline_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deadline_overrides_rule_id"), ["rule_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deadline_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadline_overrides_rule_id"))
    op.drop_table("deadline_overrides")
    with op.batch_alter_table("rule_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_recipients_rule_id"))
    op.drop_table("rule_recipients")
    with op.batch_alter_table("obligation_rules", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_obligation_rules_scope_unit_id_org_units"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_obligation_rules_issuer_unit_id_org_units"), type_="foreignkey"
        )
        batch_op.drop_column("counted_from")
        batch_op.drop_column("scope_unit_id")
        batch_op.drop_column("issuer_unit_id")
        batch_op.drop_column("last_period")
        batch_op.drop_column("first_period")

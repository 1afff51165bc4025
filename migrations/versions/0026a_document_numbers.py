"""document number register: types with 文号 prefix, counters per type and year, issued numbers

Revision ID: 0026a_document_numbers
Revises: 0024_export_jobs
Create Date: 2026-12-04 19:45:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026a_document_numbers"
down_revision: str | Sequence[str] | None = "0024_export_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["org_units.id"], name=op.f("fk_document_types_body_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_types")),
        sa.UniqueConstraint("body_id", "code", name=op.f("uq_document_types_body_id_code")),
    )
    op.create_index(op.f("ix_document_types_body_id"), "document_types", ["body_id"])
    op.create_table(
        "document_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["type_id"], ["document_types.id"],
            name=op.f("fk_document_counters_type_id_document_types"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_counters")),
        sa.UniqueConstraint("type_id", "year", name=op.f("uq_document_counters_type_id_year")),
    )
    op.create_table(
        "document_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["type_id"], ["document_types.id"],
            name=op.f("fk_document_numbers_type_id_document_types"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_numbers")),
        sa.UniqueConstraint(
            "type_id", "year", "seq", name=op.f("uq_document_numbers_type_id_year_seq")
        ),
    )
    op.create_index(op.f("ix_document_numbers_type_id"), "document_numbers", ["type_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_document_numbers_type_id"), table_name="document_numbers")
    op.drop_table("document_numbers")
    op.drop_table("document_counters")
    op.drop_index(op.f("ix_document_types_body_id"), table_name="document_types")
    op.drop_table("document_types")

"""letters: offices' own DOCX templates and the documents issued from clues

Revision ID: 0027d_letters
Revises: 0026a_document_numbers
Create Date: 2026-12-04 21:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027d_letters"
down_revision: str | Sequence[str] | None = "0026a_document_numbers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "letter_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["org_units.id"], name=op.f("fk_letter_templates_body_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_templates")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_letter_templates_stored_name")),
    )
    op.create_index(op.f("ix_letter_templates_body_id"), "letter_templates", ["body_id"])
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("number_id", sa.Integer(), nullable=False),
        sa.Column("number_text", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("docx_name", sa.String(length=80), nullable=False),
        sa.Column("docx_sha256", sa.String(length=64), nullable=False),
        sa.Column("docx_size", sa.Integer(), nullable=False),
        sa.Column("pdf_name", sa.String(length=80), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_size", sa.Integer(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clue_id"], ["clues.id"], name=op.f("fk_issued_documents_clue_id_clues")
        ),
        sa.ForeignKeyConstraint(
            ["number_id"],
            ["document_numbers.id"],
            name=op.f("fk_issued_documents_number_id_document_numbers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_documents")),
        sa.UniqueConstraint("number_id", name=op.f("uq_issued_documents_number_id")),
        sa.UniqueConstraint("docx_name", name=op.f("uq_issued_documents_docx_name")),
        sa.UniqueConstraint("pdf_name", name=op.f("uq_issued_documents_pdf_name")),
    )
    op.create_index(op.f("ix_issued_documents_clue_id"), "issued_documents", ["clue_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_issued_documents_clue_id"), table_name="issued_documents")
    op.drop_table("issued_documents")
    op.drop_index(op.f("ix_letter_templates_body_id"), table_name="letter_templates")
    op.drop_table("letter_templates")

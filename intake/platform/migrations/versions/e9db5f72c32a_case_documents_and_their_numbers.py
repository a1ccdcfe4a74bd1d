"""case documents and their numbers

Revision ID: e9db5f72c32a
Revises: f3865112bab2

Documents (文书) issued on a case, numbered per bureau and year (docs/rules.md §10). The
text is drawn from the case when a document is opened; only what a member typed for it is
kept, sealed. Nothing moves: no document was issued before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e9db5f72c32a"
down_revision = "f3865112bab2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_numbers",
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["bureau_id"], ["bureaus.id"]),
        sa.PrimaryKeyConstraint("bureau_id", "year"),
    )
    op.create_table(
        "case_documents",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("sealed_text", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["bureau_id"], ["bureaus.id"]),
        sa.ForeignKeyConstraint(["issued_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bureau_id", "year", "number"),
    )
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_documents_report_id"), ["report_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_documents_report_id"))
    op.drop_table("case_documents")
    op.drop_table("document_numbers")

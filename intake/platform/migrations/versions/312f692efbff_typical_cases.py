"""typical cases

Revision ID: 312f692efbff
Revises: d57ce54fbc8e

典型案例: summaries a bureau writes for the public and a supervisor approves. Nothing moves.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "312f692efbff"
down_revision = "d57ce54fbc8e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "typical_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("bureau", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("written_by", sa.Integer(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
        ),
        sa.ForeignKeyConstraint(
            ["written_by"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("typical_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_typical_cases_approved_on"), ["approved_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_typical_cases_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("typical_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_typical_cases_report_id"))
        batch_op.drop_index(batch_op.f("ix_typical_cases_approved_on"))

    op.drop_table("typical_cases")

"""回头看 review rounds and their cases

Revision ID: c3f8a1d6e924
Revises: b7d4e2a9c815
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c3f8a1d6e924"
down_revision = "b7d4e2a9c815"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["opened_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("proposed", sa.Boolean(), nullable=False),
        sa.Column("result", sa.String(length=24), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["review_rounds.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "report_id"),
    )
    op.create_index("ix_review_items_report_id", "review_items", ["report_id"], unique=False)
    op.create_index("ix_review_items_round_id", "review_items", ["round_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_review_items_round_id", table_name="review_items")
    op.drop_index("ix_review_items_report_id", table_name="review_items")
    op.drop_table("review_items")
    op.drop_table("review_rounds")

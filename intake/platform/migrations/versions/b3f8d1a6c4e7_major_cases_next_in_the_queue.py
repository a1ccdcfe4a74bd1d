"""major cases next in the queue

Revision ID: b3f8d1a6c4e7
Revises: a1d7c3e5f209

A bureau's queue lists real-name cases first, then those graded 重大, then the rest (admin/
cases/queue.py, docs/rules.md §9): each part with its grade fixed is read in date order along
this index, without a sort over the bureau's cases.
"""

from __future__ import annotations

from alembic import op

revision = "b3f8d1a6c4e7"
down_revision = "a1d7c3e5f209"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_reports_lead_named_grade_received",
        "reports",
        ["lead_bureau_id", "real_name", "grade", "received_on", "reference"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_reports_lead_named_grade_received", table_name="reports")

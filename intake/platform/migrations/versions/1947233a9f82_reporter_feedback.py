"""reporter feedback

Revision ID: 1947233a9f82
Revises: fa66895694e0

Feedback to real-name (实名) reporters (docs/rules.md §8): each notice, result and return visit
(回访) with its date, way and, sealed, the reporter's opinion and objection. The queue puts
real-name cases first (优先办理) and reads each part in date order from a new index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1947233a9f82"
down_revision: str | None = "fa66895694e0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporter_feedback",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("way", sa.String(length=12), nullable=False),
        sa.Column("satisfaction", sa.String(length=12), nullable=True),
        sa.Column("opinion", sa.LargeBinary(), nullable=True),
        sa.Column("objection", sa.Boolean(), nullable=False),
        sa.Column("objection_text", sa.LargeBinary(), nullable=True),
        sa.Column("new_evidence", sa.Boolean(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_reporter_feedback_report_id", "reporter_feedback", ["report_id"], unique=False
    )
    op.create_index(
        "ix_reports_lead_named_received",
        "reports",
        ["lead_bureau_id", "real_name", "received_on", "reference"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_reports_lead_named_received", table_name="reports")
    op.drop_index("ix_reporter_feedback_report_id", table_name="reporter_feedback")
    op.drop_table("reporter_feedback")

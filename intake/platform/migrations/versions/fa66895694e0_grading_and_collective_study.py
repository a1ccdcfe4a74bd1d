"""grading and collective study

Revision ID: fa66895694e0
Revises: c4e8b2f19d3a

Each lead is graded (一般、重要、重大) by a collective study (集体研判) recorded round by round, its
conclusion sealed; a case may have a 包案 leader, a 提级办理 and a 挂牌 or 联合督办 flag
(docs/rules.md §9). Nothing moves: earlier cases have none of them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "fa66895694e0"
down_revision = "c4e8b2f19d3a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_studies",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("studied_on", sa.Date(), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conclusion", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_studies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_studies_report_id"), ["report_id"], unique=False)
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grade", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("leader_staff_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("escalated_to", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("escalated_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("escalation_reason", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("listing", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("listed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("listed_on", sa.Date(), nullable=True))
        batch_op.create_index(
            "ix_reports_listing", ["listing", "destroyed_on", "state", "major"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_listing")
        batch_op.drop_column("listed_on")
        batch_op.drop_column("listed_by")
        batch_op.drop_column("listing")
        batch_op.drop_column("escalation_reason")
        batch_op.drop_column("escalated_on")
        batch_op.drop_column("escalated_to")
        batch_op.drop_column("leader_staff_id")
        batch_op.drop_column("grade")
    with op.batch_alter_table("case_studies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_studies_report_id"))
    op.drop_table("case_studies")

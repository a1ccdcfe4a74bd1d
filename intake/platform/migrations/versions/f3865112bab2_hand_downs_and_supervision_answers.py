"""hand downs and supervision answers

Revision ID: f3865112bab2
Revises: 1947233a9f82

Cases handed down by a higher office (上级交办) with their order, the cases it names and the
reports sent back; a 督办 note gains a deadline for the bureau's answer and the answer, and
the same table records 约谈 and 通报 (docs/rules.md §9). Notes written before are 督办 notes
that asked for no answer.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f3865112bab2"
down_revision = "1947233a9f82"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "hand_downs",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("issuer", "number"),
    )
    op.create_table(
        "hand_down_progress",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("document_number", sa.String(length=60), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hand_down_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hand_down_progress_report_id"), ["report_id"], unique=False
        )
    op.create_table(
        "hand_down_reports",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.Column("hand_down_id", _ID, nullable=False),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("linked_on", sa.Date(), nullable=False),
        sa.Column("note", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["hand_down_id"], ["hand_downs.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id"),
    )
    with op.batch_alter_table("hand_down_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hand_down_reports_hand_down_id"), ["hand_down_id"], unique=False
        )
    with op.batch_alter_table("supervision_notes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="supervision", nullable=False)
        )
        batch_op.add_column(sa.Column("held_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("answer_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("answered_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("answered_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("answer", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("supervision_notes", schema=None) as batch_op:
        batch_op.drop_column("answer")
        batch_op.drop_column("answered_by")
        batch_op.drop_column("answered_on")
        batch_op.drop_column("answer_due")
        batch_op.drop_column("held_on")
        batch_op.drop_column("kind")
    with op.batch_alter_table("hand_down_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hand_down_reports_hand_down_id"))
    op.drop_table("hand_down_reports")
    with op.batch_alter_table("hand_down_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hand_down_progress_report_id"))
    op.drop_table("hand_down_progress")
    op.drop_table("hand_downs")

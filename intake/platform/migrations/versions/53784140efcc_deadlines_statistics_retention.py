"""Deadlines, statistics, retention: event bureau/value, tick flags, 督办 notes, staff e-mail.

Events recorded before this revision count for their report's current lead bureau.

Revision ID: 53784140efcc
Revises: 9610629631a4
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "53784140efcc"
down_revision = "9610629631a4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervision_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bureau_id"],
            ["bureaus.id"],
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("supervision_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_notes_report_id"), ["report_id"], unique=False
        )

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bureau", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("value", sa.String(length=40), nullable=True))
        batch_op.create_index("ix_events_occurred_on_kind", ["occurred_on", "kind"], unique=False)

    op.execute(
        "UPDATE events SET bureau = (SELECT bureaus.code FROM reports JOIN bureaus"
        " ON bureaus.id = reports.lead_bureau_id WHERE reports.id = events.report_id)"
    )

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warned_for", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("overdue_for", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("supervised_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("destroyed_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_reports_destroyed_on"), ["destroyed_on"], unique=False)

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_audit_events_prev_hash", ["prev_hash"])

    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("email")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_events_prev_hash", type_="unique")

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_destroyed_on"))
        batch_op.drop_column("destroyed_on")
        batch_op.drop_column("supervised_on")
        batch_op.drop_column("overdue_for")
        batch_op.drop_column("warned_for")

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_occurred_on_kind")
        batch_op.drop_column("value")
        batch_op.drop_column("bureau")

    with op.batch_alter_table("supervision_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_notes_report_id"))

    op.drop_table("supervision_notes")

"""late feedback index

Revision ID: b7d4e1f0a2c6
Revises: f1c6a8d3e027

The overdue board counts the feedback owed to real-name reporters per bureau in SQL
(oversight/feedback_due.py): a partial index over the named cases still kept holds every column
it reads, so the count never touches a case's row. Nothing moves.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b7d4e1f0a2c6"
down_revision = "f1c6a8d3e027"
branch_labels = None
depends_on = None

_COLUMNS = [
    "lead_bureau_id",
    "received_on",
    "reference",
    "deadline_profile",
    "state",
    "accepted_on",
    "concluded_on",
    "repeat_of_id",
    "id",
]
_WHERE = sa.text("real_name IS TRUE AND destroyed_on IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reports_named_feedback",
            _COLUMNS,
            unique=False,
            postgresql_where=_WHERE,
            sqlite_where=_WHERE,
        )


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_named_feedback")

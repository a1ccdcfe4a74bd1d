"""An index on key wraps by bureau, for the queues.

Revision ID: 0d2c160b527f
Revises: 791633476470
"""

from __future__ import annotations

from alembic import op

revision = "0d2c160b527f"
down_revision = "791633476470"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_key_wraps", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_key_wraps_bureau_report", ["bureau_id", "report_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("report_key_wraps", schema=None) as batch_op:
        batch_op.drop_index("ix_report_key_wraps_bureau_report")

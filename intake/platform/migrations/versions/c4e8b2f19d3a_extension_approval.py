"""extension approval

Revision ID: c4e8b2f19d3a
Revises: a7d2e9c4b1f6

An extension (延期) is a request approved by a second member who may approve (负责人), and its
reason is kept sealed for the reporter (docs/rules.md §4). Extensions granted before are kept
as they are: the flag `extended` stays, with no request recorded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c4e8b2f19d3a"
down_revision = "a7d2e9c4b1f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("may_approve", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extension_requested_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("extension_requested_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("extension_reason", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("extension_approved_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("extension_approved_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("extension_approved_by")
        batch_op.drop_column("extension_approved_on")
        batch_op.drop_column("extension_reason")
        batch_op.drop_column("extension_requested_by")
        batch_op.drop_column("extension_requested_on")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("may_approve")

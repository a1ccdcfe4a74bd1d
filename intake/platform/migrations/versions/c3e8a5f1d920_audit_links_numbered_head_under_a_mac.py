"""audit links numbered, head under a MAC

Revision ID: c3e8a5f1d920
Revises: b7d41c9e2a60

Every audit event gets its number in the chain (1, 2, 3, …), and the head counts them under
a MAC. Events already written are numbered in the order of their ids; their links stay as they
were (a migration does not hold the secret key to compute new ones), so the head records the
first number whose link includes it. The head's MAC is written with the next event.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c3e8a5f1d920"
down_revision = "b7d41c9e2a60"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE audit_events SET seq = "
        "(SELECT count(*) FROM audit_events AS earlier WHERE earlier.id <= audit_events.id)"
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint("uq_audit_events_seq", ["seq"])
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("first_numbered", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("mac", sa.LargeBinary(length=32), nullable=True))
    op.execute(
        "UPDATE audit_head SET count = (SELECT count(*) FROM audit_events), "
        "first_numbered = (SELECT count(*) FROM audit_events) + 1"
    )
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.alter_column("count", server_default=None)
        batch_op.alter_column("first_numbered", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("mac")
        batch_op.drop_column("first_numbered")
        batch_op.drop_column("count")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_events_seq", type_="unique")
        batch_op.drop_column("seq")

"""hand-over letters and replies

Revision ID: 925b138f7517
Revises: 0d7f0616e787

A hand-over keeps its 移送函 (number and date) and the receiving organ's answer. Nothing moves:
earlier hand-overs have neither. (Chained after the outcomes migration of the same branch.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "925b138f7517"
down_revision = "0d7f0616e787"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hand_over_letter", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("hand_over_letter_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("hand_over_reply", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("hand_over_reply_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("hand_over_reply_on")
        batch_op.drop_column("hand_over_reply")
        batch_op.drop_column("hand_over_letter_on")
        batch_op.drop_column("hand_over_letter")

"""reward process

Revision ID: f3a9c2d41b7e
Revises: 312f692efbff

举报奖励 from proposal to approval, notice, payment or lapse (docs/rules.md §5). The amount
recorded so far was in yuan; it is now in fen like every other amount, so it is multiplied
by 100.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f3a9c2d41b7e"
down_revision = "312f692efbff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reward_scheme", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("reward_grade", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reward_basis", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reward_excluded", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("reward_proposed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reward_proposed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reward_approved_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reward_approved_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reward_claim_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reward_id_check", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("reward_paid_by", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("reward_lapsed_on", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_reports_reward_claim_until"), ["reward_claim_until"], unique=False
        )
    op.execute(
        "UPDATE reports SET reward_amount = reward_amount * 100 WHERE reward_amount IS NOT NULL"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE reports SET reward_amount = reward_amount / 100 WHERE reward_amount IS NOT NULL"
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_reward_claim_until"))
        batch_op.drop_column("reward_lapsed_on")
        batch_op.drop_column("reward_paid_by")
        batch_op.drop_column("reward_id_check")
        batch_op.drop_column("reward_claim_until")
        batch_op.drop_column("reward_approved_by")
        batch_op.drop_column("reward_approved_on")
        batch_op.drop_column("reward_proposed_by")
        batch_op.drop_column("reward_proposed_on")
        batch_op.drop_column("reward_excluded")
        batch_op.drop_column("reward_basis")
        batch_op.drop_column("reward_grade")
        batch_op.drop_column("reward_scheme")

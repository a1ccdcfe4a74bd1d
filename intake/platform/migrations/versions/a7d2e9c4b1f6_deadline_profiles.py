"""deadline profiles

Revision ID: a7d2e9c4b1f6
Revises: f3a9c2d41b7e

Each case keeps the deadline profile chosen when it was received (docs/rules.md §4, §8) and,
for a conclusion date set from outside the profile, the source of that date. Older cases have
no profile and count by the installation's default, as they did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a7d2e9c4b1f6"
down_revision = "f3a9c2d41b7e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline_profile", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("conclusion_basis", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("conclusion_basis")
        batch_op.drop_column("deadline_profile")

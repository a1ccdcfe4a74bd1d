"""statistics indexes

Revision ID: c3e8a5f1b940
Revises: b7d4e1f0a2c6

A month still running is counted live for every unit below a city or province
(oversight/statistics.py). Two things read a million cases there: each step's case was read
for its lead bureau, and each reward count read every case for the day of its step (now a
partial index per step over the cases with a reward). An index of id, lead bureau, state and
whether destroyed answers the first, and the 交办 board's reading of each order's cases
(oversight/hand_down_board.py) too.
Measured at 100 counties × 10,000 cases, warm: 3.9–4.2 s → 2.3–3.3 s for a province's running
month's queries (bench/README.md). Nothing moves.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c3e8a5f1b940"
down_revision = "b7d4e1f0a2c6"
branch_labels = None
depends_on = None

_STEPS = ("proposed", "approved", "paid", "lapsed")
_WHERE = sa.text("reward_amount IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reports_id_lead",
            ["id", "lead_bureau_id", "state", "destroyed_on"],
            unique=False,
        )
        for step in _STEPS:
            batch_op.create_index(
                f"ix_reports_reward_{step}",
                [f"reward_{step}_on", "lead_bureau_id", "category", "channel", "reward_amount"],
                unique=False,
                postgresql_where=_WHERE,
                sqlite_where=_WHERE,
            )


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        for step in reversed(_STEPS):
            batch_op.drop_index(f"ix_reports_reward_{step}")
        batch_op.drop_index("ix_reports_id_lead")

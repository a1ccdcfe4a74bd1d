"""kept months per unit

Revision ID: e5b7c3a9d214
Revises: d9a4c7e2b513

Each unit's month of statistics is kept on its own (docs/design.md, "Units"), so an upper
unit's table is the sum of its units' kept months. Months kept before units existed counted
the home unit's cases: they become the home unit's. The key changes, so the table is made
anew and its rows copied over (SQLite cannot change a primary key in place).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e5b7c3a9d214"
down_revision = "d9a4c7e2b513"
branch_labels = None
depends_on = None

# Months kept before units counted the home unit's cases (intake/domain/units.py, HOME).
_COPY_UP = (
    "INSERT INTO statistic_months_by_unit (month, unit_id, counted_on, figures, by_category) "
    "SELECT month, (SELECT id FROM units WHERE code = 'home'), counted_on, figures, by_category "
    "FROM statistic_months"
)
_COPY_DOWN = (
    "INSERT INTO statistic_months_whole (month, counted_on, figures, by_category) "
    "SELECT month, counted_on, figures, by_category FROM statistic_months "
    "WHERE unit_id = (SELECT id FROM units WHERE code = 'home')"
)


def _table(name: str, by_unit: bool) -> None:
    op.create_table(
        name,
        sa.Column("month", sa.Date(), nullable=False),
        *(
            [
                sa.Column("unit_id", sa.Integer(), nullable=False),
                sa.ForeignKeyConstraint(
                    ["unit_id"], ["units.id"], name="fk_statistic_months_unit_id_units"
                ),
            ]
            if by_unit
            else []
        ),
        sa.Column("counted_on", sa.Date(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("by_category", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("month", *(["unit_id"] if by_unit else [])),
    )


def upgrade() -> None:
    _table("statistic_months_by_unit", by_unit=True)
    op.execute(_COPY_UP)
    op.drop_table("statistic_months")
    op.rename_table("statistic_months_by_unit", "statistic_months")


def downgrade() -> None:
    # Only the home unit's months can go back; the others are counted again when asked for.
    _table("statistic_months_whole", by_unit=False)
    op.execute(_COPY_DOWN)
    op.drop_table("statistic_months")
    op.rename_table("statistic_months_whole", "statistic_months")

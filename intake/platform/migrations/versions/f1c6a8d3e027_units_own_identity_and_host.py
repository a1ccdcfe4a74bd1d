"""units' own identity and host

Revision ID: f1c6a8d3e027
Revises: e5b7c3a9d214

A unit may carry its own public identity (主办单位 in Chinese and English, address, hotline
number) and its own host name, on which the public pages show that identity and the report
form chooses the unit (docs/design.md, "Units"). Every column is empty for existing units,
which keep showing the installation's identity exactly as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f1c6a8d3e027"
down_revision = "e5b7c3a9d214"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units") as batch_op:
        batch_op.add_column(sa.Column("issuer", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("issuer_en", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("address", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("hotline_number", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("host", sa.String(length=253), nullable=True))
        batch_op.create_unique_constraint("uq_units_host", ["host"])


def downgrade() -> None:
    with op.batch_alter_table("units") as batch_op:
        batch_op.drop_constraint("uq_units_host", type_="unique")
        for column in ("host", "hotline_number", "address", "issuer_en", "issuer"):
            batch_op.drop_column(column)

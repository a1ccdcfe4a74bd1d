"""public keys carry a MAC

Revision ID: b7d41c9e2a60
Revises: c3f8a1d6e924

Every bureau's and member's public key is stored with a MAC under a key derived from the
installation's secret key, checked before anything is sealed to it. A migration does not hold
the secret key, so keys stored before this one have no MAC, and nothing is sealed to them until
the operator runs `qingfeng keys authenticate` once (docs/operations.md, "Upgrading").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b7d41c9e2a60"
down_revision = "c3f8a1d6e924"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bureaus", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_key_mac", sa.LargeBinary(length=32), nullable=True))
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_key_mac", sa.LargeBinary(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("public_key_mac")
    with op.batch_alter_table("bureaus", schema=None) as batch_op:
        batch_op.drop_column("public_key_mac")

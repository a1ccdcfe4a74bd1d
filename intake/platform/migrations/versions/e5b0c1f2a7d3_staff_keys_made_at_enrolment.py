"""staff keys made at enrolment; bureaus founded by their first member

Revision ID: e5b0c1f2a7d3
Revises: a47ef6909cc0

A new account holds no key pair until its member enrols (only a verifier of the temporary
password); a bureau made by `qingfeng bureaus setup` has no key pair until its founder
enrols. No data moves: existing keys stay as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e5b0c1f2a7d3"
down_revision = "a47ef6909cc0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_verifier", sa.LargeBinary(), nullable=True))
        batch_op.alter_column("public_key", existing_type=sa.LargeBinary(length=32), nullable=True)
        batch_op.alter_column("private_key_locked", existing_type=sa.LargeBinary(), nullable=True)
    with op.batch_alter_table("bureaus", schema=None) as batch_op:
        batch_op.add_column(sa.Column("founder_id", sa.Integer(), nullable=True))
        batch_op.alter_column("public_key", existing_type=sa.LargeBinary(length=32), nullable=True)
        batch_op.create_foreign_key("fk_bureaus_founder_id_staff", "staff", ["founder_id"], ["id"])


def downgrade() -> None:
    # The older schema cannot hold an account or a bureau that has no key yet: say so rather
    # than invent keys nobody could use.
    connection = op.get_bind()
    waiting = connection.scalar(
        sa.text(
            "SELECT (SELECT count(*) FROM staff WHERE public_key IS NULL "
            "OR private_key_locked IS NULL) + (SELECT count(*) FROM bureaus "
            "WHERE public_key IS NULL)"
        )
    )
    if waiting:
        raise RuntimeError(
            f"{waiting} account(s) or bureau(s) still wait for their first enrolment; the "
            "older schema cannot hold them. Have them enrol first."
        )
    with op.batch_alter_table("bureaus", schema=None) as batch_op:
        batch_op.drop_constraint("fk_bureaus_founder_id_staff", type_="foreignkey")
        batch_op.drop_column("founder_id")
        batch_op.alter_column("public_key", existing_type=sa.LargeBinary(length=32), nullable=False)
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("password_verifier")
        batch_op.alter_column("public_key", existing_type=sa.LargeBinary(length=32), nullable=False)
        batch_op.alter_column("private_key_locked", existing_type=sa.LargeBinary(), nullable=False)

"""feedback and reports sent back point to the document that carried them

Revision ID: a1d7c3e5f209
Revises: e9db5f72c32a

A real-name reporter's notice or result may be the 告知书 or 答复意见书 issued on the case, and
a completion report sent to a 交办机关 the 办结报告 issued on it (docs/rules.md §8, §9). Rows
recorded before point to none: the number typed by hand stays what it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a1d7c3e5f209"
down_revision = "e9db5f72c32a"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    for table in ("reporter_feedback", "hand_down_progress"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("document_id", _ID, nullable=True))
            batch_op.create_foreign_key(
                f"fk_{table}_document_id_case_documents", "case_documents", ["document_id"], ["id"]
            )


def downgrade() -> None:
    for table in ("hand_down_progress", "reporter_feedback"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_document_id_case_documents", type_="foreignkey")
            batch_op.drop_column("document_id")

"""blind index of names; a report marked as a repeat of an earlier case

Revision ID: b7d4e2a9c815
Revises: 925b138f7517

Reports stored before this revision have no tags: the server cannot read them to make any.
They are found as repeats only when a later report is marked as one of them by hand.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b7d4e2a9c815"
down_revision = "925b138f7517"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "name_tags",
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("tag", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id", "kind", "tag"),
    )
    op.create_index("ix_name_tags_tag_report", "name_tags", ["tag", "report_id"], unique=False)
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("repeat_of_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_reports_repeat_of_id"), ["repeat_of_id"])
        batch_op.create_foreign_key(
            "fk_reports_repeat_of_id_reports", "reports", ["repeat_of_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint("fk_reports_repeat_of_id_reports", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_reports_repeat_of_id"))
        batch_op.drop_column("repeat_of_id")
    op.drop_index("ix_name_tags_tag_report", table_name="name_tags")
    op.drop_table("name_tags")

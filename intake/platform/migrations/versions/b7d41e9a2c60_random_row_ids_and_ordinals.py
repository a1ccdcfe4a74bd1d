"""random row ids and per-case ordinals; no hidden rowid beside public-side rows

Revision ID: b7d41e9a2c60
Revises: e5b0c1f2a7d3

Rows the public side creates, and the rows beside them, get random 63-bit ids instead of ids
from one sequence shared with staff rows stamped to the second (docs/design.md "Promises",
1), and a per-case ordinal that keeps their display order. Existing rows get random ids too
and ordinals in their old order. On PostgreSQL the sequences are dropped. On SQLite the ids
are the rowid (INTEGER PRIMARY KEY); `reports`, `attachment_chunks` and `used_form_tokens`
are rebuilt WITHOUT ROWID (intake/platform/migrate.py runs this with foreign keys unenforced,
then checks them all).
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "b7d41e9a2c60"
down_revision = "e5b0c1f2a7d3"
branch_labels = None
depends_on = None

RANDOM = ("events", "messages", "notes", "supervision_notes", "report_key_wraps", "attachments")
ORDERED = ("events", "messages", "notes", "attachments")
_CHUNK_FK = "attachment_chunks_attachment_id_fkey"


def _rekey(table: str, new_ids: dict[int, int]) -> None:
    connection = op.get_bind()
    for old, new in new_ids.items():
        # Table names come from this module's own lists, never from input.
        connection.execute(sa.text(f"UPDATE {table} SET id = :new WHERE id = :old"),  # noqa: S608  # nosec B608
                           {"new": new, "old": old})  # fmt: skip
        if table == "attachments":
            connection.execute(
                sa.text(
                    "UPDATE attachment_chunks SET attachment_id = :new WHERE attachment_id = :old"
                ),
                {"new": new, "old": old},
            )


def _random_ids(table: str) -> dict[int, int]:
    old = list(op.get_bind().scalars(sa.text(f"SELECT id FROM {table}")))  # noqa: S608  # nosec B608
    taken, mapping = set(old), {}
    for row_id in old:
        new = secrets.randbits(63)
        while new in taken:
            new = secrets.randbits(63)
        taken.add(new)
        mapping[row_id] = new
    return mapping


def upgrade() -> None:
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    for table in ORDERED:
        # Added NOT NULL with a default, which SQLite can do in place, without a rebuild.
        op.add_column(table, sa.Column("ordinal", sa.Integer(), nullable=False, server_default="0"))
        connection.execute(
            sa.text(
                f"UPDATE {table} SET ordinal = (SELECT count(*) FROM {table} AS o "  # noqa: S608  # nosec B608
                f"WHERE o.report_id = {table}.report_id AND o.id <= {table}.id)"
            )
        )
        if not sqlite:
            op.alter_column(table, "ordinal", server_default=None)
    if not sqlite:
        op.drop_constraint(_CHUNK_FK, "attachment_chunks", type_="foreignkey")
        for table in RANDOM:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id DROP DEFAULT")
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id TYPE BIGINT")
            op.execute(f"DROP SEQUENCE IF EXISTS {table}_id_seq")
        op.execute("ALTER TABLE attachment_chunks ALTER COLUMN attachment_id TYPE BIGINT")
    for table in RANDOM:
        _rekey(table, _random_ids(table))
    if not sqlite:
        op.create_foreign_key(
            _CHUNK_FK, "attachment_chunks", "attachments", ["attachment_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        return
    for table in ("reports", "attachment_chunks", "used_form_tokens"):
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_with_rowid": False}
        ):
            pass


def downgrade() -> None:
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    if not sqlite:
        op.drop_constraint(_CHUNK_FK, "attachment_chunks", type_="foreignkey")
    for table in RANDOM:
        # Back to small sequential ids, in each case's order (the old schema counts on them).
        order = "report_id, ordinal" if table in ORDERED else "report_id, id"
        query = f"SELECT id FROM {table} ORDER BY {order}"  # noqa: S608  # nosec B608
        rows = list(connection.scalars(sa.text(query)))
        _rekey(table, {old: -(index + 1) for index, old in enumerate(rows)})
        _rekey(table, {-(index + 1): index + 1 for index in range(len(rows))})
        if not sqlite:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id TYPE INTEGER")
            op.execute(f"CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id")
            op.execute(f"SELECT setval('{table}_id_seq', {len(rows) or 1}, {bool(rows)})")
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq')")
    if not sqlite:
        op.execute("ALTER TABLE attachment_chunks ALTER COLUMN attachment_id TYPE INTEGER")
        op.create_foreign_key(
            _CHUNK_FK, "attachment_chunks", "attachments", ["attachment_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
    for table in ORDERED:
        if sqlite:
            # SQLite drops a column in place when nothing refers to it, without a rebuild.
            op.execute(f"ALTER TABLE {table} DROP COLUMN ordinal")
        else:
            op.drop_column(table, "ordinal")

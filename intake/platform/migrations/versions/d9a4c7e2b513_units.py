"""units

Revision ID: d9a4c7e2b513
Revises: b3f8d1a6c4e7

An installation holds a tree of administrative units (docs/design.md, "Units"), each with its
own bureaus, staff and hotline tokens. An existing installation becomes a tree of one unit:
every bureau, member and token is put in it, and everything behaves as before. A bureau's
code is unique within its unit only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d9a4c7e2b513"
down_revision = "b3f8d1a6c4e7"
branch_labels = None
depends_on = None

# The one unit an existing installation migrates into (intake/domain/units.py, HOME). No id
# given: PostgreSQL's sequence hands it out, so the next unit added gets the next one.
_HOME = {"code": "home", "name": "本级", "level": "county", "parent_id": None}
_IN_UNITS = ("bureaus", "staff", "hotline_tokens")


def _drop_code_unique(batch_op: object, sqlite: bool) -> None:
    """The initial schema's unique constraint on bureaus.code had no name of its own."""
    name = "uq_bureaus_code" if sqlite else "bureaus_code_key"
    batch_op.drop_constraint(name, type_="unique")  # type: ignore[attr-defined]


def upgrade() -> None:
    units = op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["units.id"], name="fk_units_parent"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.bulk_insert(units, [_HOME])
    sqlite = op.get_bind().dialect.name == "sqlite"
    # On SQLite the unnamed constraint is found by this convention's name (batch mode reflects).
    convention = {"uq": "uq_%(table_name)s_%(column_0_name)s"} if sqlite else {}
    with op.batch_alter_table("bureaus", naming_convention=convention) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("name_zh", sa.String(length=100), nullable=True))
        _drop_code_unique(batch_op, sqlite)
        batch_op.create_unique_constraint("uq_bureaus_unit_code", ["unit_id", "code"])
        batch_op.create_foreign_key("fk_bureaus_unit_id_units", "units", ["unit_id"], ["id"])
    for table in ("staff", "hotline_tokens"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(f"fk_{table}_unit_id_units", "units", ["unit_id"], ["id"])
    # Everything that exists belongs to the home unit; from now on every row names its unit.
    for table in _IN_UNITS:
        # The table names are this module's constants, never input.
        home = "(SELECT id FROM units WHERE code = 'home')"
        op.execute(f"UPDATE {table} SET unit_id = {home}")  # noqa: S608  # nosec B608
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("unit_id", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM units")).scalar_one() > 1:
        raise RuntimeError("several units exist: a downgrade would merge their bureaus")
    with op.batch_alter_table("hotline_tokens") as batch_op:
        batch_op.drop_constraint("fk_hotline_tokens_unit_id_units", type_="foreignkey")
        batch_op.drop_column("unit_id")
    with op.batch_alter_table("staff") as batch_op:
        batch_op.drop_constraint("fk_staff_unit_id_units", type_="foreignkey")
        batch_op.drop_column("unit_id")
    with op.batch_alter_table("bureaus") as batch_op:
        batch_op.drop_constraint("fk_bureaus_unit_id_units", type_="foreignkey")
        batch_op.drop_constraint("uq_bureaus_unit_code", type_="unique")
        sqlite = bind.dialect.name == "sqlite"
        batch_op.create_unique_constraint(
            "uq_bureaus_code" if sqlite else "bureaus_code_key", ["code"]
        )
        batch_op.drop_column("name_zh")
        batch_op.drop_column("unit_id")
    op.drop_table("units")

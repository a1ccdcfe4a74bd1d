"""case key epochs and retention keys

Revision ID: d57ce54fbc8e
Revises: c3e8a5f1d920

Each case gets a key epoch (0 for every existing case: its key is its first epoch's), the
earlier keys of a re-keyed case, and a reporter public key (none for existing cases: their
reporter's copy stays sealed under the receipt key, so they are not re-keyed, see
intake/domain/keys/epochs.py). Retention keys: at upgrade, every bureau copy of a concluded,
not yet destroyed case is sealed once more to its bureau's key pair for the month of
conclusion, and the reporter's copy to the month's reporters' pair, as new conclusions are
(intake/domain/keys/periods.py). That needs no private key: the outer seal goes around each
copy as it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crypto import aead, keywrap

revision = "d57ce54fbc8e"
down_revision = "c3e8a5f1d920"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=True),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("wrapped_private", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["bureau_id"], ["bureaus.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "bureau_id"),
    )
    with op.batch_alter_table("retention_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_keys_period"), ["period"], unique=False)
    with op.batch_alter_table("report_key_wraps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_key_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_report_key_wraps_retention_key_id", "retention_keys", ["retention_key_id"], ["id"]
        )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key_epoch", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("earlier_keys", sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column("reporter_public_key", sa.LargeBinary(length=32), nullable=True)
        )
        batch_op.add_column(
            sa.Column("reporter_public_key_mac", sa.LargeBinary(length=32), nullable=True)
        )
    _seal_concluded_cases()


def _seal_concluded_cases() -> None:
    # The associated data is written out here, as intake/domain/keys/keyring.py has it today,
    # so this step keeps meaning what it meant when it was written.
    connection = op.get_bind()
    bureaus = {
        row.id: (row.code, row.public_key)
        for row in connection.execute(sa.text("SELECT id, code, public_key FROM bureaus"))
    }
    keys: dict[tuple[str, int | None], tuple[int, bytes]] = {}
    wraps = connection.execute(
        sa.text(
            "SELECT w.id, w.report_id, w.holder, w.bureau_id, w.wrapped, r.concluded_on "
            "FROM report_key_wraps w JOIN reports r ON r.id = w.report_id "
            "WHERE r.concluded_on IS NOT NULL AND r.destroyed_on IS NULL "
            "AND (w.bureau_id IS NOT NULL OR w.holder = 'reporter')"
        )
    ).all()
    for wrap in wraps:
        concluded = wrap.concluded_on
        period = concluded[:7] if isinstance(concluded, str) else concluded.strftime("%Y-%m")
        if (period, wrap.bureau_id) not in keys:
            private, public = keywrap.generate_keypair()
            if wrap.bureau_id is None:  # the reporters' pair: its private key in clear
                sealed = private
            else:
                code, bureau_public = bureaus[wrap.bureau_id]
                aad = aead.associated_data("retention-key", period, code, public)
                sealed = keywrap.seal_to(bureau_public, private, aad)
            key_id = connection.execute(
                sa.text(
                    "INSERT INTO retention_keys (period, bureau_id, public_key, wrapped_private) "
                    "VALUES (:period, :bureau, :public, :sealed) RETURNING id"
                ),
                {"period": period, "bureau": wrap.bureau_id, "public": public, "sealed": sealed},
            ).scalar_one()
            keys[(period, wrap.bureau_id)] = (key_id, public)
        key_id, public = keys[(period, wrap.bureau_id)]
        layered = keywrap.seal_to(
            public,
            wrap.wrapped,
            aead.associated_data("retention-layer", wrap.report_id, wrap.holder, period),
        )
        connection.execute(
            sa.text(
                "UPDATE report_key_wraps SET wrapped = :wrapped, retention_key_id = :key "
                "WHERE id = :id"
            ),
            {"wrapped": layered, "key": key_id, "id": wrap.id},
        )


def downgrade() -> None:
    # The older schema knows neither the outer seal nor epochs: opening them needs private
    # keys no migration holds. Say so rather than leave cases nobody could open.
    connection = op.get_bind()
    waiting = connection.scalar(
        sa.text(
            "SELECT (SELECT count(*) FROM reports WHERE key_epoch > 0 "
            "OR reporter_public_key IS NOT NULL) + (SELECT count(*) FROM retention_keys)"
        )
    )
    if waiting:
        raise RuntimeError(
            f"{waiting} case(s) or retention key(s) use key epochs or retention keys; the "
            "older schema cannot open them."
        )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("reporter_public_key_mac")
        batch_op.drop_column("reporter_public_key")
        batch_op.drop_column("earlier_keys")
        batch_op.drop_column("key_epoch")
    with op.batch_alter_table("report_key_wraps", schema=None) as batch_op:
        batch_op.drop_constraint("fk_report_key_wraps_retention_key_id", type_="foreignkey")
        batch_op.drop_column("retention_key_id")
    with op.batch_alter_table("retention_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_keys_period"))
    op.drop_table("retention_keys")

"""Alembic environment: the URL and connection come from intake.platform.migrate, never a file."""

from __future__ import annotations

from alembic import context

from intake.domain import models  # noqa: F401  (registers every table on Base.metadata)
from intake.domain.models import Base

config = context.config


def run_migrations_online() -> None:
    """Run migrations on the connection intake.platform.migrate hands over."""
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()

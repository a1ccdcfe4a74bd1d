"""Migrations: an empty database upgraded to head equals the models, and downgrades cleanly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from intake import migrate, models  # noqa: F401  (registers the tables)
from intake.db import Base
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'migrate.sqlite3'}")
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    yield engine
    engine.dispose()


def test_upgrading_an_empty_database_gives_exactly_the_models(engine: Engine) -> None:
    migrate.upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    assert set(inspect(engine).get_table_names()) == {*Base.metadata.tables, "alembic_version"}


def test_downgrading_to_base_removes_every_table(engine: Engine) -> None:
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert "reports" in inspect(engine).get_table_names()

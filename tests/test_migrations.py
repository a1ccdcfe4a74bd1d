"""Migrations: an empty database upgraded to head equals the models, and downgrades cleanly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, column, create_engine, insert, inspect, select, table, text

from intake.domain import models
from intake.domain.models import Base
from intake.platform import migrate
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


def test_steps_recorded_before_the_upgrade_get_their_case_facts(engine: Engine) -> None:
    migrate.upgrade(engine, "aef235bbb174")
    report = {
        "id": "r1", "reference": "QF-MIGRATE0001", "lookup_tag": b"\1" * 32, "channel": "hotline",
        "category": "kickbacks", "state": "received", "received_on": dt.date(2026, 3, 4),
        "decision_due": dt.date(2026, 3, 19), "lead_bureau_id": 1, "routing": {},
        "official_involved": False, "real_name": False, "content": b"", "extended": False,
        "major": False, "awaiting_staff": False,
    }  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(models.Bureau), {"id": 1, "code": "health", "public_key": b"k"})
        # The table as it was then (the model has columns added since).
        connection.execute(
            insert(
                table("reports", *(column(n, models.Report.__table__.c[n].type) for n in report))
            ),
            report,
        )
        connection.execute(
            text(
                "INSERT INTO events (report_id, kind, occurred_on, bureau, detail) "
                "VALUES ('r1', 'received', '2026-03-04', 'health', '{}')"
            )
        )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        step = connection.execute(
            select(models.Event.category, models.Event.channel, models.Event.received_on)
        ).one()
    assert tuple(step) == ("kickbacks", "hotline", dt.date(2026, 3, 4))


def test_a_downgrade_refuses_while_a_bureau_waits_for_its_founder(engine: Engine) -> None:
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(insert(models.Bureau), {"id": 1, "code": "health", "public_key": None})
    with pytest.raises(RuntimeError, match="still wait for their first enrolment"):
        migrate.downgrade(engine, "a47ef6909cc0")
    # Nothing was changed: the bureau is still there, still without a key.
    with engine.connect() as connection:
        assert connection.execute(select(models.Bureau.public_key)).scalar_one() is None

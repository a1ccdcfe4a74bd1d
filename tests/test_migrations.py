"""Migrations: an empty database upgraded to head equals the models, and downgrades cleanly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (
    Engine,
    TableClause,
    column,
    create_engine,
    event,
    insert,
    inspect,
    select,
    table,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto import aead, keywrap
from intake.domain import models
from intake.domain.cases.content import ReportContent
from intake.domain.cases.reports import field_aad, open_with_key
from intake.domain.keys import epochs, keyring, periods
from intake.domain.keys.keyring import wrap_aad
from intake.domain.models import Base, Report
from intake.platform import migrate
from tests.conftest import TEST_DATABASE_URL

OLD_CONTENT = ReportContent(what_happened="旧案(虚构)").to_bytes()


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
        connection.execute(
            insert(models.Bureau), {"id": 1, "code": "health", "public_key": None, "unit_id": 1}
        )
    with pytest.raises(RuntimeError, match="still wait for their first enrolment"):
        migrate.downgrade(engine, "a47ef6909cc0")
    # Nothing was changed: the bureau is still there, still without a key.
    with engine.connect() as connection:
        assert connection.execute(select(models.Bureau.public_key)).scalar_one() is None


def test_existing_rows_get_random_ids_and_ordinals_and_keep_their_files(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        # As in production (intake/platform/db.py): foreign keys enforced on every connection.
        event.listen(
            engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA foreign_keys=ON")
        )
        engine.dispose()
    migrate.upgrade(engine, "e5b0c1f2a7d3")
    report = {
        "id": "r1", "reference": "QF-MIGRATE0002", "lookup_tag": b"\2" * 32, "channel": "web",
        "category": "kickbacks", "state": "received", "received_on": dt.date(2026, 3, 4),
        "decision_due": dt.date(2026, 3, 19), "lead_bureau_id": 1, "routing": {},
        "official_involved": False, "real_name": False, "content": b"", "extended": False,
        "major": False, "awaiting_staff": False,
    }  # fmt: skip
    with engine.begin() as connection:
        bureau = {"id": 1, "code": "health", "public_key": b"k"}
        connection.execute(insert(old_table("bureaus", bureau)), bureau)
        connection.execute(insert(old_table("reports", report)), report)
        for kind in ("received", "reporter_message"):
            connection.execute(
                text(
                    "INSERT INTO events (report_id, kind, occurred_on, bureau, detail, category, "
                    "channel, received_on) VALUES ('r1', :kind, '2026-03-04', 'health', '{}', "
                    "'kickbacks', 'web', '2026-03-04')"
                ),
                {"kind": kind},
            )
        for body in (b"first", b"second"):
            connection.execute(
                text(
                    "INSERT INTO messages (report_id, author, occurred_on, body) "
                    "VALUES ('r1', 'reporter', '2026-03-04', :body)"
                ),
                {"body": body},
            )
        connection.execute(
            text(
                "INSERT INTO attachments (report_id, uid, author, kind, cleaned, size, chunks, "
                "added_on, name) VALUES ('r1', 'u1', 'reporter', 'pdf', false, 2, 2, "
                "'2026-03-04', :name)"
            ),
            {"name": b"n"},
        )
        attachment = connection.scalar(text("SELECT id FROM attachments"))
        for position in (0, 1):
            connection.execute(
                text("INSERT INTO attachment_chunks VALUES (:a, :p, :b)"),
                {"a": attachment, "p": position, "b": b"chunk"},
            )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        messages = connection.execute(text("SELECT id, ordinal, body FROM messages")).all()
        assert sorted((m.ordinal, bytes(m.body)) for m in messages) == [
            (1, b"first"),
            (2, b"second"),
        ]
        assert all(m.id > 2**20 for m in messages)
        events = connection.execute(text("SELECT kind, ordinal FROM events ORDER BY ordinal")).all()
        assert [tuple(e) for e in events] == [("received", 1), ("reporter_message", 2)]
        new_attachment = connection.scalar(text("SELECT id FROM attachments"))
        assert new_attachment != attachment
        chunks = connection.scalars(
            text("SELECT position FROM attachment_chunks WHERE attachment_id = :a"),
            {"a": new_attachment},
        ).all()
        assert sorted(chunks) == [0, 1]
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
            tables = dict(connection.execute(text("SELECT name, sql FROM sqlite_master")).all())
            assert "WITHOUT ROWID" in tables["attachment_chunks"]
            assert "WITHOUT ROWID" in tables["reports"]
            assert connection.scalar(text("SELECT count(*) FROM events")) == 2
            assert "WITHOUT ROWID" in tables["used_form_tokens"]
    migrate.downgrade(engine, "e5b0c1f2a7d3")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM attachment_chunks")) == 2
        assert sorted(connection.scalars(text("SELECT id FROM messages")).all()) == [1, 2]
    migrate.upgrade(engine)


def test_audit_events_written_before_numbers_are_numbered_in_order(engine: Engine) -> None:
    migrate.upgrade(engine, "b7d41c9e2a60")
    with engine.begin() as connection:
        for n, event_id in enumerate((3, 7, 12)):
            connection.execute(
                text(
                    "INSERT INTO audit_events (id, occurred_at, actor, action, detail, prev_hash, "
                    "hash) VALUES (:id, '2026-11-20 10:00:00', 'cli', 'test', '{}', :prev, :hash)"
                ),
                {"id": event_id, "prev": bytes([n]) * 32, "hash": bytes([n + 1]) * 32},
            )
        connection.execute(
            text("INSERT INTO audit_head (id, last_hash) VALUES (1, :h)"), {"h": b"\3" * 32}
        )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        numbers = connection.execute(
            select(models.AuditEvent.id, models.AuditEvent.seq).order_by(models.AuditEvent.id)
        ).all()
        head = connection.execute(
            select(models.AuditHead.count, models.AuditHead.first_numbered, models.AuditHead.mac)
        ).one()
    assert [tuple(row) for row in numbers] == [(3, 1), (7, 2), (12, 3)]
    # Their links stay as they were; the next event is the first whose link has its number.
    assert tuple(head) == (3, 4, None)


def test_existing_cases_keep_opening_and_concluded_ones_get_their_month_s_keys(
    engine: Engine,
) -> None:
    migrate.upgrade(engine, "e5b0c1f2a7d3")
    bureau_private, bureau_public = keywrap.generate_keypair()
    receipt_key, data_key = aead.new_data_key(), aead.new_data_key()

    def old_case(report_id: str, concluded_on: dt.date | None) -> dict[str, object]:
        return {
            "id": report_id, "reference": f"QF-{report_id}", "lookup_tag": report_id.encode() * 16,
            "channel": "web", "category": "kickbacks", "state": "received",
            "received_on": dt.date(2026, 3, 4), "decision_due": dt.date(2026, 3, 19),
            "lead_bureau_id": 1, "official_involved": False, "real_name": False,
            "routing": {"lead": "health", "co": [], "rule": "r", "taxonomy_version": 1},
            "content": aead.seal(data_key, OLD_CONTENT, field_aad(report_id, "content")),
            "extended": False, "major": False, "awaiting_staff": False,
            "concluded_on": concluded_on,
        }  # fmt: skip

    def old_wraps(report_id: str) -> list[dict[str, object]]:
        health, reporter = "bureau:health", "reporter"
        return [
            {"report_id": report_id, "holder": health, "bureau_id": 1, "lead": True,
             "wrapped": keywrap.seal_to(bureau_public, data_key, wrap_aad(report_id, health))},
            {"report_id": report_id, "holder": reporter, "bureau_id": None, "lead": False,
             "wrapped": aead.seal(receipt_key, data_key, wrap_aad(report_id, reporter))},
        ]  # fmt: skip

    cases = [old_case("r1", dt.date(2026, 5, 20)), old_case("r2", None)]
    with engine.begin() as connection:
        connection.execute(
            insert(models.Bureau), {"id": 1, "code": "health", "public_key": bureau_public}
        )
        connection.execute(insert(old_table("reports", cases[0])), cases)
        wraps = old_wraps("r1") + old_wraps("r2")
        connection.execute(insert(old_table("report_key_wraps", wraps[0])), wraps)
    migrate.upgrade(engine)

    with Session(engine) as session:
        concluded, open_case = session.get(Report, "r1"), session.get(Report, "r2")
        assert concluded is not None
        assert open_case is not None
        for report in (concluded, open_case):
            # Epoch 0: the key the case always had, for its bureau and for its reporter.
            assert report.key_epoch == 0
            assert keyring.data_key_for_bureau(report, "health", bureau_private) == data_key
            assert epochs.reporter_data_key(report, receipt_key) == data_key
            assert open_with_key(report, data_key).content.what_happened == "旧案(虚构)"
        # The concluded case's copies were sealed to May 2026's keys; the open one's were not.
        assert {w.retention_key.period for w in concluded.key_wraps if w.retention_key} == {
            "2026-05"
        }
        assert all(w.retention_key is None for w in open_case.key_wraps)
        # A case from before epochs has no reporter key to seal to: it keeps its key.
        # A case from before epochs has no reporter key to seal to: it keeps its key.
        assert epochs.rekey(open_case, data_key, b"s" * 32) == data_key
        # Purge destroys May's keys once the month is due: the old copies open nothing.
        assert periods.destroy_expired(session, dt.date(2026, 6, 30), 30) == []
        concluded.key_wraps.clear()
        session.flush()
        assert periods.destroy_expired(session, dt.date(2026, 6, 30), 30) == ["2026-05"]


def old_table(name: str, row: dict[str, object]) -> TableClause:
    """A table as it was before the newest migrations: only the columns `row` names."""
    columns = Base.metadata.tables[name].c
    return table(name, *(column(n, columns[n].type) for n in row))


def test_a_reward_recorded_in_yuan_is_kept_in_fen(engine: Engine) -> None:
    migrate.upgrade(engine, "312f692efbff")
    inspector = inspect(engine)
    required = {
        c["name"]: c["type"]
        for c in inspector.get_columns("reports")
        if not c["nullable"] and c.get("default") is None
    }
    case: dict[str, object] = {
        "id": "r1", "reference": "QF-R1", "lookup_tag": b"r" * 32, "channel": "web",
        "category": "insurance_fraud", "state": "concluded", "received_on": dt.date(2026, 3, 4),
        "decision_due": dt.date(2026, 3, 19), "lead_bureau_id": 1, "official_involved": False,
        "real_name": False, "routing": {"lead": "healthcare_security", "co": [], "rule": "r",
        "taxonomy_version": 1}, "content": b"sealed", "extended": False, "major": False,
        "awaiting_staff": False, "key_epoch": 0, "reward_amount": 5000,
        "reward_paid_on": dt.date(2026, 6, 1),
    }  # fmt: skip
    assert set(required) <= set(case), set(required) - set(case)
    with engine.begin() as connection:
        connection.execute(insert(models.Bureau), {"id": 1, "code": "healthcare_security"})
        connection.execute(insert(old_table("reports", case)), [case])
    migrate.upgrade(engine)
    with Session(engine) as session:
        report = session.get(Report, "r1")
        assert report is not None
        assert (report.reward_amount, report.reward_paid_on) == (5000_00, dt.date(2026, 6, 1))
        assert report.reward_approved_on is None
    migrate.downgrade(engine, "312f692efbff")
    with engine.connect() as connection:
        amount = connection.execute(text("SELECT reward_amount FROM reports")).scalar_one()
    assert amount == 5000


def test_an_existing_installation_becomes_a_tree_of_one_unit(engine: Engine) -> None:
    migrate.upgrade(engine, "c4e8b2f19d3a")
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    with engine.begin() as connection:
        for code in ("intake", "health"):
            bureau = {"code": code, "public_key": None}
            connection.execute(insert(old_table("bureaus", bureau)), bureau)
        member = {"username": "h-1", "role": "handler", "created_at": now, "active": True}
        member |= {"enrolled": False, "may_approve": False}
        connection.execute(insert(old_table("staff", member)), member)
    migrate.upgrade(engine)
    with Session(engine) as session:
        units = session.scalars(select(models.Unit)).all()
        assert [(u.code, u.parent_id) for u in units] == [("home", None)]
        bureaus = session.scalars(select(models.Bureau)).all()
        assert {b.unit_id for b in bureaus} == {units[0].id}
        assert session.scalars(select(models.StaffMember.unit_id)).all() == [units[0].id]
        # A bureau code is now unique within its unit: another unit may have its own health.
        other = models.Unit(code="other", name="乙县", level="county")
        session.add(other)
        session.flush()  # on PostgreSQL: the sequence gives the next id after the home unit's
        session.add(models.Bureau(code="health", unit_id=other.id))
        session.commit()
        session.add(models.Bureau(code="health", unit_id=other.id))
        with pytest.raises(IntegrityError):
            session.commit()


def test_months_kept_before_units_become_the_home_unit_s(engine: Engine) -> None:
    migrate.upgrade(engine, "d9a4c7e2b513")
    month = {
        "month": dt.date(2026, 3, 1), "counted_on": dt.date(2026, 4, 2),
        "figures": {"rows": [["health", "kickbacks", "web", {"received": 4}, []]]},
        "by_category": {"kickbacks": [4, 0]},
    }  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(old_table("statistic_months", month)), month)
    migrate.upgrade(engine)
    with Session(engine) as session:
        home = session.scalars(select(models.Unit).where(models.Unit.code == "home")).one()
        kept = session.get(models.StatisticMonth, (dt.date(2026, 3, 1), home.id))
        assert kept is not None
        assert kept.figures == month["figures"]
        # Another unit keeps its own March beside the home unit's.
        other = models.Unit(code="other", name="乙县", level="county")
        session.add(other)
        session.flush()
        theirs = models.StatisticMonth(
            month=dt.date(2026, 3, 1), unit_id=other.id, counted_on=dt.date(2026, 4, 2),
            figures={"rows": []},
        )  # fmt: skip
        session.add(theirs)
        session.commit()
        # The units migration goes back only with one unit left.
        session.delete(theirs)
        session.delete(other)
        session.commit()
    migrate.downgrade(engine, "d9a4c7e2b513")
    with engine.connect() as connection:
        kept_before = connection.execute(text("SELECT figures FROM statistic_months")).all()
    assert len(kept_before) == 1

"""Retention: a destroyed case can be opened by nobody; its metadata still counts."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session

import intake.platform.cli
from intake.domain.models import KeyWrap, Message, NameTag, Note, Report, base
from intake.domain.oversight import retention, statistics
from intake.platform import context, db
from intake.platform.context import today as china_today
from tests.console.console import Staff
from tests.helpers import check_status
from tests.security.test_anonymity import database_bytes
from tests.security.test_at_rest import encodings

SECRET = "应被销毁的举报内容(虚构测试)"


def concluded_long_ago(
    app: Flask, staff: Callable[[str], Staff], submit: Callable[..., tuple[str, str]], days: int
) -> tuple[str, str]:
    code, ref = submit(what_happened=SECRET)
    health = staff("health")
    health.act(ref, "accept")
    health.act(ref, "message", text="补充问题(虚构)")
    health.act(ref, "note", text="内部备注(虚构)")
    health.act(ref, "conclude", outcome="结论(虚构)", finding="substantiated", disposal="handled")
    with app.app_context():
        db.session().execute(
            update(Report)
            .where(Report.reference == ref)
            .values(concluded_on=china_today() - dt.timedelta(days=days))
        )
        db.session().commit()
    return code, ref


def test_purge_destroys_old_cases_and_nobody_can_open_them(
    app: Flask,
    client: FlaskClient,
    staff: Callable[[str], Staff],
    submit: Callable[..., tuple[str, str]],
) -> None:
    old_code, old = concluded_long_ago(app, staff, submit, days=800)
    young_code, young = concluded_long_ago(app, staff, submit, days=10)
    month = statistics.month_bounds(china_today().strftime("%Y-%m"))
    with app.app_context():
        before = statistics.compute(db.session(), *month).total.counts
        today = context_today(app)
        assert retention.purge(db.session(), today, 730, dry_run=True) == [old]
        assert retention.purge(db.session(), today, 730) == [old]
        assert retention.purge(db.session(), today, 730) == []
        after = statistics.compute(db.session(), *month).total.counts
        report = db.session().scalars(select(Report).where(Report.reference == old)).one()
        assert report.destroyed_on == today
        assert report.content == b""
        for table in (KeyWrap, Message, Note, NameTag):
            assert (
                db.session().scalars(select(table).where(table.report_id == report.id)).all() == []
            )
    assert before == after
    # The reporter is told, and reads nothing.
    response = check_status(client, old_code)
    assert response.status_code == 410
    assert SECRET not in response.get_data(as_text=True)
    # No staff member can open it either; the young case is untouched.
    assert staff("health").client.get(f"/admin/cases/{old}").status_code == 404
    assert staff("health").client.get(f"/admin/cases/{young}").status_code == 200
    assert check_status(client, young_code).status_code == 200


def test_a_destroyed_case_leaves_no_ciphertext_of_its_text(
    app: Flask, staff: Callable[[str], Staff], submit: Callable[..., tuple[str, str]]
) -> None:
    _code, ref = concluded_long_ago(app, staff, submit, days=800)
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        sealed = [report.content, *(w.wrapped for w in report.key_wraps)]
        sealed += [m.body for m in report.messages] + [n.body for n in report.notes]
        retention.purge(db.session(), context_today(app), 730)
    dump = database_bytes(app)
    for blob in sealed:
        assert blob[16:48] not in dump
    for encoded in encodings(SECRET):
        assert encoded not in dump


def test_the_purge_command(
    app: Flask,
    staff: Callable[[str], Staff],
    submit: Callable[..., tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _code, ref = concluded_long_ago(app, staff, submit, days=800)
    monkeypatch.setattr(intake.platform.cli, "create_app", lambda: app)
    dry = CliRunner().invoke(intake.platform.cli.main, ["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would destroy 1 case(s)" in dry.output
    assert ref in dry.output
    done = CliRunner().invoke(intake.platform.cli.main, ["purge"])
    assert "Destroyed 1 case(s)" in done.output


def context_today(app: Flask) -> dt.date:
    with app.test_request_context():
        return context.today()


def test_a_purge_whose_log_cannot_be_written_back_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite's own behaviour, whatever database the suite runs on: a reader that holds the
    # write-ahead log makes the checkpoint "busy", and the destroyed bytes stay in the log.
    monkeypatch.setattr(base, "CHECKPOINT_PAUSE", 0)
    path = tmp_path / "busy.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        connection.exec_driver_sql("CREATE TABLE t (x BLOB)")
        connection.exec_driver_sql("INSERT INTO t VALUES (x'00')")
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT * FROM t").fetchall()
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE t SET x = x'01'")
    with Session(engine) as session, pytest.raises(base.CheckpointBusy):
        base.write_back(session)
    assert path.with_name(path.name + "-wal").stat().st_size > 0
    reader.execute("COMMIT")
    reader.close()
    with Session(engine) as session:
        base.write_back(session)
    assert path.with_name(path.name + "-wal").stat().st_size == 0
    engine.dispose()

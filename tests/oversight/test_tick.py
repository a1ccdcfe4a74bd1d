"""`qingfeng tick`: each deadline flagged once; reminders name references, never content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select, text, update

import intake.platform.cli
from intake.domain.models import Event, Report, StaffMember
from intake.domain.oversight import tick
from intake.platform import context, db
from tests.conftest import make_settings
from tests.live import free_port

Submit = Callable[..., tuple[str, str]]


class Inbox(Sink):
    """Keeps what the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8")))
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _age(app: Flask, reference: str, days: int) -> None:
    with app.app_context():
        db.session().execute(
            update(Report)
            .where(Report.reference == reference)
            .values(decision_due=context_today(app) + dt.timedelta(days=days))
        )
        db.session().commit()


def context_today(app: Flask) -> dt.date:
    with app.test_request_context():
        return context.today()


def kinds(app: Flask, reference: str) -> list[str]:
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == reference)).one()
        return [
            e.kind for e in db.session().scalars(select(Event).where(Event.report_id == report.id))
        ]


def test_each_deadline_is_flagged_once(app: Flask, submit: Submit) -> None:
    _c, late = submit(what_happened="LATE-CASE secret text")
    _c, near = submit()
    _c, calm = submit()
    _age(app, late, -2)
    _age(app, near, 1)
    today = context_today(app)
    with app.app_context():
        first = tick.tick(db.session(), today)
        assert [r.reference for r in first.overdue] == [late]
        assert [r.reference for r in first.due_soon] == [near]
        second = tick.tick(db.session(), today)
        assert (second.overdue, second.due_soon) == ([], [])
    assert kinds(app, late).count("overdue") == 1
    assert kinds(app, near).count("due_soon") == 1
    assert "overdue" not in kinds(app, calm)
    assert "due_soon" not in kinds(app, calm)


def test_a_new_deadline_is_flagged_again(app: Flask, submit: Submit) -> None:
    _c, ref = submit()
    _age(app, ref, -1)
    today = context_today(app)
    with app.app_context():
        tick.tick(db.session(), today)
    _age(app, ref, -5)
    with app.app_context():
        assert [r.reference for r in tick.tick(db.session(), today).overdue] == [ref]


def test_reminders_go_to_the_bureau_and_hold_no_content(
    app: Flask, submit: Submit, inbox: tuple[Inbox, int], tmp_path
) -> None:
    handler, port = inbox
    _c, ref = submit(what_happened="机密举报内容不应出现在邮件中(虚构)")
    _age(app, ref, -1)
    with app.app_context():
        session = db.session()
        session.execute(
            update(StaffMember)
            .where(StaffMember.username == "demo-health")
            .values(email="health-desk@example.test")
        )
        session.execute(
            update(StaffMember)
            .where(StaffMember.username == "demo-finance")
            .values(email="finance-desk@example.test")
        )
        session.commit()
        result = tick.tick(session, context_today(app))
        settings = make_settings(
            tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False
        )
        sent = tick.notify(session, settings, result)
    assert sent == ["health-desk@example.test"]
    ((recipients, text),) = handler.messages
    assert recipients == ["health-desk@example.test"]
    assert ref in text
    assert f"/admin/cases/{ref}" in text
    assert "机密举报内容" not in text
    assert "=E6=9C=BA" not in text  # nor quoted-printable of it


def test_without_smtp_nothing_is_sent(app: Flask, submit: Submit) -> None:
    _c, ref = submit()
    _age(app, ref, -1)
    with app.app_context():
        result = tick.tick(db.session(), context_today(app))
        assert tick.notify(db.session(), context.settings(), result) == []


def test_the_tick_command(app: Flask, submit: Submit, monkeypatch: pytest.MonkeyPatch) -> None:
    _c, ref = submit()
    _age(app, ref, -1)
    monkeypatch.setattr(intake.platform.cli, "create_app", lambda: app)
    result = CliRunner().invoke(intake.platform.cli.main, ["tick"])
    assert result.exit_code == 0, result.output
    assert "1 newly overdue" in result.output


def test_the_tick_command_refreshes_sqlites_planner_statistics(
    app: Flask, submit: Submit, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit()
    monkeypatch.setattr(intake.platform.cli, "create_app", lambda: app)
    assert CliRunner().invoke(intake.platform.cli.main, ["tick"]).exit_code == 0
    with app.app_context():
        session = db.session()
        if session.get_bind().dialect.name != "sqlite":
            return  # PostgreSQL's autovacuum keeps its own statistics
        analysed = session.execute(text("SELECT DISTINCT tbl FROM sqlite_stat1")).scalars()
        assert {"reports", "events", "report_key_wraps"} <= set(analysed)


def test_both_deadlines_are_flagged_deciding_and_concluding(app: Flask, submit: Submit) -> None:
    _c, deciding = submit()
    _c, concluding = submit()
    _c, concluding_soon = submit()
    _age(app, deciding, -1)
    today = context_today(app)
    with app.app_context():
        for reference, due_in in ((concluding, -1), (concluding_soon, 2)):
            db.session().execute(
                update(Report)
                .where(Report.reference == reference)
                .values(state="accepted", accepted_on=today - dt.timedelta(days=30),
                        conclusion_due=today + dt.timedelta(days=due_in))
            )  # fmt: skip
        db.session().commit()
        result = tick.tick(db.session(), today)
        assert sorted(r.reference for r in result.overdue) == sorted([deciding, concluding])
        assert [r.reference for r in result.due_soon] == [concluding_soon]
        stages = {
            (e.report.reference, e.kind): e.value
            for e in db.session().scalars(select(Event).where(Event.kind != "received"))
        }
    assert stages == {
        (deciding, "overdue"): "decision",
        (concluding, "overdue"): "conclusion",
        (concluding_soon, "due_soon"): "conclusion",
    }

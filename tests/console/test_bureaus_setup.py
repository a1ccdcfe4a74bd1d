"""`qingfeng bureaus setup`: bureaus founded by their first member, and reports meanwhile.

A bureau is created without a key; its founder's enrolment makes the key pair, sealed to the
founder alone. Until then its reports go to the intake desk, which transfers them once the
bureau is ready; until the desk itself is ready, nothing can be taken (tests/public).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

import admin.setup_cli
from admin.cli import main
from intake.domain.cases.taxonomy import DEFAULT_PATH, load_taxonomy
from intake.domain.installation import DemoAccount
from intake.domain.models import AuditEvent, Bureau, Report, StaffMember
from intake.domain.setup import readiness
from intake.platform import db
from intake.platform.factory import create_app
from tests.conftest import TEST_DATABASE_URL, make_settings
from tests.console.console import Staff
from tests.helpers import VALID_REPORT, post_report, receipt_of
from tests.installation import founder_staff, real_installation

#: One account line, as the demo prints them: name, "password", the password, the role.
ACCOUNT_LINE = re.compile(r"^  (\S+)\s+password (\S+)  \((intake|handler)\)$", re.MULTILINE)


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """An installation with its tables and nothing else."""
    app = create_app(make_settings(tmp_path))
    with app.app_context():
        database = db.database()
        if TEST_DATABASE_URL:
            from intake.domain.models import Base

            Base.metadata.drop_all(database.engine)
        database.create_all()
    yield app
    app.extensions["qingfeng.db"].engine.dispose()


def run_setup(app: Flask, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(admin.setup_cli, "create_app", lambda: app)
    result = CliRunner().invoke(main, ["bureaus", "setup"])
    assert result.exit_code == 0, result.output
    return result.output


def test_setup_creates_every_bureau_with_a_founder_and_prints_each_password_once(
    empty_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = run_setup(empty_app, monkeypatch)
    accounts = ACCOUNT_LINE.findall(output)
    taxonomy = empty_app.extensions["qingfeng.taxonomy"]
    assert len(accounts) == len(taxonomy.bureaus) == 9
    assert ("intake-1", accounts[0][1], "intake") == accounts[0]
    assert all(role == "handler" for _name, _password, role in accounts[1:])
    # What each bureau handles, from the taxonomy.
    assert "县医疗保障局 [healthcare_security]: 欺诈骗保" in output
    assert "县卫生健康局 [health]: 药械回扣、" in output
    with empty_app.app_context():
        session = db.session()
        bureaus = session.scalars(select(Bureau)).all()
        assert {b.code for b in bureaus} == {b.code for b in taxonomy.bureaus}
        assert all(b.public_key is None and b.founder is not None for b in bureaus)
        # The passwords are stored nowhere, and no account holds a key.
        dump = b"".join(
            m.password_verifier or b"" for m in session.scalars(select(StaffMember)).all()
        )
        for _name, password, _role in accounts:
            assert password.encode() not in dump
        assert all(m.public_key is None for m in session.scalars(select(StaffMember)).all())
        created = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "account_created")
        ).all()
        assert len(created) == 9
    # Run again: nothing new, no password shown again.
    again = run_setup(empty_app, monkeypatch)
    assert ACCOUNT_LINE.findall(again) == []
    assert "nothing was created" in again


def test_every_founder_logs_in_with_exactly_the_password_setup_printed(
    empty_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts = ACCOUNT_LINE.findall(run_setup(empty_app, monkeypatch))
    assert len(accounts) == 9
    for username, password, role in accounts:
        founder = Staff(empty_app, DemoAccount(username, password, None, "", role))
        founder.enrol_through_the_pages()  # fails unless the printed password logs in
    with empty_app.app_context():
        state = readiness(db.session(), empty_app.extensions["qingfeng.taxonomy"])
    # Every founder's enrolment made their bureau's key: the installation is complete.
    assert state.takes_reports
    assert state.waiting == ()
    assert state.missing == ()


def test_run_again_after_the_taxonomy_gains_a_bureau_it_adds_just_that_one(
    empty_app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run_setup(empty_app, monkeypatch)
    bigger = tmp_path / "taxonomy.toml"
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    text = text.replace(
        "[[categories]]",
        '[[bureaus]]\ncode = "audit"\nname_zh = "县审计局"\nname_en = "County Audit Bureau"\n\n'
        "[[categories]]",
        1,
    )
    bigger.write_text(text, encoding="utf-8")
    settings = empty_app.extensions["qingfeng.settings"]
    grown = create_app(settings, taxonomy=load_taxonomy(bigger))
    try:
        output = run_setup(grown, monkeypatch)
    finally:
        grown.extensions["qingfeng.db"].engine.dispose()
    assert [name for name, _p, _r in ACCOUNT_LINE.findall(output)] == ["audit-1"]
    assert "县审计局 [audit]" in output


def test_a_founder_s_enrolment_makes_the_bureau_key_sealed_to_them_alone(
    tmp_path: Path,
) -> None:
    with real_installation(tmp_path) as (app, founders, _admin_password):
        health = founder_staff(app, founders["health"])
        with app.app_context():
            state = readiness(db.session(), app.extensions["qingfeng.taxonomy"])
        assert state.ready
        assert not state.takes_reports
        assert {w.code for w in state.waiting} == set(founders)
        health.enrol_through_the_pages()
        with app.app_context():
            session = db.session()
            bureau = session.scalars(select(Bureau).where(Bureau.code == "health")).one()
            assert bureau.public_key is not None
            holders = [
                m.username
                for m in session.scalars(select(StaffMember)).all()
                if any(x.bureau_id == bureau.id for x in m.memberships)
            ]
            assert holders == [founders["health"].username]
            founded = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "bureau_founded")
            ).all()
            assert [e.detail["bureau"] for e in founded] == ["health"]
            state = readiness(session, app.extensions["qingfeng.taxonomy"])
        assert "health" not in {w.code for w in state.waiting}
        bureaus_page = health.client.get("/admin/bureaus").get_data(as_text=True)
        assert founders["intake"].username in bureaus_page  # the desk still waits for them


def test_reports_for_a_bureau_without_a_key_go_to_the_desk_until_it_is_ready(
    tmp_path: Path,
) -> None:
    with real_installation(tmp_path) as (app, founders, _admin_password):
        desk = founder_staff(app, founders["intake"])
        desk.enrol_through_the_pages()
        reporter = app.test_client()
        receipt = post_report(reporter, category="kickbacks")  # routed to health
        assert receipt.status_code == 200
        assert "综合受理" in receipt.get_data(as_text=True)  # the desk holds it
        receipt_of(receipt)
        with app.app_context():
            report = db.session().scalars(select(Report)).one()
            reference = report.reference
            assert report.lead_bureau.code == "intake"
            assert report.routing["lead"] == "health"
            assert report.routing["rule"] == "category:kickbacks+lead_not_ready"

        case = desk.client.get(f"/admin/cases/{reference}")
        assert case.status_code == 200
        page = case.get_data(as_text=True)
        assert "承办单位尚无密钥，暂由综合受理保管" in page  # +lead_not_ready, in words
        assert 'class="lead-not-ready"' in page
        # Health has no key: it is offered neither for transfer nor sharing, nor can be forced.
        assert '<option value="health"' not in page
        assert '<option value="healthcare_security"' not in page
        refused = desk.act(reference, "transfer", bureau="health")
        assert refused.status_code == 422

        health = founder_staff(app, founders["health"])
        health.enrol_through_the_pages()
        moved = desk.act(reference, "transfer", bureau="health")
        assert moved.status_code == 303, moved.get_data(as_text=True)
        assert health.client.get(f"/admin/cases/{reference}").status_code == 200
        assert VALID_REPORT["what_happened"] in health.client.get(
            f"/admin/cases/{reference}"
        ).get_data(as_text=True)
        after = health.client.get(f"/admin/cases/{reference}").get_data(as_text=True)
        assert 'class="lead-not-ready"' not in after


def test_serve_refuses_an_installation_that_is_not_ready_naming_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intake.platform import cli

    app = create_app(make_settings(tmp_path))
    with app.app_context():
        engine = db.database().engine
        if TEST_DATABASE_URL:
            from sqlalchemy import text

            from intake.domain.models import Base

            with engine.begin() as connection:
                Base.metadata.drop_all(connection)
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    monkeypatch.setattr(cli, "create_app", lambda: app)
    monkeypatch.setattr(admin.setup_cli, "create_app", lambda: app)
    import admin.cli as staff_cli

    monkeypatch.setattr(staff_cli, "create_app", lambda: app)
    execs: list[object] = []
    monkeypatch.setattr("os.execv", lambda *args: execs.append(args))
    runner = CliRunner()
    try:
        first = runner.invoke(main, ["serve"])
        assert first.exit_code == 1
        assert "qingfeng staff create-admin NAME" in first.output
        assert "qingfeng bureaus setup" in first.output
        assert runner.invoke(main, ["staff", "create-admin", "first-admin"]).exit_code == 0
        second = runner.invoke(main, ["serve"])
        assert second.exit_code == 1
        assert "create-admin" not in second.output
        assert "qingfeng bureaus setup" in second.output
        assert execs == []
        assert runner.invoke(main, ["bureaus", "setup"]).exit_code == 0
        third = runner.invoke(main, ["serve"])
        assert third.exit_code == 0, third.output
        # It starts, and says who must still enrol before reports can be taken.
        assert "intake: no key yet: waiting for its founder intake-1" in third.output
        assert "Reports are refused" in third.output
        assert len(execs) == 1
        listing = runner.invoke(main, ["bureaus", "list"])
        assert "waiting for its founder health-1" in listing.output
    finally:
        app.extensions["qingfeng.db"].engine.dispose()


def test_a_reset_founder_gets_a_new_temporary_password_and_still_founds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with real_installation(tmp_path) as (app, founders, _admin_password):
        import admin.cli as staff_cli

        monkeypatch.setattr(staff_cli, "create_app", lambda: app)
        result = CliRunner().invoke(main, ["staff", "reset-password", founders["health"].username])
        assert result.exit_code == 0, result.output
        printed = result.output.split("shown only now: ")[1].split()[0]
        founder = founder_staff(app, founders["health"])
        founder.password = printed
        founder.enrol_through_the_pages()
        with app.app_context():
            bureau = db.session().scalars(select(Bureau).where(Bureau.code == "health")).one()
            assert bureau.public_key is not None


def test_a_founder_deactivated_before_enrolling_is_replaced_by_setup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with real_installation(tmp_path) as (app, founders, _admin_password):
        import admin.cli as staff_cli

        monkeypatch.setattr(staff_cli, "create_app", lambda: app)
        runner = CliRunner()
        gone = founders["finance"].username
        assert runner.invoke(main, ["staff", "deactivate", gone]).exit_code == 0
        output = run_setup(app, monkeypatch)
        assert [name for name, _p, _r in ACCOUNT_LINE.findall(output)] == ["finance-2"]
        password = ACCOUNT_LINE.findall(output)[0][1]
        newcomer = Staff(app, founder_staff(app, founders["finance"]).account)
        newcomer.username, newcomer.password = "finance-2", password
        newcomer.enrol_through_the_pages()
        with app.app_context():
            bureau = db.session().scalars(select(Bureau).where(Bureau.code == "finance")).one()
            assert bureau.public_key is not None
            assert bureau.founder is not None
            assert bureau.founder.username == "finance-2"

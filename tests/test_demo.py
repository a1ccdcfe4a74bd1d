"""`qingfeng demo` as someone trying the product sees it: a quiet screen that ends with the
accounts, framed, each saying what it handles, passwords that log in, `--reset` to start
over, and invented sample cases in every state so that no page is empty on first look."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import secrets
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import func, make_url, select

from intake.config import Settings
from intake.domain import demo_cases
from intake.domain.cases.lifecycle import State
from intake.domain.cases.outcomes import AMOUNTS
from intake.domain.cases.reports import open_with_key
from intake.domain.codes import Finding
from intake.domain.demo_cases import MARK
from intake.domain.installation import DemoAccount
from intake.domain.keys.keyring import bureau_private_key, data_key_for_bureau, unlock_staff_key
from intake.domain.labels import MEASURE_NAMES, STAT_COLUMNS
from intake.domain.models import Bureau, Message, Report, StaffMember
from intake.domain.oversight.due import overdue
from intake.platform import context, db
from intake.platform.cli import RULE
from intake.platform.context import today as china_today
from intake.platform.factory import create_app
from tests.conftest import TEST_DATABASE_URL
from tests.console.console import Staff, post
from tests.live import CHEAP_KDF, _create_database, _drop_database

#: One account line: name, "password", the password, the role.
ACCOUNT = re.compile(r"^  (\S+)\s+password (\S+)  \((\w+)\)$", re.MULTILINE)


@dataclass
class Demo:
    env: dict[str, str]
    database: str | None

    def run(self, *args: str) -> str:
        """`qingfeng demo --no-serve ARGS`, as typed; everything it printed, both streams."""
        result = subprocess.run(
            [sys.executable, "-m", "intake.platform.cli", "demo", "--no-serve", *args],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            timeout=300, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout
        return result.stdout

    def app(self) -> Flask:
        app = create_app(Settings.from_env(self.env))
        app.config["TESTING"] = True
        return app


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    env = {**os.environ, "QINGFENG_INSTANCE": str(tmp_path / "instance"), **CHEAP_KDF}
    env.pop("DATABASE_URL", None)
    database = None
    if TEST_DATABASE_URL:
        name = f"{make_url(TEST_DATABASE_URL).database}_live_demo_{secrets.token_hex(3)}"
        database = _create_database(name)
        env["DATABASE_URL"] = database
    try:
        yield Demo(env, database)
    finally:
        if database:
            _drop_database(database)


def accounts_of(output: str) -> dict[str, DemoAccount]:
    return {
        name: DemoAccount(name, password, None, "", role)
        for name, password, role in ACCOUNT.findall(output)
    }


def logs_in(app: Flask, account: DemoAccount) -> bool:
    """Whether the password opens the account (a temporary one leads to enrolment)."""
    response = post(
        app.test_client(),
        "/admin/login",
        {"username": account.username, "password": account.password, "code": ""},
    )
    return response.status_code == 303 and response.headers["Location"].endswith("/admin/enrol")


def test_the_demo_screen_is_quiet_and_ends_with_the_accounts_framed(demo: Demo) -> None:
    output = demo.run()
    # No migration log, no logging at all.
    assert "alembic" not in output
    assert "INFO" not in output
    lines = output.rstrip("\n").splitlines()
    # The accounts come last, between two rules.
    assert lines[-1] == RULE
    top = lines.index(RULE)
    assert top < len(lines) - 1
    framed = "\n".join(lines[top:])
    accounts = accounts_of(output)
    assert len(accounts) == 11
    assert set(accounts_of(framed)) == set(accounts)
    # Each account line follows a line saying what it handles.
    said = {
        lines[i + 1].split()[0]: lines[i]
        for i in range(top, len(lines) - 1)
        if ACCOUNT.match(lines[i + 1])
    }
    assert said["demo-healthcare-security"].startswith("  县医疗保障局：欺诈骗保")
    assert said["demo-health"].startswith("  县卫生健康局：药械回扣")
    assert "监督" in said["demo-supervisor"]
    assert "账户" in said["demo-admin"]
    assert "42 invented cases" in output


def test_every_account_logs_in_with_exactly_the_printed_password(demo: Demo) -> None:
    accounts = accounts_of(demo.run())
    app = demo.app()
    try:
        for account in accounts.values():
            staff = Staff(app, account)
            staff.enrol_through_the_pages()  # fails unless the printed password logs in
            assert staff.client.get("/admin/password").status_code == 200
    finally:
        app.extensions["qingfeng.db"].engine.dispose()


def test_a_second_run_says_how_to_get_new_passwords_and_reset_gives_them(demo: Demo) -> None:
    first = accounts_of(demo.run())
    again = demo.run()
    assert accounts_of(again) == {}
    assert "qingfeng demo --reset" in again
    assert again.rstrip("\n").splitlines()[-1] == RULE

    reset = accounts_of(demo.run("--reset"))
    assert set(reset) == set(first)
    app = demo.app()
    try:
        for name, account in reset.items():
            assert account.password != first[name].password
            assert logs_in(app, account), name
            assert not logs_in(app, first[name]), name
        with app.app_context():
            # Started over: one set of accounts and one set of sample cases, not two.
            session = db.session()
            assert session.scalar(select(func.count()).select_from(StaffMember)) == 11
            assert session.scalar(select(func.count()).select_from(Report)) == 42
    finally:
        app.extensions["qingfeng.db"].engine.dispose()


def test_reset_refuses_a_real_installation(demo: Demo, tmp_path: Path) -> None:
    app = demo.app()
    try:
        with app.app_context():
            db.database().upgrade()
        founders = subprocess.run(
            [sys.executable, "-c", "from admin.cli import main; main()", "bureaus", "setup"],
            env=demo.env, capture_output=True, text=True, check=True, timeout=120,
        ).stdout  # fmt: skip
        assert len(ACCOUNT.findall(founders)) == 9
        result = subprocess.run(
            [sys.executable, "-m", "intake.platform.cli", "demo", "--no-serve", "--reset"],
            env=demo.env, capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        assert result.returncode != 0
        assert "not a demo installation" in result.stderr
        with app.app_context():
            assert db.session().scalar(select(func.count()).select_from(Bureau)) == 9
    finally:
        app.extensions["qingfeng.db"].engine.dispose()


def test_sample_cases_in_every_state_sealed_and_marked_as_demo_data(demo: Demo) -> None:
    accounts = accounts_of(demo.run())
    app = demo.app()
    try:
        with app.app_context():
            session = db.session()
            reports = session.scalars(select(Report)).all()
            assert len(reports) == 42
            states = {r.state for r in reports}
            assert states >= {
                State.RECEIVED, State.ACCEPTED, State.IN_PROGRESS, State.TRANSFERRED,
                State.HANDED_OVER, State.NOT_ACCEPTED, State.CONCLUDED,
            }  # fmt: skip
            assert {r.finding for r in reports if r.state == State.CONCLUDED} == set(Finding)
            assert any(r.reward_claim is not None for r in reports)
            authors = {m.author for m in session.scalars(select(Message))}
            assert authors == {"staff", "reporter"}
            today = context.today()
            assert session.scalar(select(func.count()).select_from(Report).where(overdue(today)))
            received = sorted(r.received_on for r in reports)
            assert (today - received[0]).days <= 92
            assert (today - received[0]).days >= 80
            assert received[-1] <= today
            # Sealed like a real report: the text is not in the row, and the bureau opens it.
            member = session.scalars(
                select(StaffMember).where(StaffMember.username == "demo-healthcare-security")
            ).one()
            staff_key = unlock_staff_key(member, accounts[member.username].password)
            bureau_key = bureau_private_key(session, member, staff_key, "healthcare_security")
            mine = [r for r in reports if r.lead_bureau.code == "healthcare_security"]
            assert mine
            for report in mine:
                assert MARK.encode() not in report.content
                opened = open_with_key(
                    report, data_key_for_bureau(report, "healthcare_security", bureau_key)
                )
                assert opened.content.what_happened.startswith(MARK)
    finally:
        app.extensions["qingfeng.db"].engine.dispose()


def test_every_page_shows_something_on_first_look(demo: Demo) -> None:
    accounts = accounts_of(demo.run())
    app = demo.app()
    try:
        figures = app.test_client().get("/figures").get_data(as_text=True)
        shown = [int(n) for n in re.findall(r"<td>(\d+) / ", figures)]
        assert shown
        assert max(shown) >= 5
        health = Staff(app, accounts["demo-healthcare-security"])
        health.login()
        queue = health.client.get("/admin/queue").get_data(as_text=True)
        assert len(set(re.findall(r"QF-[A-Z0-9]{8}", queue))) >= 3
        supervisor = Staff(app, accounts["demo-supervisor"])
        supervisor.login()
        board = supervisor.client.get("/admin/overdue").get_data(as_text=True)
        assert re.search(r"QF-[A-Z0-9]{8}", board)
        stats = supervisor.client.get("/admin/stats").get_data(as_text=True)
        assert re.search(r"<td[^>]*>[1-9]\d*</td>", stats)
    finally:
        app.extensions["qingfeng.db"].engine.dispose()


def planned_outcomes() -> tuple[Counter[str], int]:
    """The sample cases' own numbers, from the plan alone: each measure summed, and how many
    cases were found (partly) substantiated."""
    totals: Counter[str] = Counter()
    found = 0
    for number, (_days, category, fate) in enumerate(demo_cases.PLAN):
        finding = demo_cases.sample_finding(number, fate)
        if finding in (Finding.SUBSTANTIATED, Finding.PARTLY_SUBSTANTIATED):
            found += 1
            totals.update(demo_cases.MEASURES.get(category, {}))
    return totals, found


def sheet(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))


def test_the_demo_ledger_and_statistics_show_the_sample_outcomes(demo: Demo) -> None:
    accounts = accounts_of(demo.run())
    app = demo.app()
    measures, found = planned_outcomes()
    assert found >= 5
    assert len(measures) >= 6
    try:
        supervisor = Staff(app, accounts["demo-supervisor"])
        supervisor.login()
        today = china_today()
        first = (today - dt.timedelta(days=95)).strftime("%Y-%m")
        url = f"/admin/stats/export?month={first}&to={today:%Y-%m}&format=xlsx"
        header, *_rows, total = sheet(supervisor.client.get(url).get_data())
        figures = dict(zip(header, total, strict=True))
        with app.test_request_context(), force_locale("zh_CN"):
            names = {kind: str(STAT_COLUMNS[kind]) for kind in STAT_COLUMNS}
            ledger_names = {str(MEASURE_NAMES[k]): k for k in MEASURE_NAMES}
        for kind, planned in measures.items():
            shown = figures[names[kind]]
            assert shown == (planned / 100 if kind in AMOUNTS else planned), kind
        assert figures[names["rectification_items"]] == 2 * found
        assert figures[names["rectification_done"]] == found
        assert figures[names["cases_with_measures"]] == found
        assert figures[names["cases_opened"]] > 0
        # The 台账 of every bureau: the same measures, and the hand-over with letter and reply.
        in_ledger: Counter[str] = Counter()
        hand_overs = []
        with app.app_context():
            codes = db.session().scalars(select(Bureau.code)).all()
        for code in codes:
            head, *lines = sheet(
                supervisor.client.get(f"/admin/ledger?bureau={code}&format=xlsx").get_data()
            )
            for line in lines:
                row = dict(zip(head, line, strict=True))
                for part in (row["处理措施"] or "").split("；") if row["处理措施"] else []:
                    name, value = part.rsplit(" ", 1)
                    kind = ledger_names[name]
                    in_ledger[kind] += round(float(value) * 100) if kind in AMOUNTS else int(value)
                if row["移送去向"]:
                    hand_overs.append(row["移送去向"])
        assert in_ledger == measures
        assert any(demo_cases.LETTER in h and "立案" in h for h in hand_overs), hand_overs
        published = app.test_client().get("/typical-cases").get_data(as_text=True)
        assert "某民营医院虚构住院套取医保基金案" in published
    finally:
        app.extensions["qingfeng.db"].engine.dispose()

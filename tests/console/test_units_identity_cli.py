"""`qingfeng units add|set` give a unit its own public identity and host name (docs/operations.md,
"Several counties"); a bad or taken host is refused with a clear message and nothing changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import select

import admin.units_cli
from admin.cli import main
from intake.domain.models import AuditEvent, Unit
from intake.platform import db

#: `qingfeng units …` with these arguments, against the test's app.
Run = Callable[..., Result]


@pytest.fixture
def run(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setattr(admin.units_cli, "create_app", lambda: app)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, ["units", *args])


def _unit(app: Flask, code: str) -> Unit:
    with app.app_context():
        unit = db.session().scalars(select(Unit).where(Unit.code == code)).one()
        db.session().expunge(unit)
        return unit


def _audited(app: Flask, action: str) -> list[dict[str, object]]:
    with app.app_context():
        rows = db.session().scalars(select(AuditEvent).where(AuditEvent.action == action))
        return [row.detail for row in rows]


def _refused(result: Result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_unit_is_added_with_its_own_identity_and_host(app: Flask, run: Run) -> None:
    added = run(
        "add", "bingxian", "丙县（虚构）",
        "--issuer", "丙县纪委监委（虚构）", "--host", "BingXian.Example.Test.",
        "--hotline", "0000-7654321",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    unit = _unit(app, "bingxian")
    assert (unit.issuer, unit.host, unit.hotline_number) == (
        "丙县纪委监委（虚构）",
        "bingxian.example.test",
        "0000-7654321",
    )
    assert (unit.issuer_en, unit.address) == (None, None)  # the installation's
    detail = _audited(app, "unit_added")[-1]
    assert detail["host"] == "bingxian.example.test"
    assert "bingxian.example.test" in run("list").output


def test_units_set_changes_and_clears_the_identity_and_audits_it(app: Flask, run: Run) -> None:
    changed = run(
        "set", "home", "--issuer", "本级纪委监委（虚构）", "--issuer-en", "Home (invented)",
        "--address", "人民路1号（虚构）", "--host", "jubao.example.test",
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert "host = jubao.example.test" in changed.output
    unit = _unit(app, "home")
    assert (unit.issuer, unit.issuer_en, unit.address, unit.host) == (
        "本级纪委监委（虚构）",
        "Home (invented)",
        "人民路1号（虚构）",
        "jubao.example.test",
    )
    assert _audited(app, "unit_changed")[-1] == {
        "unit": "home",
        "issuer": "本级纪委监委（虚构）",
        "issuer_en": "Home (invented)",
        "address": "人民路1号（虚构）",
        "host": "jubao.example.test",
    }
    # An empty value clears a field (the installation's shows again); others stay.
    cleared = run("set", "home", "--host", "", "--issuer-en", "")
    assert cleared.exit_code == 0, cleared.output
    assert "host cleared" in cleared.output
    unit = _unit(app, "home")
    assert (unit.host, unit.issuer_en, unit.issuer) == (None, None, "本级纪委监委（虚构）")
    assert _audited(app, "unit_changed")[-1] == {"unit": "home", "host": None, "issuer_en": None}
    # The same again changes nothing and records nothing.
    again = run("set", "home", "--host", "")
    assert again.exit_code == 0
    assert "nothing changed" in again.output
    assert len(_audited(app, "unit_changed")) == 2


@pytest.mark.parametrize(
    "host",
    [
        "jubao.example.test:8443",
        "https://jubao.example.test",
        "jubao.example.test/report",
        "ju_bao.example.test",
        "-jubao.example.test",
        "jubao..example.test",
        "192.0.2.1",
        "x" * 64 + ".example.test",
    ],
)
def test_a_host_that_is_not_a_plain_dns_name_is_refused(app: Flask, run: Run, host: str) -> None:
    _refused(run("set", "home", "--host", host, "--issuer", "不应保存（虚构）"), "not a DNS name")
    unit = _unit(app, "home")
    assert (unit.host, unit.issuer) == (None, None)  # nothing changed, not even the issuer
    assert _audited(app, "unit_changed") == []
    _refused(run("add", "dingxian", "丁县（虚构）", "--host", host), "not a DNS name")
    with app.app_context():
        assert db.session().scalars(select(Unit).where(Unit.code == "dingxian")).first() is None


def test_a_host_another_unit_has_is_refused(app: Flask, run: Run) -> None:
    assert run("set", "home", "--host", "jubao.example.test").exit_code == 0
    assert run("add", "bingxian", "丙县（虚构）").exit_code == 0
    taken = run("set", "bingxian", "--host", "JUBAO.example.test")
    _refused(taken, "host 'jubao.example.test' belongs to unit 'home' already")
    assert _unit(app, "bingxian").host is None
    _refused(run("add", "dingxian", "丁县（虚构）", "--host", "jubao.example.test"), "already")
    # Its own host again is no conflict.
    assert run("set", "home", "--host", "jubao.example.test").exit_code == 0


def test_units_set_says_what_is_wrong(app: Flask, run: Run) -> None:
    nothing = run("set", "home")
    assert nothing.exit_code == 2
    assert "nothing to change" in nothing.output
    _refused(run("set", "nowhere", "--issuer", "某单位（虚构）"), "no unit 'nowhere'")
    _refused(run("set", "home", "--hotline", "1" * 41), "longer than 40 characters")

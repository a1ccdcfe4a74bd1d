"""Units: each county has its own bureaus, keys and staff; a report goes to the bureaus of the
unit it is filed with; `qingfeng units add` makes a unit with its bureaus' founders."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

import admin.units_cli
from admin.cli import main
from intake.domain import units
from intake.domain.cases.reports import UnknownUnit
from intake.domain.keys import authentic
from intake.domain.keys.keyring import bureau_public_key
from intake.domain.models import AuditEvent, Bureau, Report, StaffMember, Unit
from intake.platform import db
from tests.console.units import COUNTY, add_county, file_report

ACCOUNT_LINE = re.compile(r"^  (\S+)\s+password (\S+)  \((intake|handler)\)$", re.MULTILINE)


def _lead(app: Flask, reference: str) -> tuple[str, str]:
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == reference)).one()
        return report.lead_bureau.unit.code, report.lead_bureau.code


def test_a_report_goes_to_the_bureaus_of_the_unit_it_is_filed_with(app: Flask) -> None:
    add_county(app)
    assert _lead(app, file_report(app, COUNTY)) == (COUNTY, "health")
    # Without a unit, as every report before units: the home unit, exactly as before.
    assert _lead(app, file_report(app, None)) == (units.HOME, "health")
    with app.app_context(), pytest.raises(UnknownUnit):
        file_report(app, "no-such-county")


def test_each_county_s_bureaus_carry_its_name_and_their_own_keys(app: Flask) -> None:
    add_county(app)
    with app.app_context():
        session = db.session()
        rows = session.scalars(select(Bureau).where(Bureau.code == "healthcare_security")).all()
        by_unit = {b.unit.code: b for b in rows}
        assert set(by_unit) == {units.HOME, COUNTY}
        assert by_unit[COUNTY].name_zh == "乙县（虚构）医疗保障局"
        assert by_unit[units.HOME].name_zh is None  # the taxonomy's name, as before
        assert by_unit[COUNTY].public_key != by_unit[units.HOME].public_key
        # A key and MAC copied from one county's bureau to the same bureau of another is
        # refused before anything is sealed to it.
        home, county = by_unit[units.HOME], by_unit[COUNTY]
        county.public_key, county.public_key_mac = home.public_key, home.public_key_mac
        secret_key = b"test-secret-key-0123456789abcdef"
        with pytest.raises(authentic.KeyNotAuthentic):
            bureau_public_key(county, secret_key)
        assert bureau_public_key(home, secret_key) == home.public_key
        session.rollback()


def test_units_add_creates_the_unit_s_bureaus_each_with_a_founder(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(admin.units_cli, "create_app", lambda: app)
    runner = CliRunner()
    city = runner.invoke(main, ["units", "add", "jiashi", "甲市（虚构）", "--level", "city"])
    assert city.exit_code == 0, city.output
    county = runner.invoke(
        main,
        ["units", "add", "bingxian", "丙县（虚构）", "--level", "county", "--parent", "jiashi"],
    )
    assert county.exit_code == 0, county.output
    founders = ACCOUNT_LINE.findall(county.output)
    taxonomy = app.extensions["qingfeng.taxonomy"]
    assert len(founders) == len(taxonomy.bureaus)
    assert all(name.startswith("bingxian-") for name, _password, _role in founders)
    with app.app_context():
        session = db.session()
        unit = session.scalars(select(Unit).where(Unit.code == "bingxian")).one()
        parent = session.scalars(select(Unit).where(Unit.code == "jiashi")).one()
        assert (unit.level, unit.parent_id) == ("county", parent.id)
        bureaus = session.scalars(select(Bureau).where(Bureau.unit_id == unit.id)).all()
        assert {b.code for b in bureaus} == {b.code for b in taxonomy.bureaus}
        assert all(b.public_key is None and b.founder is not None for b in bureaus)
        assert all(b.founder.unit_id == unit.id for b in bureaus if b.founder)
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "unit_added")).all()
    listed = runner.invoke(main, ["units", "list"])
    assert "  bingxian" in listed.output  # indented under its city
    again = runner.invoke(main, ["units", "add", "bingxian", "丙县", "--parent", "jiashi"])
    assert again.exit_code != 0
    assert "exists already" in again.output
    orphan = runner.invoke(main, ["units", "add", "dingxian", "丁县", "--parent", "nowhere"])
    assert orphan.exit_code != 0


def test_an_account_created_for_a_unit_belongs_to_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    import admin.cli

    add_county(app)
    monkeypatch.setattr(admin.cli, "create_app", lambda: app)
    result = CliRunner().invoke(main, ["staff", "create-admin", "yixian-admin", "--unit", COUNTY])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = db.session()
        member = session.scalars(
            select(StaffMember).where(StaffMember.username == "yixian-admin")
        ).one()
        assert member.unit_id == units.by_code(session, COUNTY).id  # type: ignore[union-attr]
    wrong = CliRunner().invoke(main, ["staff", "create", "x", "--role", "handler", "--unit", "no"])
    assert wrong.exit_code != 0

"""The 统计表 of a unit with the units below it (docs/design.md, "Units").

Two invented counties under an invented city: each county's supervisor reads only the
county's figures; the city's supervisor reads both, unit by unit, and a total that is their
sum; a year of the city is the sum of the counties' kept months; any unit outside a
supervisor's own and those below it answers 404.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

import admin.cli
import admin.statistics.roll_up
from admin.cli import main
from intake.domain import units
from intake.domain.installation import DemoAccount, install_demo, new_password
from intake.domain.keys.keyring import create_demo_staff
from intake.domain.models import Bureau, Event, Report, StatisticMonth
from intake.domain.oversight import statistics, unit_statistics
from intake.platform import context, db
from tests.console.console import Staff, enrol_quickly
from tests.console.units import file_report

CITY, NORTH, SOUTH = "test-city", "north-county", "south-county"
NAMES = {CITY: "丙市（虚构）", NORTH: "甲县（虚构）", SOUTH: "丁县（虚构）"}
FILED_ON, READ_ON = dt.date(2026, 3, 10), dt.date(2027, 1, 12)
MARCH = "2026-03"
#: Reports filed in March in each county, and in the home county beside them.
FILED = {NORTH: 2, SOUTH: 3, units.HOME: 1}
TOTAL = "合计"


def _log_in(app: Flask, account: DemoAccount) -> Staff:
    member = Staff(app, account)
    member.secret = enrol_quickly(app, member.username)
    assert member.login().status_code == 303
    return member


@pytest.fixture
def supervisors(app: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, Staff]:
    """The city and its two counties, their supervisors logged in, reports filed in March of
    2026 and read in January 2027, when every month of 2026 has settled."""
    monkeypatch.setattr(context, "today", lambda: FILED_ON)
    logins: dict[str, DemoAccount] = {}
    with app.app_context():
        session = db.session()
        units.home(session)
        units.add_unit(session, CITY, NAMES[CITY], "city", None)
        for county in (NORTH, SOUTH):
            unit = units.add_unit(session, county, NAMES[county], "county", CITY)
            found = install_demo(session, context.settings(), context.taxonomy(), unit=unit)
            logins[county] = next(a for a in found if a.role == "supervisor")
        # The city's supervisor: no bureau of the city's own, only the counties' metadata.
        settings = context.settings()
        password = new_password()
        city = units.by_code(session, CITY)
        _member, recovery = create_demo_staff(
            session, "city-supervisor", "supervisor", password, settings.password_kdf,
            settings.secret_key, city,
        )  # fmt: skip
        session.commit()
        logins[CITY] = DemoAccount("city-supervisor", password, None, recovery, "supervisor")
    for unit, count in FILED.items():
        for _ in range(count):
            file_report(app, None if unit == units.HOME else unit)
    monkeypatch.setattr(context, "today", lambda: READ_ON)
    return {unit: _log_in(app, account) for unit, account in logins.items()}


def _sheet(member: Staff, query: str = "") -> list[tuple]:
    response = member.client.get(f"/admin/stats/export?month={MARCH}&format=xlsx{query}")
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))


def _received(header: tuple, line: tuple) -> int:
    return dict(zip(header, line, strict=True))["已收到"]


def test_a_county_s_supervisor_reads_only_the_county_s_figures(
    app: Flask, supervisors: dict[str, Staff]
) -> None:
    for county in (NORTH, SOUTH):
        header, *lines, total = _sheet(supervisors[county])
        assert total[:4] == (TOTAL,) * 4
        assert _received(header, total) == FILED[county]
        # Every row is the county's (填报单位), its bureaus named in the county's own names.
        assert {line[0] for line in lines} == {NAMES[county]}
        assert any(str(line[1]).startswith(NAMES[county]) for line in lines)
        page = supervisors[county].client.get(f"/admin/stats?month={MARCH}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        other = NAMES[SOUTH if county == NORTH else NORTH]
        assert other not in html
        assert "本级" not in html


def test_the_city_s_supervisor_reads_both_counties_by_unit_and_their_sum(
    app: Flask, supervisors: dict[str, Staff]
) -> None:
    city = supervisors[CITY]
    header, *lines, total = _sheet(city, f"&unit={CITY}")
    assert header[0] == "填报单位"
    unit_totals = {line[0]: _received(header, line) for line in lines if line[1:4] == (TOTAL,) * 3}
    assert unit_totals == {NAMES[NORTH]: FILED[NORTH], NAMES[SOUTH]: FILED[SOUTH]}
    assert _received(header, total) == FILED[NORTH] + FILED[SOUTH]
    # Without `unit` the city's own table: the same.
    assert _sheet(city)[-1] == total
    page = city.client.get(f"/admin/stats?month={MARCH}").get_data(as_text=True)
    assert f"<h3>{NAMES[NORTH]}</h3>" in page
    assert f"<h3>{NAMES[SOUTH]}</h3>" in page
    assert "本级" not in page
    # One county of the city, chosen: that county's figures alone.
    assert _received(header, _sheet(city, f"&unit={SOUTH}")[-1]) == FILED[SOUTH]
    # The document for the upper office names the unit as 填报单位 and has a row per county.
    docx = city.client.get(f"/admin/stats/export?month={MARCH}&format=docx&unit={CITY}")
    document = Document(io.BytesIO(docx.get_data()))
    assert f"填报单位：{NAMES[CITY]}" in "\n".join(p.text for p in document.paragraphs)
    first = [row.cells[0].text for row in document.tables[0].rows]
    assert first == ["地区", NAMES[NORTH], NAMES[SOUTH], TOTAL]


def test_a_year_of_the_city_is_the_sum_of_its_counties_kept_months(
    app: Flask, supervisors: dict[str, Staff]
) -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    with app.app_context():
        session = db.session()
        city = units.by_code(session, CITY)
        assert city is not None
        year = unit_statistics.roll_up(session, city, start, end, READ_ON)
        session.commit()
        counties = {u.code: u.id for u, _table in year.sections}
        assert set(counties) == {NORTH, SOUTH}
        kept = session.scalars(
            select(StatisticMonth).where(StatisticMonth.unit_id.in_(counties.values()))
        ).all()
        assert len(kept) == 2 * 12
        received = sum(row[3].get("received", 0) for month in kept for row in month.figures["rows"])
        assert received == year.total.total.counts["received"] == FILED[NORTH] + FILED[SOUTH]
        for code, unit_id in counties.items():
            counted = statistics.count_rows(session, start, end, statistics.Scope(unit_id))
            assert sum(r.counts["received"] for r in counted.values()) == FILED[code]
        # Read again, the year comes from the kept months alone: a step slipped into a kept
        # month (it cannot happen in the app) moves a recount, not the year.
        report = session.scalars(
            select(Report)
            .join(Bureau, Bureau.id == Report.lead_bureau_id)
            .where(Bureau.unit_id == counties[NORTH])
        ).first()
        assert report is not None
        report.events.append(
            Event(kind="received", occurred_on=dt.date(2026, 3, 15), bureau="health", detail={})
        )
        session.commit()
        recount = statistics.count_rows(session, start, end, statistics.Scope(counties[NORTH]))
        assert sum(r.counts["received"] for r in recount.values()) == FILED[NORTH] + 1
        again = unit_statistics.roll_up(session, city, start, end, READ_ON)
        assert again.total.total.counts == year.total.total.counts


def test_a_unit_not_the_supervisor_s_own_or_below_it_is_not_found(
    app: Flask, supervisors: dict[str, Staff]
) -> None:
    asked = {
        NORTH: (SOUTH, CITY, units.HOME, "no-such-unit"),
        SOUTH: (NORTH, CITY, units.HOME),
        CITY: (units.HOME, "no-such-unit"),
    }
    for unit, others in asked.items():
        for other in others:
            client = supervisors[unit].client
            assert client.get(f"/admin/stats?month={MARCH}&unit={other}").status_code == 404
            export = f"/admin/stats/export?month={MARCH}&format=csv&unit={other}"
            assert client.get(export).status_code == 404


def test_the_stats_command_writes_a_unit_s_table(
    app: Flask, supervisors: dict[str, Staff], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(admin.cli, "create_app", lambda: app)
    out = tmp_path / "city.xlsx"
    written = CliRunner().invoke(
        main, ["stats", "--month", MARCH, "--unit", CITY, "--output", str(out)]
    )
    assert written.exit_code == 0, written.output
    header, *_lines, total = load_workbook(out).active.iter_rows(values_only=True)
    assert _received(header, total) == FILED[NORTH] + FILED[SOUTH]
    unknown = CliRunner().invoke(main, ["stats", "--month", MARCH, "--unit", "no-such-unit"])
    assert unknown.exit_code == 2


def test_above_a_city_the_page_shows_a_line_per_unit_and_the_exports_every_row(
    app: Flask, supervisors: dict[str, Staff], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province's page would print every county's table one after the other: past
    SECTIONS_SHOWN units it shows a line per unit instead (lowered here to the city's two)."""
    monkeypatch.setattr(admin.statistics.roll_up, "SECTIONS_SHOWN", 1)
    city = supervisors[CITY]
    page = city.client.get(f"/admin/stats?month={MARCH}").get_data(as_text=True)
    assert f"<h3>{NAMES[NORTH]}</h3>" not in page
    assert "分地区合计" in page
    table = page.split("分地区合计", 1)[1]
    header = re.findall(r'<th scope="col">([^<]*)</th>', table)
    rows = [re.findall(r"<td>([^<]*)</td>", row) for row in re.findall(r"<tr><td>.*?</tr>", table)]
    by_unit = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    # No row of a county's bureau: the units' totals and the grand total only.
    assert set(by_unit) == {NAMES[NORTH], NAMES[SOUTH], TOTAL}
    for county in (NORTH, SOUTH):
        assert by_unit[NAMES[county]]["已收到"] == str(FILED[county])
    assert by_unit[TOTAL]["已收到"] == str(FILED[NORTH] + FILED[SOUTH])
    # The spreadsheet still holds every county's rows by bureau.
    header, *lines, total = _sheet(city, f"&unit={CITY}")
    assert {line[0] for line in lines} == {NAMES[NORTH], NAMES[SOUTH]}
    assert _received(header, total) == FILED[NORTH] + FILED[SOUTH]

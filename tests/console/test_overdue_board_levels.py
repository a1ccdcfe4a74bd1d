"""The overdue board above a county (docs/design.md, "Units"): a city's supervisor reads one
line of counts per unit and no case, chooses a unit to read its board as the county's
supervisor does, and cannot choose a unit outside the tree; a county's board is as before."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy import select

from intake.domain import units
from intake.domain.installation import install_demo
from intake.domain.models import Report
from intake.platform import context, db
from intake.platform.context import today as china_today
from tests.console.console import Staff, enrol_quickly
from tests.console.test_supervision_answers import supervise
from tests.console.units import CITY, COUNTY, add_county, file_report

TODAY = china_today()
#: A second county below the same city.
OTHER = "bingxian"


def _log_in(app: Flask, account: object) -> Staff:
    member = Staff(app, account)  # type: ignore[arg-type]
    member.secret = enrol_quickly(app, member.username)
    assert member.login().status_code == 303
    return member


def _case(
    app: Flask, unit: str | None, *, late: bool = False, major: bool = False, named: bool = False
) -> str:
    """A case of `unit`: past its decision deadline, a major lead, or a real-name one whose
    notice (15 days from receipt, by the default's limits) is late."""
    reference = file_report(app, unit)
    with app.app_context():
        session = db.session()
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        if late or named:
            report.received_on = TODAY - dt.timedelta(days=40)
            report.decision_due = TODAY - dt.timedelta(days=25)
        report.major = major
        report.real_name = named
        report.deadline_profile = None
        session.commit()
    return reference


@pytest.fixture
def tree(app: Flask) -> dict[str, Staff]:
    """The city with two counties below it, and the supervisors of the city and the first
    county, logged in."""
    accounts = add_county(app)
    with app.app_context():
        session = db.session()
        other = units.add_unit(session, OTHER, "丙县（虚构）", "county", CITY)
        install_demo(session, context.settings(), context.taxonomy(), unit=other)
        city = units.by_code(session, CITY)
        above = install_demo(session, context.settings(), context.taxonomy(), unit=city)
    return {
        "city": _log_in(app, next(a for a in above if a.role == "supervisor")),
        "county": _log_in(app, accounts["supervisor"]),
    }


def _line(page: str, name: str) -> list[int]:
    """The counts on a unit's line of the board above a county."""
    row = re.search(rf">{re.escape(name)}</a></td>((?:<td>\d+</td>)+)</tr>", page)
    assert row is not None, name
    return [int(n) for n in re.findall(r"<td>(\d+)</td>", row.group(1))]


def _total(page: str) -> list[int]:
    row = re.search(r"<tfoot><tr><th scope=\"row\">[^<]+</th>((?:<td>\d+</td>)+)", page)
    assert row is not None
    return [int(n) for n in re.findall(r"<td>(\d+)</td>", row.group(1))]


def test_a_city_supervisor_reads_one_line_per_unit_and_no_case(
    app: Flask, tree: dict[str, Staff]
) -> None:
    late = [_case(app, COUNTY, late=True) for _ in range(2)]
    major = _case(app, COUNTY, major=True)
    named = _case(app, COUNTY, named=True)  # late itself, and its notice late
    _case(app, COUNTY)  # on time: not on the board
    other = _case(app, OTHER, late=True)
    home = _case(app, None, late=True, named=True)  # outside the city's tree: never counted
    city = tree["city"]
    assert supervise(city, late[0], TODAY + dt.timedelta(days=5)) == 303
    assert supervise(city, other, TODAY + dt.timedelta(days=1)) == 303
    city.client.get("/admin/overdue")  # the flash of the last 督办 note, which names its case

    page = city.client.get("/admin/overdue")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # Unit; on the board, overdue, major, late feedback, 督办 awaiting an answer.
    assert _line(text, "乙县（虚构）") == [4, 3, 1, 1, 1]
    assert _line(text, "丙县（虚构）") == [1, 1, 0, 0, 1]
    assert _line(text, "示范市（虚构）") == [0, 0, 0, 0, 0]
    assert _total(text) == [5, 4, 1, 1, 2]
    assert f'href="/admin/overdue?unit={COUNTY}"' in text
    # No case is listed above a county: a unit is chosen first.
    for reference in (*late, major, named, other, home):
        assert reference not in text
    assert 'id="feedback-overdue"' not in text
    assert 'id="awaited-answers"' not in text


def test_a_chosen_unit_s_board_is_the_county_s(app: Flask, tree: dict[str, Staff]) -> None:
    late = _case(app, COUNTY, late=True)
    named = _case(app, COUNTY, named=True)
    other = _case(app, OTHER, late=True)
    city, county = tree["city"], tree["county"]
    assert supervise(city, late, TODAY + dt.timedelta(days=5)) == 303

    chosen = city.client.get(f"/admin/overdue?unit={COUNTY}").get_data(as_text=True)
    as_county = county.client.get("/admin/overdue").get_data(as_text=True)
    for page in (chosen, as_county):
        assert late in page
        assert named in page
        assert other not in page
        assert 'class="board-units"' not in page
        feedback_part = page.split('id="feedback-overdue"')[1].split("<h2")[0]
        assert named in feedback_part
        assert late not in feedback_part
        assert late in page.split('id="awaited-answers"')[1].split("<h2")[0]
    # The chosen unit's pages and bureaus keep the unit; the city's own board is a step back.
    assert f"unit={COUNTY}" in chosen
    assert 'href="/admin/overdue">' in chosen
    by_bureau = city.client.get(f"/admin/overdue?unit={COUNTY}&bureau=health")
    assert by_bureau.status_code == 200


def test_late_feedback_counted_is_what_is_listed(app: Flask, tree: dict[str, Staff]) -> None:
    named = [_case(app, COUNTY, named=True) for _ in range(3)]
    city = tree["city"]
    summary = city.client.get("/admin/overdue").get_data(as_text=True)
    assert _line(summary, "乙县（虚构）")[3] == 3
    page = city.client.get(f"/admin/overdue?unit={COUNTY}").get_data(as_text=True)
    part = page.split('id="feedback-overdue"')[1].split("<h2")[0]
    assert sorted(r for r in named if r in part) == sorted(named)
    assert part.count("<tr><td>") == 3


def test_no_unit_outside_the_supervisor_s_tree_can_be_chosen(
    app: Flask, tree: dict[str, Staff]
) -> None:
    city, county = tree["city"], tree["county"]
    assert city.client.get("/admin/overdue?unit=home").status_code == 404
    assert city.client.get("/admin/overdue?unit=no-such-unit").status_code == 404
    assert county.client.get(f"/admin/overdue?unit={CITY}").status_code == 404
    assert county.client.get(f"/admin/overdue?unit={OTHER}").status_code == 404
    assert county.client.get(f"/admin/overdue?unit={COUNTY}").status_code == 200
    assert city.client.get(f"/admin/overdue?unit={OTHER}").status_code == 200

"""Isolation between units (docs/design.md, "Units"): the access matrix across two counties.

Every console route the access matrix knows is asked, with the home county's cases, files,
accounts and bureaus, by each role of a second county: nothing of the home county is read,
listed, changed or even confirmed to exist. A supervisor of the city above that second county
sees its metadata and nothing of the home county's; a member of the second county still works
on its own cases.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from intake.domain.installation import DemoAccount
from intake.domain.models import StaffMember
from intake.platform import db
from intake.platform.context import today as china_today
from tests.console import test_access_matrix as access
from tests.console.console import Staff, enrol_quickly
from tests.console.units import COUNTY, add_county, file_report

#: The access matrix's fixture: the home unit's cases, their files, an account and a token.
setup = access.setup

#: Roles of the second county, by the key its demo accounts are listed under.
ROLES = ("intake", "health", "supervisor", "admin")


def _log_in(app: Flask, account: DemoAccount) -> Staff:
    member = Staff(app, account)
    member.secret = enrol_quickly(app, member.username)
    assert member.login().status_code == 303
    return member


@pytest.fixture
def county(app: Flask) -> dict[str, Staff]:
    """The second county's members, logged in. Asked for after the access matrix's `setup`,
    whose reports are sent on the web form before it offers a choice of county."""
    accounts = add_county(app)
    return {role: _log_in(app, accounts[role]) for role in ROLES}


def test_no_console_route_gives_another_unit_s_member_anything_of_the_home_unit(
    app: Flask,
    setup: tuple[str, str, int, int, int, int],
    county: dict[str, Staff],
) -> None:
    own, other, throwaway, token, file_id, other_file = setup
    home_names = {"throwaway", "demo-health", "demo-intake", "demo-supervisor"}
    # What identifies the home county's things in a path: success there is a leak.
    markers = (
        own,
        other,
        f"/files/{file_id}",
        f"/files/{other_file}",
        f"/accounts/{throwaway}/",
        f"/tokens/{token}/",
    )
    checks = access.matrix(own, other, throwaway, token, file_id, other_file)
    assert set(checks) >= access.discovered(app) - {
        (endpoint, "POST") for endpoint, _m in checks if (endpoint, "GET") in checks
    } - {("admin.auth.login", "POST"), ("admin.auth.recover", "POST")}
    leaks = []
    for (endpoint, method), requests in checks.items():
        if endpoint == "admin.auth.logout":
            continue  # it ends the session of whoever asks
        for check in requests:
            for role, member in county.items():
                response = (
                    member.client.get(check.path)
                    if method == "GET"
                    else member.post(check.path, check.data)
                )
                body = response.get_data(as_text=True)
                location = response.headers.get("Location", "")
                targeted = any(marker in check.path for marker in markers)
                if targeted:
                    # Refused: 403, 404, or (a look-up) a redirect that leads to nothing of it.
                    moved = response.status_code == 303
                    shown = [m for m in markers if moved and m in location]
                    succeeded = response.status_code == 200 or (moved and method == "POST")
                else:
                    shown = [ref for ref in (own, other) if ref in body or ref in location]
                    shown += [name for name in home_names if f">{name}<" in body]
                    succeeded = False
                if shown or succeeded:
                    leaks.append(f"{role} {method} {check.path}: {response.status_code} {shown}")
    assert leaks == []


def test_the_home_unit_s_cases_are_not_found_by_the_other_unit(
    app: Flask, setup: tuple[str, str, int, int, int, int], county: dict[str, Staff]
) -> None:
    own = setup[0]
    for role in ("intake", "health"):
        assert county[role].client.get(f"/admin/cases/{own}").status_code == 404
        assert own not in county[role].client.get("/admin/queue").get_data(as_text=True)
    supervisor = county["supervisor"].client
    assert supervisor.get(f"/admin/cases/{own}/audit").status_code == 404
    assert (
        county["supervisor"].post(f"/admin/cases/{own}/supervise", {"text": "x"}).status_code == 404
    )
    found = supervisor.get(f"/admin/find?reference={own}")
    assert "/audit" not in found.headers["Location"]
    # The 统计表 is the county's own: none of the home county's cases of this month count in
    # it, and the home county's table is not found.
    month = china_today().strftime("%Y-%m")
    assert supervisor.get(f"/admin/stats?month={month}").status_code == 200
    table = supervisor.get(f"/admin/stats/export?month={month}&format=csv")
    *lines, total = csv.reader(io.StringIO(table.get_data().decode("utf-8-sig")))
    assert dict(zip(lines[0], total, strict=True))["已收到"] == "0"
    assert {line[0] for line in lines[1:]} <= {"乙县（虚构）"}
    assert supervisor.get(f"/admin/stats?month={month}&unit=home").status_code == 404


def test_a_unit_s_members_work_on_their_own_cases(
    app: Flask, setup: tuple[str, str, int, int, int, int], county: dict[str, Staff]
) -> None:
    home_case = setup[0]
    mine = file_report(app, COUNTY)
    health = county["health"]
    page = health.client.get(f"/admin/cases/{mine}")
    assert page.status_code == 200
    assert mine in health.client.get("/admin/queue").get_data(as_text=True)
    assert health.act(mine, "accept").status_code == 303
    # The county's supervisor sees its late cases' metadata on the board, not the home's.
    board = county["supervisor"].client.get("/admin/overdue").get_data(as_text=True)
    assert home_case not in board
    assert county["supervisor"].client.get(f"/admin/cases/{mine}/audit").status_code == 200


def test_a_county_administrator_manages_only_the_county_s_staff(
    app: Flask, setup: tuple[str, str, int, int, int, int], county: dict[str, Staff]
) -> None:
    throwaway = setup[2]
    admin = county["admin"]
    accounts = admin.client.get("/admin/accounts").get_data(as_text=True)
    assert "demo-yixian-health" in accounts
    assert "throwaway" not in accounts
    assert "demo-health<" not in accounts
    assert admin.post(f"/admin/accounts/{throwaway}/deactivate", {}).status_code == 404
    created = admin.post("/admin/accounts", {"username": "yixian-new", "role": "handler"})
    assert created.status_code == 200
    with app.app_context():
        session = db.session()
        new = session.scalars(select(StaffMember).where(StaffMember.username == "yixian-new")).one()
        mine = session.scalars(
            select(StaffMember).where(StaffMember.username == "demo-yixian-admin")
        ).one()
        assert new.unit_id == mine.unit_id
        assert session.get(StaffMember, throwaway).active  # type: ignore[union-attr]


def test_a_city_supervisor_reads_the_metadata_of_the_counties_below(
    app: Flask, staff: Callable[[str], Staff], county: dict[str, Staff]
) -> None:
    from intake.domain import units
    from intake.domain.installation import install_demo
    from intake.platform import context
    from tests.console.units import CITY

    case = file_report(app, COUNTY)
    with app.app_context():
        session = db.session()
        city = units.by_code(session, CITY)
        accounts = install_demo(session, context.settings(), context.taxonomy(), unit=city)
    city_supervisor = _log_in(app, next(a for a in accounts if a.role == "supervisor"))
    assert city_supervisor.client.get(f"/admin/cases/{case}/audit").status_code == 200
    ledger = city_supervisor.client.get(f"/admin/ledger?bureau=health&unit={COUNTY}&format=csv")
    assert ledger.status_code == 200
    assert case in ledger.get_data(as_text=True)
    # Nothing sealed: a supervisor's ledger has no content columns, and no case page opens.
    assert "单位测试" not in ledger.get_data(as_text=True)
    assert city_supervisor.client.get(f"/admin/cases/{case}").status_code == 403
    # The county's own supervisor cannot look up at the city, nor sideways at the home unit.
    county_supervisor = county["supervisor"].client
    assert county_supervisor.get(f"/admin/ledger?bureau=health&unit={CITY}").status_code == 404
    assert county_supervisor.get("/admin/ledger?bureau=health&unit=home").status_code == 404
    home_case = file_report(app, None)
    assert city_supervisor.client.get(f"/admin/cases/{home_case}/audit").status_code == 404
    # The board tells the counties' bureaus apart, and offers none of the home unit's.
    board = city_supervisor.client.get(f"/admin/overdue?bureau=health&unit={COUNTY}")
    assert board.status_code == 200
    assert city_supervisor.client.get("/admin/overdue?bureau=health&unit=home").status_code == 404
    del staff

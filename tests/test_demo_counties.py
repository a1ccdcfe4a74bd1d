"""`qingfeng demo --counties`: the demo county under an invented city, beside two more."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from intake.config import Settings
from intake.domain import demo_hand_down
from intake.domain.installation import DemoAccount
from intake.domain.models import Bureau, Report, StaffMember, Unit
from intake.platform import db
from intake.platform.cli import main
from intake.platform.factory import create_app
from tests.console.console import Staff, enrol_quickly
from tests.test_cli import env  # noqa: F401


def test_the_demo_holds_a_city_with_three_invented_counties(
    env: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--empty", "--counties"], env=env)
    assert result.exit_code == 0, result.output
    printed = [line for line in result.output.splitlines() if line.startswith("  demo-")]
    # 11 accounts in each of the three counties and in the city (its bureaus, supervisor, admin).
    assert len(printed) == 11 * 4
    assert "  demo-yixian-health " in result.output
    assert "  demo-qinghe-supervisor " in result.output
    engine = create_engine(f"sqlite:///{tmp_path / 'instance' / 'qingfeng.sqlite3'}")
    with Session(engine) as session:
        rows = session.scalars(select(Unit)).all()
        city = next(u for u in rows if u.level == "city")
        counties = [u for u in rows if u.level == "county"]
        assert len(counties) == 3
        assert all(u.parent_id == city.id for u in counties)
        # The names say they are invented.
        assert all("虚构" in u.name for u in rows)
        for county in counties:
            codes = session.scalars(select(Bureau.code).where(Bureau.unit_id == county.id)).all()
            assert len(codes) == 9
        supervisor = session.scalars(
            select(StaffMember).where(StaffMember.username == "demo-qinghe-supervisor")
        ).one()
        assert supervisor.unit_id == city.id
    engine.dispose()
    # Run again: nothing new.
    again = CliRunner().invoke(main, ["demo", "--no-serve", "--counties"], env=env)
    assert not [line for line in again.output.splitlines() if line.startswith("  demo-")]


def test_the_city_reads_back_the_completion_report_of_the_case_it_handed_down(
    env: dict[str, str],  # noqa: F811
) -> None:
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--counties"], env=env)
    assert result.exit_code == 0, result.output
    app = create_app(Settings.from_env(env))
    app.config["TESTING"] = True
    with app.app_context():
        case = (
            db.session()
            .scalars(
                select(Report).join(Report.lead_bureau).join(Unit).where(Unit.code == "yixian")
            )
            .one()
        )
        ref, due = case.reference, case.conclusion_due
    assert due is not None

    def member(username: str) -> Staff:
        line = next(x for x in result.output.splitlines() if x.startswith(f"  {username} "))
        staff = Staff(app, DemoAccount(username, line.split("password ")[1].split()[0], None, ""))
        staff.secret = enrol_quickly(app, username)
        assert staff.login().status_code == 303
        return staff

    # The city's health bureau reads what the county sent back, though the county works it.
    page = member("demo-qinghe-health").client.get(f"/admin/cases/{ref}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert demo_hand_down.COMPLETION in text
    assert demo_hand_down.PROGRESS in text
    assert demo_hand_down.NUMBER in text
    # The city's 交办 board lists it under its county, with the order's own deadline.
    board = member("demo-qinghe-supervisor").client.get("/admin/hand-downs")
    listed = board.get_data(as_text=True)
    assert ref in listed
    assert "乙县（演示，虚构）" in listed
    assert due.isoformat() in listed
    # The sibling county sees nothing of it.
    assert member("demo-bingxian-health").client.get(f"/admin/cases/{ref}").status_code == 404

"""`qingfeng demo --counties`: the demo county under an invented city, beside two more."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from intake.domain.models import Bureau, StaffMember, Unit
from intake.platform.cli import main
from tests.test_cli import env  # noqa: F401


def test_the_demo_holds_a_city_with_three_invented_counties(
    env: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--empty", "--counties"], env=env)
    assert result.exit_code == 0, result.output
    printed = [line for line in result.output.splitlines() if line.startswith("  demo-")]
    # 11 accounts of the demo county, 11 in each other county, and the city's supervisor.
    assert len(printed) == 11 * 3 + 1
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

"""The demo's city with three counties (`qingfeng demo --counties`): invented names, for a
first look at units (docs/design.md, "Units"); never for real reports. The city has bureaus of
its own, and one of its cases is handed down to a county (intake/domain/demo_hand_down.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.config import Settings
from intake.domain import units
from intake.domain.cases.taxonomy import Taxonomy
from intake.domain.demo_hand_down import hand_down_demo_case
from intake.domain.installation import DemoAccount, install_demo
from intake.domain.models import Bureau, Unit

#: The invented city, the name the home county takes in it, and the two other counties.
CITY = ("qinghe", "清河市（演示，虚构）")
HOME_COUNTY = "甲县（演示，虚构）"
COUNTIES = (("yixian", "乙县（演示，虚构）"), ("bingxian", "丙县（演示，虚构）"))


def add_demo_counties(
    db: Session, settings: Settings, taxonomy: Taxonomy, today: dt.date, cases: bool = True
) -> list[DemoAccount]:
    """Put the demo county under an invented city beside two more invented counties, each unit
    with its demo bureaus and members (the city's supervisor reads the metadata of the three
    counties, nothing sealed); with `cases`, hand one of the city's cases down to the first
    other county and work it back. Return the new accounts (none if the demo has its city)."""
    if units.by_code(db, CITY[0]) is not None:
        return []
    home = units.home(db)
    city = units.add_unit(db, CITY[0], CITY[1], units.Level.CITY, None)
    home.parent_id, home.name = city.id, HOME_COUNTY
    keys: dict[int, bytes] = {}
    accounts = _install(db, settings, taxonomy, city, keys)
    made = [units.add_unit(db, code, name, units.Level.COUNTY, CITY[0]) for code, name in COUNTIES]
    for county in made:
        accounts.extend(_install(db, settings, taxonomy, county, keys))
    db.commit()
    if cases:
        hand_down_demo_case(db, settings, taxonomy, city, made[0], keys, today)
    keys.clear()
    return accounts


def _install(
    db: Session, settings: Settings, taxonomy: Taxonomy, unit: Unit, keys: dict[int, bytes]
) -> list[DemoAccount]:
    """The unit's demo bureaus and accounts; their private keys go into `keys` by bureau id."""
    by_code: dict[str, bytes] = {}
    accounts = install_demo(db, settings, taxonomy, by_code, unit=unit)
    for bureau_id, code in db.execute(
        select(Bureau.id, Bureau.code).where(Bureau.unit_id == unit.id)
    ):
        if code in by_code:
            keys[bureau_id] = by_code[code]
    by_code.clear()
    return accounts

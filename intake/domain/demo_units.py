"""The demo's city with three counties (`qingfeng demo --counties`): invented names, for a
first look at units (docs/design.md, "Units"); never for real reports."""

from __future__ import annotations

from sqlalchemy.orm import Session

from intake.config import Settings
from intake.domain import units
from intake.domain.cases.taxonomy import Taxonomy
from intake.domain.codes import Role
from intake.domain.installation import DemoAccount, install_demo, new_password
from intake.domain.keys.keyring import create_demo_staff

#: The invented city, the name the home county takes in it, and the two other counties.
CITY = ("qinghe", "清河市（演示，虚构）")
HOME_COUNTY = "甲县（演示，虚构）"
COUNTIES = (("yixian", "乙县（演示，虚构）"), ("bingxian", "丙县（演示，虚构）"))


def add_demo_counties(db: Session, settings: Settings, taxonomy: Taxonomy) -> list[DemoAccount]:
    """Put the demo county under an invented city beside two more invented counties, each with
    its demo bureaus and members, and give the city a supervisor; return the new accounts
    (none if the demo has its city already)."""
    if units.by_code(db, CITY[0]) is not None:
        return []
    home = units.home(db)
    city = units.add_unit(db, CITY[0], CITY[1], units.Level.CITY, None)
    home.parent_id, home.name = city.id, HOME_COUNTY
    accounts = []
    for code, name in COUNTIES:
        county = units.add_unit(db, code, name, units.Level.COUNTY, CITY[0])
        accounts.extend(install_demo(db, settings, taxonomy, unit=county))
    # The city's supervisor reads the metadata of the three counties, nothing sealed.
    username, password = f"demo-{CITY[0]}-supervisor", new_password()
    _member, recovery_key = create_demo_staff(
        db, username, Role.SUPERVISOR, password, settings.password_kdf, settings.secret_key, city
    )
    accounts.append(DemoAccount(username, password, None, recovery_key, Role.SUPERVISOR))
    db.commit()
    return accounts

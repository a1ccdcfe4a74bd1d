"""Administrative units: the tree an installation holds, and which units a member may see.

A unit (a province, city or county) has its own bureaus from the taxonomy, with their own keys
and staff (docs/design.md, "Units"). A single-county installation is a tree of one unit, the
home unit, which every installation has from its first migration (or its first setup).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.domain.cases.taxonomy import Bureau as BureauInfo
from intake.domain.models import Bureau, StaffMember, Unit

#: Code of the unit an installation starts with (and an existing one migrates into).
HOME = "home"
HOME_NAME = "本级"


class Level(StrEnum):
    """Where a unit stands in the tree."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


# Taxonomy names are written for a county ("县医疗保障局"): the level word they start with.
_LEVEL_WORDS = ("县", "市", "省")


class UnitError(ValueError):
    """A unit that cannot be added as asked (a code taken, an unknown parent, a bad level)."""


def home(db: Session) -> Unit:
    """The home unit, made the first time an installation needs one."""
    unit = db.scalars(select(Unit).where(Unit.code == HOME)).first()
    if unit is None:
        unit = Unit(code=HOME, name=HOME_NAME, level=Level.COUNTY, parent_id=None)
        db.add(unit)
        db.flush()
    return unit


def by_code(db: Session, code: str) -> Unit | None:
    """A unit by its code, or None."""
    return db.scalars(select(Unit).where(Unit.code == code)).first()


def add_unit(db: Session, code: str, name: str, level: str, parent: str | None) -> Unit:
    """Add a unit below `parent` (a unit code; None: a root); the caller commits."""
    if level not in set(Level):
        raise UnitError(f"unknown level {level!r}")
    if by_code(db, code) is not None:
        raise UnitError(f"unit {code!r} exists already")
    parent_unit = None
    if parent is not None:
        parent_unit = by_code(db, parent)
        if parent_unit is None:
            raise UnitError(f"no unit {parent!r}")
    unit = Unit(
        code=code,
        name=name,
        level=level,
        parent_id=parent_unit.id if parent_unit else None,
    )
    db.add(unit)
    db.flush()
    return unit


def bureau_name(unit: Unit, info: BureauInfo) -> str | None:
    """A bureau's name in `unit`: "XX县" + "医疗保障局"; None in the home unit, which keeps
    the taxonomy's names exactly as before units existed."""
    if unit.code == HOME:
        return None
    base = info.name_zh
    if base.startswith(_LEVEL_WORDS):
        base = base[1:]
    return f"{unit.name}{base}"


def display_name(bureau: Bureau, info: BureauInfo, locale: str) -> str:
    """What a reporter or member reads for a bureau: its name in its unit ("XX县医疗保障局"),
    else the taxonomy's, in `locale` (English keeps the taxonomy's name)."""
    if bureau.name_zh and not locale.lower().startswith("en"):
        return bureau.name_zh
    return info.name(locale)


def mac_name(bureau: Bureau) -> str:
    """Who a bureau's key MAC names: its code, qualified by its unit outside the home unit,
    so a key and MAC copied from one unit's bureau to the same bureau of another unit fail
    the check (docs/design.md, "Bureau keys"). The home unit keeps the names its keys were
    authenticated under."""
    unit = bureau.unit
    if unit is None or unit.code == HOME:
        return bureau.code
    return f"{unit.code}/{bureau.code}"


def roots(db: Session) -> list[int]:
    """The units with none above them."""
    return list(db.scalars(select(Unit.id).where(Unit.parent_id.is_(None))))


def below(db: Session, *unit_ids: int) -> set[int]:
    """These units and every unit below them."""
    parents = {child: parent for child, parent in db.execute(select(Unit.id, Unit.parent_id))}
    found = set(unit_ids)
    grew = True
    while grew:
        more = {child for child, parent in parents.items() if parent in found} - found
        found |= more
        grew = bool(more)
    return found


def visible_bureau_ids(db: Session, member: StaffMember) -> set[int]:
    """The bureaus whose metadata `member` may read: those of their unit and the units below."""
    units = below(db, member.unit_id)
    return set(db.scalars(select(Bureau.id).where(Bureau.unit_id.in_(units))))


#: Units offered to a reporter: (the unit above, or "" for a root; [(code, name), …]).
UnitGroups = list[tuple[str, list[tuple[str, str]]]]


def offered(db: Session) -> UnitGroups:
    """The units that take reports (those with bureaus), grouped under the unit above them,
    for the report form's chooser; one unit alone means no chooser at all."""
    taking = set(db.scalars(select(Bureau.unit_id).distinct()))
    rows = db.scalars(select(Unit).order_by(Unit.id)).all()
    names = {u.id: u.name for u in rows}
    groups: dict[str, list[tuple[str, str]]] = {}
    for unit in rows:
        if unit.id in taking:
            above = names.get(unit.parent_id, "") if unit.parent_id else ""
            groups.setdefault(above, []).append((unit.code, unit.name))
    return list(groups.items())

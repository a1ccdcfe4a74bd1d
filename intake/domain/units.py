"""Administrative units: the tree an installation holds, and which units a member may see.

A unit (a province, city or county) has its own bureaus from the taxonomy, with their own keys
and staff (docs/design.md, "Units"). A single-county installation is a tree of one unit, the
home unit, which every installation has from its first migration (or its first setup).
"""

from __future__ import annotations

import re
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


#: What a unit may show of its own on the public pages, with the longest each may be; what it
#: leaves empty is the installation's (intake/public/unit_site.py).
IDENTITY = {"issuer": 200, "issuer_en": 200, "address": 200, "hotline_number": 40}
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class UnitError(ValueError):
    """A unit that cannot be added or changed as asked (a code or host taken, an unknown
    parent, a bad level, a host that is not a DNS name)."""


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


def normalise_host(value: str) -> str:
    """A host name as the Host header carries it: lower-case, no port, no final dot.

    A name in Chinese characters is turned into the ASCII form browsers send ("xn--…").
    """
    name = value.strip().lower().removesuffix(".")
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise UnitError(f"host {value!r} is not a DNS name") from None
    labels = name.split(".")
    if (
        len(name) > 253
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()  # an IP address, not a name
    ):
        raise UnitError(
            f"host {value!r} is not a DNS name (letters, digits, hyphens and dots only; "
            "no port, scheme or path)"
        )
    return name


def by_host(db: Session, host: str) -> Unit | None:
    """The unit whose own host name `host` is, or None."""
    return db.scalars(select(Unit).where(Unit.host == host)).first()


def with_hosts(db: Session) -> list[Unit]:
    """Every unit that has a host name of its own."""
    return list(db.scalars(select(Unit).where(Unit.host.is_not(None))))


def set_identity(db: Session, unit: Unit, changes: dict[str, str]) -> dict[str, str | None]:
    """Set a unit's own identity and host from `changes` (a field's name: its new value; an
    empty value clears the field, which then shows the installation's); the fields that
    changed, with their new values. Checks everything before it changes anything; the caller
    commits."""
    new: dict[str, str | None] = {}
    for field, value in changes.items():
        text = value.strip()
        if field == "host":
            host = normalise_host(text) if text else None
            holder = by_host(db, host) if host else None
            if holder is not None and holder.id != unit.id:
                raise UnitError(f"host {host!r} belongs to unit {holder.code!r} already")
            new[field] = host
        elif field in IDENTITY:
            if len(text) > IDENTITY[field]:
                raise UnitError(f"{field} is longer than {IDENTITY[field]} characters")
            new[field] = text or None
        else:
            raise UnitError(f"unknown field {field!r}")
    changed = {name: now for name, now in new.items() if getattr(unit, name) != now}
    for name, now in changed.items():
        setattr(unit, name, now)
    db.flush()
    return changed


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

"""The 统计表 of a unit with the units below it (docs/design.md, "Units"; docs/rules.md §7).

A unit's table is made of the kept months of each unit of its subtree that takes reports:
one section per unit, its rows by bureau, and a total with one row per unit. Bureau codes
repeat from unit to unit, so rows are never added up across units by code: the total is
keyed by unit. A province's year is a sum of kept unit-months, not a recount.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.domain import units
from intake.domain.models import Bureau, Unit
from intake.domain.oversight import settled_months
from intake.domain.oversight.statistics import ALL, Sums, Table, add_sum, tabulate


@dataclass
class RollUp:
    """A unit's table: a section per unit of its subtree (the unit itself first), and the
    total, whose rows name a unit's code where a section's name a bureau's."""

    unit: Unit
    sections: list[tuple[Unit, Table]]
    total: Table

    @property
    def by_unit(self) -> bool:
        """Whether units below are counted (else the one section is the unit's own table)."""
        return [u.id for u, _t in self.sections] != [self.unit.id]


def units_counted(db: Session, unit: Unit) -> list[Unit]:
    """The units of `unit`'s subtree that take reports (have bureaus), `unit` first, then
    each unit before the units below it."""
    subtree = units.below(db, unit.id)
    taking = set(db.scalars(select(Bureau.unit_id).distinct()))
    rows = db.scalars(select(Unit).where(Unit.id.in_(subtree)).order_by(Unit.id)).all()
    children: dict[int | None, list[Unit]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[Unit] = []

    def walk(node: Unit) -> None:
        ordered.append(node)
        for child in children.get(node.id, []):
            walk(child)

    walk(unit)
    return [u for u in ordered if u.id in taking]


def roll_up(db: Session, unit: Unit, start: dt.date, end: dt.date, today: dt.date) -> RollUp:
    """The table of whole months `start` to `end` for `unit` and the units below it: the
    subtree's kept months read in one query and added up as plain numbers.

    May keep months; the caller commits.
    """
    counted = units_counted(db, unit)
    with settled_months.collector_paused():
        months = settled_months.unit_months(db, start, end, today, [u.id for u in counted])
        sections: list[tuple[Unit, Table]] = []
        by_unit: Sums = {}
        for below in counted:
            sums = settled_months.add_up(start, end, months[below.id])
            sections.append((below, tabulate(start, end, sums)))
            for (_bureau, category, channel), (counts, days) in sums.items():
                target = by_unit.setdefault((below.code, category, channel), ({}, {}))
                add_sum(target, counts, days)
        return RollUp(unit, sections, tabulate(start, end, by_unit))


def roll_up_lines(db: Session, unit: Unit, start: dt.date, end: dt.date, today: dt.date) -> RollUp:
    """`roll_up` with each unit's figures added up into one line: each section is the unit's
    one-line table, and the total a line per unit. What a province's page shows of a year,
    from each kept unit-month's line (settled_months.unit_totals), not its every row.

    May keep months; the caller commits.
    """
    counted = units_counted(db, unit)
    months = settled_months.unit_totals(db, start, end, today, [u.id for u in counted])
    sections: list[tuple[Unit, Table]] = []
    by_unit: Sums = {}
    for below in counted:
        sums = settled_months.add_up(start, end, months[below.id])
        sections.append((below, tabulate(start, end, sums)))
        for counts, days in sums.values():
            add_sum(by_unit.setdefault((below.code, ALL, ALL), ({}, {})), counts, days)
    return RollUp(unit, sections, tabulate(start, end, by_unit))

"""Statistics of finished months, counted once and kept.

A month's 统计表, once reported, should not move, and recounting two years of events for a
year's table is what made it slow (bench/README.md). Every step is dated the day it is
recorded, so from the second day after a month ends nothing can still be dated in it: the
month is settled, its table is counted once and kept in `statistic_months`, and a longer
period is the sum of its months. "Open at the end" is a stock, not a flow: a period takes
it from its last month. Later changes to a case (a reopened conclusion, a transfer) count
in the month they happen, never in a settled one.

Each unit's month is kept on its own, counting its own cases (docs/design.md, "Units"): an
upper unit's table and the installation's are sums of kept unit-months, never a recount.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.domain.models import StatisticMonth, Unit
from intake.domain.oversight import statistics
from intake.domain.oversight.statistics import (
    ALL,
    PUBLIC,
    Key,
    Row,
    Scope,
    Sums,
    Table,
    month_bounds,
    summarise,
    tabulate,
)
from intake.domain.oversight.statistics import SETTLE_DAYS as SETTLE_DAYS


def settled(start: dt.date, today: dt.date) -> bool:
    """Whether the month starting on `start` can no longer change."""
    _first, last = month_bounds(start.strftime("%Y-%m"))
    return today >= last + dt.timedelta(days=SETTLE_DAYS)


def month_table(db: Session, start: dt.date, today: dt.date, unit_id: int | None = None) -> Table:
    """One month's table: kept if the month is settled (counted now if not yet), else live.

    May add a row to the session; the caller commits.
    """
    first, last = month_bounds(start.strftime("%Y-%m"))
    return summarise(first, last, month_rows(db, first, today, unit_id))


def unit_ids(db: Session) -> list[int]:
    """Every unit, whose months are kept one by one."""
    return list(db.scalars(select(Unit.id).order_by(Unit.id)))


def month_rows(
    db: Session, first: dt.date, today: dt.date, unit_id: int | None = None
) -> dict[Key, Row]:
    """The detail rows of the month `first` falls in, of one unit's cases, kept once it is
    settled; None: every unit's, the rows of a bureau code added up across units."""
    if unit_id is None:
        every = unit_ids(db)
        if not every:  # an installation not set up yet
            return statistics.count_rows(db, *month_bounds(first.strftime("%Y-%m")))
        return add_rows([month_rows(db, first, today, unit) for unit in every])
    first, last = month_bounds(first.strftime("%Y-%m"))
    scope = Scope(unit_id)
    if not settled(first, today):
        return statistics.count_rows(db, first, last, scope)
    kept = _kept_rows(db, first, unit_id)
    if kept is not None:
        return kept
    rows = statistics.count_rows(db, first, last, scope)
    try:
        with db.begin_nested():
            db.add(
                StatisticMonth(
                    month=first,
                    unit_id=unit_id,
                    counted_on=today,
                    figures=_encode(rows),
                    by_category=_by_category(rows),
                )
            )
    except IntegrityError:
        pass  # counted at the same moment by another request: the same figures
    return rows


def add_rows(parts: list[dict[Key, Row]]) -> dict[Key, Row]:
    """Rows of the same period added up by key (every column, the stock as well)."""
    rows: dict[Key, Row] = {}
    for part in parts:
        for key, line in part.items():
            target = rows.get(key)
            if target is None:
                target = rows[key] = Row(*key)
            for column, n in line.counts.items():
                target.counts[column] = target.counts.get(column, 0) + n
            target.days.update(line.days)
    return rows


def period_table(
    db: Session, start: dt.date, end: dt.date, today: dt.date, unit_id: int | None = None
) -> Table:
    """The table of whole months from `start` to `end` (first and last day of months), of one
    unit's cases (None: every unit's, the rows of a bureau code added up across units).

    May keep months; the caller commits.
    """
    every = [unit_id] if unit_id is not None else unit_ids(db)
    if not every:  # an installation not set up yet
        counted = [(m, _encode(month_rows(db, m, today))["rows"]) for m in whole_months(start, end)]
        return tabulate(start, end, add_up(start, end, counted))
    with collector_paused():
        kept = unit_months(db, start, end, today, every)
        return tabulate(start, end, add_up(start, end, [m for unit in every for m in kept[unit]]))


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while kept months are decoded and added up.

    A province's year decodes hundreds of thousands of lists and dicts, none in a cycle
    (reference counting frees them all); the collector's passes over them as they pile up
    took as long as the adding itself. Process-wide while it lasts, so only around that.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def whole_months(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the months from `start` to `end`; ValueError unless they are the first
    and last days of months."""
    months: list[dt.date] = []
    first = start
    while first <= end:
        month_start, month_end = month_bounds(first.strftime("%Y-%m"))
        if month_start != first or month_end > end:
            raise ValueError("a period of whole months")
        months.append(first)
        first = month_end + dt.timedelta(days=1)
    if not months or first != end + dt.timedelta(days=1):
        raise ValueError("a period of whole months")
    return months


#: A unit-month's rows as kept: [bureau, category, channel, {column: n, the nonzero ones},
#: [[days, conclusions], …]].
KeptRows = list[list[Any]]


def unit_months(
    db: Session, start: dt.date, end: dt.date, today: dt.date, units: list[int]
) -> dict[int, list[tuple[dt.date, KeptRows]]]:
    """Each unit's months of the whole months `start` to `end`, in order, as kept rows.

    One query reads every kept month of the units and period; a settled month not kept yet is
    counted and kept, a month not settled yet is counted live, every unit in one pass. May
    keep months; the caller commits.
    """
    months = whole_months(start, end)
    kept: dict[tuple[dt.date, int], KeptRows] = {}
    if any(settled(m, today) for m in months):
        found = db.execute(
            select(StatisticMonth.month, StatisticMonth.unit_id, StatisticMonth.figures).where(
                StatisticMonth.month.between(start, end), StatisticMonth.unit_id.in_(units)
            )
        )
        kept = {(m, u): f["rows"] for m, u, f in found}
    for m in months:
        if not settled(m, today):
            live = statistics.count_units(db, *month_bounds(m.strftime("%Y-%m")), units)
            kept.update(((m, unit), _encode(rows)["rows"]) for unit, rows in live.items())
    out: dict[int, list[tuple[dt.date, KeptRows]]] = {}
    for unit in units:
        out[unit] = [
            (
                m,
                kept[(m, unit)]
                if (m, unit) in kept
                else _encode(month_rows(db, m, today, unit))["rows"],
            )
            for m in months
        ]
    return out


def add_up(start: dt.date, end: dt.date, months: list[tuple[dt.date, KeptRows]]) -> Sums:
    """Kept rows of months from `start` to `end` (of one unit or several) added up by key as
    plain numbers: flows add up, the stock open at the end is the last month's.

    A province's year is hundreds of thousands of kept rows: nothing here makes an object per
    row, and a key's days are merged once into one histogram.
    """
    last = month_bounds(end.strftime("%Y-%m"))[0]
    sums: Sums = {}
    for month, rows in months:
        if not start <= month <= end:
            raise ValueError("a month outside the period")
        stock = month == last
        for bureau, category, channel, counts, days in rows:
            key = (bureau, category, channel)
            entry = sums.get(key)
            if entry is None:
                entry = sums[key] = ({}, {})
            total, taken = entry
            for column, n in counts.items():
                total[column] = total.get(column, 0) + n
            if not stock and "open_at_end" in counts:
                total["open_at_end"] -= counts["open_at_end"]
            for value, n in days:
                taken[value] = taken.get(value, 0) + n
    return sums


def _encode(rows: dict[Key, Row]) -> dict[str, Any]:
    kept = [
        [
            line.bureau,
            line.category,
            line.channel,
            {column: n for column, n in line.counts.items() if n},
            sorted(line.days.items()),
        ]
        for line in (rows[key] for key in sorted(rows))
    ]
    return {"rows": kept, TOTAL: _total_of(kept)}


#: The key of a kept month's figures holding the unit's month in one line (unit_totals).
TOTAL = "total"


def _total_of(rows: KeptRows) -> list[Any]:
    """A unit-month's rows added up into one kept row, keyed ALL."""
    counts: dict[str, int] = {}
    days: dict[int, int] = {}
    for _bureau, _category, _channel, line, taken in rows:
        for column, n in line.items():
            counts[column] = counts.get(column, 0) + n
        for value, n in taken:
            days[value] = days.get(value, 0) + n
    return [ALL, ALL, ALL, counts, sorted(days.items())]


def unit_totals(
    db: Session, start: dt.date, end: dt.date, today: dt.date, units: list[int]
) -> dict[int, list[tuple[dt.date, KeptRows]]]:
    """Each unit's months from `start` to `end` as one kept row each (keyed ALL): what a
    province's page shows of a year, a line per unit.

    Reads only each kept month's line (its figures' TOTAL), so a province's year is a few
    thousand small values, not every unit's every row. A month kept before lines were kept
    is read whole once and gets its line; months not kept or not settled are counted as
    unit_months does. May keep months and lines; the caller commits.
    """
    months = whole_months(start, end)
    lines: dict[tuple[dt.date, int], KeptRows] = {}
    if any(settled(m, today) for m in months):
        found = db.execute(
            select(
                StatisticMonth.month, StatisticMonth.unit_id, StatisticMonth.figures[TOTAL]
            ).where(StatisticMonth.month.between(start, end), StatisticMonth.unit_id.in_(units))
        )
        older: list[tuple[dt.date, int]] = []
        for month, unit, line in found:
            if line is None:
                older.append((month, unit))
            else:
                lines[(month, unit)] = [line]
        for month, unit in older:
            kept = db.get_one(StatisticMonth, (month, unit))
            line = _total_of(kept.figures["rows"])
            kept.figures = {**kept.figures, TOTAL: line}
            lines[(month, unit)] = [line]
    for m in months:
        # Read whole only where no line is kept: the month running now, one not kept yet.
        missing = [unit for unit in units if (m, unit) not in lines]
        if missing:
            last = month_bounds(m.strftime("%Y-%m"))[1]
            for unit, [(_m, rows)] in unit_months(db, m, last, today, missing).items():
                lines[(m, unit)] = [_total_of(rows)]
    return {unit: [(m, lines[(m, unit)]) for m in months] for unit in units}


def _by_category(rows: dict[Key, Row]) -> dict[str, list[int]]:
    """What the public page shows of a month, per category, in the order of PUBLIC."""
    out: dict[str, list[int]] = {}
    for line in rows.values():
        cell = out.setdefault(line.category, [0] * len(PUBLIC))
        for index, column in enumerate(PUBLIC):
            cell[index] += line.counts[column]
    return out


def _kept_rows(db: Session, month: dt.date, unit_id: int) -> dict[Key, Row] | None:
    kept = db.get(StatisticMonth, (month, unit_id))
    if kept is None:
        return None
    rows: dict[Key, Row] = {}
    for bureau, category, channel, counts, days in kept.figures["rows"]:
        line = Row(bureau, category, channel)
        line.counts.update(counts)
        line.days = Counter(dict(days))
        rows[(bureau, category, channel)] = line
    return rows


def count_recent(db: Session, today: dt.date, months: int = 13) -> int:
    """Count and keep the last `months` settled months not kept yet, of every unit (for
    `qingfeng tick`); how many unit-months were counted."""
    counted = 0
    every = unit_ids(db)
    first = today.replace(day=1)
    starts: list[dt.date] = []
    for _ in range(months + 1):
        if settled(first, today):
            starts.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    # Which are kept already: one query, not one per unit and month.
    kept = {
        (month, unit)
        for month, unit in db.execute(
            select(StatisticMonth.month, StatisticMonth.unit_id).where(
                StatisticMonth.month.in_(starts)
            )
        )
    }
    for start in starts:
        for unit in every:
            if (start, unit) not in kept:
                month_rows(db, start, today, unit)
                counted += 1
    db.commit()
    return counted


def public_figures(
    db: Session, months: list[tuple[dt.date, dt.date]], today: dt.date
) -> dict[tuple[str, str], dict[str, int]]:
    """Received and concluded per (month, category), the installation's (every unit's):
    settled months from their kept figures.

    May fill a kept month's `by_category` or keep a month; the caller commits.
    """
    settled_starts = [start for start, _end in months if settled(start, today)]
    kept = {
        (month, unit): by_category
        for month, unit, by_category in db.execute(
            select(StatisticMonth.month, StatisticMonth.unit_id, StatisticMonth.by_category).where(
                StatisticMonth.month.in_(settled_starts)
            )
        )
    }
    every = unit_ids(db)
    out: dict[tuple[str, str], dict[str, int]] = {}
    for start in settled_starts:
        for unit in every:
            by_category = kept.get((start, unit))
            if by_category is None:
                by_category = _by_category(month_rows(db, start, today, unit))
                kept_month = db.get(StatisticMonth, (start, unit))
                if kept_month is not None:  # kept by another request, perhaps not visible here
                    kept_month.by_category = by_category
            for category, figures in by_category.items():
                cell = out.setdefault((start.strftime("%Y-%m"), category), dict.fromkeys(PUBLIC, 0))
                # A month kept before outcomes were recorded has received and concluded only.
                for index, column in enumerate(PUBLIC):
                    cell[column] += figures[index] if index < len(figures) else 0
    live = [(start, end) for start, end in months if start not in settled_starts]
    out.update(statistics.public_figures(db, live))
    return out

"""Statistics of finished months, counted once and kept.

A month's 统计表, once reported, should not move, and recounting two years of events for a
year's table is what made it slow (bench/README.md). Every step is dated the day it is
recorded, so from the second day after a month ends nothing can still be dated in it: the
month is settled, its table is counted once and kept in `statistic_months`, and a longer
period is the sum of its months. "Open at the end" is a stock, not a flow: a period takes
it from its last month. Later changes to a case (a reopened conclusion, a transfer) count
in the month they happen, never in a settled one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.domain.models import StatisticMonth
from intake.domain.oversight import statistics
from intake.domain.oversight.statistics import (
    PUBLIC,
    Key,
    Row,
    Table,
    month_bounds,
    summarise,
)
from intake.domain.oversight.statistics import SETTLE_DAYS as SETTLE_DAYS


def settled(start: dt.date, today: dt.date) -> bool:
    """Whether the month starting on `start` can no longer change."""
    _first, last = month_bounds(start.strftime("%Y-%m"))
    return today >= last + dt.timedelta(days=SETTLE_DAYS)


def month_table(db: Session, start: dt.date, today: dt.date) -> Table:
    """One month's table: kept if the month is settled (counted now if not yet), else live.

    May add a row to the session; the caller commits.
    """
    first, last = month_bounds(start.strftime("%Y-%m"))
    return summarise(first, last, month_rows(db, first, today))


def month_rows(db: Session, first: dt.date, today: dt.date) -> dict[Key, Row]:
    """The detail rows of the month `first` falls in, kept once it is settled."""
    first, last = month_bounds(first.strftime("%Y-%m"))
    if not settled(first, today):
        return statistics.count_rows(db, first, last)
    kept = _kept_rows(db, first)
    if kept is not None:
        return kept
    rows = statistics.count_rows(db, first, last)
    try:
        with db.begin_nested():
            db.add(
                StatisticMonth(
                    month=first,
                    counted_on=today,
                    figures=_encode(rows),
                    by_category=_by_category(rows),
                )
            )
    except IntegrityError:
        pass  # counted at the same moment by another request: the same figures
    return rows


def period_table(db: Session, start: dt.date, end: dt.date, today: dt.date) -> Table:
    """The table of whole months from `start` to `end` (first and last day of months)."""
    months: list[list[Row]] = []
    first = start
    while first <= end:
        month_start, month_end = month_bounds(first.strftime("%Y-%m"))
        if month_start != first or month_end > end:
            raise ValueError("a period of whole months")
        # Months are merged as rows: totals are summed once, for the period.
        months.append(list(month_rows(db, first, today).values()))
        first = month_end + dt.timedelta(days=1)
    if not months or first != end + dt.timedelta(days=1):
        raise ValueError("a period of whole months")
    return merge(start, end, months)


def merge(start: dt.date, end: dt.date, months: list[list[Row]]) -> Table:
    """Consecutive months' rows as one period: flows add up, the stock open at the end is the
    last month's."""
    rows: dict[Key, Row] = {}
    for index, lines in enumerate(months):
        last = index == len(months) - 1
        for line in lines:
            key = (line.bureau, line.category, line.channel)
            target = rows.get(key)
            if target is None:
                target = rows[key] = Row(*key)
            counts, adding = target.counts, line.counts
            for column, n in adding.items():
                if column != "open_at_end":
                    counts[column] = counts.get(column, 0) + n
            if last:
                counts["open_at_end"] = adding["open_at_end"]
            target.days.update(line.days)
    return summarise(start, end, rows)


def _encode(rows: dict[Key, Row]) -> dict[str, Any]:
    return {
        "rows": [
            [
                line.bureau,
                line.category,
                line.channel,
                {column: n for column, n in line.counts.items() if n},
                sorted(line.days.items()),
            ]
            for line in (rows[key] for key in sorted(rows))
        ]
    }


def _by_category(rows: dict[Key, Row]) -> dict[str, list[int]]:
    """What the public page shows of a month, per category, in the order of PUBLIC."""
    out: dict[str, list[int]] = {}
    for line in rows.values():
        cell = out.setdefault(line.category, [0] * len(PUBLIC))
        for index, column in enumerate(PUBLIC):
            cell[index] += line.counts[column]
    return out


def _kept_rows(db: Session, month: dt.date) -> dict[Key, Row] | None:
    kept = db.get(StatisticMonth, month)
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
    """Count and keep the last `months` settled months not kept yet (for `qingfeng tick`)."""
    counted = 0
    first = today.replace(day=1)
    for _ in range(months + 1):
        if settled(first, today) and db.get(StatisticMonth, first) is None:
            month_table(db, first, today)
            counted += 1
        first = (first - dt.timedelta(days=1)).replace(day=1)
    db.commit()
    return counted


def public_figures(
    db: Session, months: list[tuple[dt.date, dt.date]], today: dt.date
) -> dict[tuple[str, str], dict[str, int]]:
    """Received and concluded per (month, category): settled months from their kept figures.

    May fill a kept month's `by_category` or keep a month; the caller commits.
    """
    settled_starts = [start for start, _end in months if settled(start, today)]
    kept = dict(
        db.execute(
            select(StatisticMonth.month, StatisticMonth.by_category).where(
                StatisticMonth.month.in_(settled_starts)
            )
        ).all()
    )
    out: dict[tuple[str, str], dict[str, int]] = {}
    for start in settled_starts:
        by_category = kept.get(start)
        if by_category is None:
            by_category = _by_category(month_rows(db, start, today))
            kept_month = db.get(StatisticMonth, start)
            if kept_month is not None:  # kept by another request, perhaps not visible here
                kept_month.by_category = by_category
        for category, figures in by_category.items():
            # A month kept before outcomes were recorded has received and concluded only.
            out[(start.strftime("%Y-%m"), category)] = {
                column: figures[index] if index < len(figures) else 0
                for index, column in enumerate(PUBLIC)
            }
    live = [(start, end) for start, end in months if start not in settled_starts]
    out.update(statistics.public_figures(db, live))
    return out

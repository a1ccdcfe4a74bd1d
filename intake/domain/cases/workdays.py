"""Working days in mainland China: counting time limits that are set in 工作日.

Some time limits are set in working days rather than calendar days, and a working day in
China is not simply Monday to Friday: public holidays (法定节假日) are days off, and some
weekend days are working days (调休) to make up for them. Both change every year by a notice
of the State Council (国务院办公厅), so the dates live in calendar.toml next to this module
as data a deployment can update without a code change.

A year the file does not cover is counted with weekends as the only days off: a deadline must
still be computable when the next year's notice is late, and the file marks years whose
arrangement is not yet official as `provisional` so callers can tell.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

DEFAULT_PATH = Path(__file__).with_name("calendar.toml")

Mode = Literal["calendar", "working"]
MODES: tuple[str, ...] = ("calendar", "working")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_KEY = re.compile(r"^\d{4}$")
_YEAR_KEYS = frozenset({"source", "provisional", "holidays", "workdays"})
_SATURDAY = 5
_ONE_DAY = dt.timedelta(days=1)


class CalendarError(ValueError):
    """The calendar file is malformed; the message names the file, the year and the entry.

    Raised at load time so that a typo in the dates stops start-up instead of silently moving
    every deadline computed from it.
    """


@dataclass(frozen=True)
class WorkCalendar:
    """Days off and make-up working days for the years a calendar file covers.

    `holidays` are days off whatever the weekday; `workdays` are the 调休 Saturdays and
    Sundays that are working days. `years` lists the years the file covers and
    `provisional_years` those whose official arrangement was not yet published.
    """

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    years: frozenset[int]
    provisional_years: frozenset[int]

    def is_working_day(self, day: dt.date) -> bool:
        """Whether `day` is a working day.

        Monday to Friday unless a holiday; Saturday and Sunday only if a 调休 workday. In a
        year the calendar does not cover there are no holidays or workdays, so only weekends
        are days off.
        """
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < _SATURDAY


def load_calendar(path: Path | None = None) -> WorkCalendar:
    """Read and validate the calendar TOML at `path` (default: calendar.toml by this module).

    Raises CalendarError naming the file and the offending year and entry, so that a wrong
    date is caught when the service starts rather than when a deadline is already wrong.
    """
    path = DEFAULT_PATH if path is None else path
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CalendarError(f"{path}: cannot read the calendar file: {exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CalendarError(f"{path}: not valid TOML: {exc}") from exc

    years_table = data.get("years")
    if not isinstance(years_table, dict):
        raise CalendarError(f"{path}: missing [years.YYYY] tables")

    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    years: set[int] = set()
    provisional: set[int] = set()
    for key, entry in years_table.items():
        if not _YEAR_KEY.match(key):
            raise CalendarError(f"{path}: [years.{key}]: the year must be four digits")
        year = int(key)
        year_holidays, year_workdays, is_provisional = _parse_year(path, year, entry)
        years.add(year)
        if is_provisional:
            provisional.add(year)
        holidays |= year_holidays
        workdays |= year_workdays

    return WorkCalendar(
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        years=frozenset(years),
        provisional_years=frozenset(provisional),
    )


def add_days(start: dt.date, days: int, mode: Mode | str, calendar: WorkCalendar) -> dt.date:
    """The date `days` days after `start`.

    In "calendar" mode that is plain date arithmetic. In "working" mode it is the `days`-th
    working day after `start`, not counting `start` itself (the day a report arrives does not
    count toward its time limit). `days` == 0 returns `start` in both modes.
    Raises ValueError for an unknown mode or a negative `days`.
    """
    _check_mode(mode)
    if days < 0:
        raise ValueError(f"days must be zero or more, got {days}")
    if mode == "calendar":
        return start + dt.timedelta(days=days)
    day = start
    remaining = days
    while remaining:
        day += _ONE_DAY
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def days_between(start: dt.date, end: dt.date, mode: Mode | str, calendar: WorkCalendar) -> int:
    """How many calendar or working days lie after `start`, up to and including `end`.

    The inverse of add_days: days_between(s, add_days(s, n, m, c), m, c) == n.
    Returns 0 when `end` is on or before `start`. Raises ValueError for an unknown mode.
    """
    _check_mode(mode)
    if end <= start:
        return 0
    span = (end - start).days
    if mode == "calendar":
        return span
    return sum(
        1 for offset in range(1, span + 1) if calendar.is_working_day(start + dt.timedelta(offset))
    )


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")


def _parse_year(path: Path, year: int, entry: Any) -> tuple[set[dt.date], set[dt.date], bool]:
    """Validate one [years.YYYY] table; return its holidays, workdays and provisional flag."""
    where = f"{path}: [years.{year}]"
    if not isinstance(entry, dict):
        raise CalendarError(f"{where}: must be a table")
    unknown = sorted(set(entry) - _YEAR_KEYS)
    if unknown:
        raise CalendarError(f"{where}: unknown key(s) {', '.join(unknown)}")
    if "source" in entry and not isinstance(entry["source"], str):
        raise CalendarError(f"{where}: source must be a string")
    is_provisional = entry.get("provisional", False)
    if not isinstance(is_provisional, bool):
        raise CalendarError(f"{where}: provisional must be true or false")

    holidays: set[dt.date] = set()
    for index, pair in enumerate(_as_list(where, "holidays", entry.get("holidays", []))):
        item = f"{where} holidays[{index}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise CalendarError(f"{item}: must be a [start, end] pair, got {pair!r}")
        first = _parse_date(item, year, pair[0])
        last = _parse_date(item, year, pair[1])
        if last < first:
            raise CalendarError(f"{item}: range ends {last} before it starts {first}")
        holidays.update(first + dt.timedelta(n) for n in range((last - first).days + 1))

    workdays: set[dt.date] = set()
    for index, value in enumerate(_as_list(where, "workdays", entry.get("workdays", []))):
        item = f"{where} workdays[{index}]"
        day = _parse_date(item, year, value)
        if day.weekday() < _SATURDAY:
            raise CalendarError(
                f"{item}: {day} is a {day:%A}; a 调休 workday must be a Saturday or Sunday"
            )
        if day in holidays:
            raise CalendarError(f"{item}: {day} is listed both as a holiday and as a workday")
        workdays.add(day)

    return holidays, workdays, is_provisional


def _as_list(where: str, key: str, value: Any) -> Iterable[Any]:
    if not isinstance(value, list):
        raise CalendarError(f"{where}: {key} must be a list")
    return value


def _parse_date(item: str, year: int, value: Any) -> dt.date:
    """A date from an ISO "YYYY-MM-DD" string or a TOML date, which must lie in `year`."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    elif isinstance(value, str) and _ISO_DATE.match(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise CalendarError(f"{item}: bad date {value!r}: {exc}") from exc
    else:
        raise CalendarError(f"{item}: bad date {value!r}; expected YYYY-MM-DD")
    if day.year != year:
        raise CalendarError(f"{item}: {day} is not in {year}")
    return day

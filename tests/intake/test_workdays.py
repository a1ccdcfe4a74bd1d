"""Working-day arithmetic at the 2026 holiday edges, and a malformed calendar file refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from intake.domain.cases.workdays import (
    DEFAULT_PATH,
    CalendarError,
    WorkCalendar,
    add_days,
    days_between,
    load_calendar,
)

CALENDAR = load_calendar()

# Written from the 国务院办公厅 2026 notice, independently of calendar.toml.
EXPECTED_2026_WORKDAYS = {
    dt.date(2026, 1, 4),
    dt.date(2026, 2, 14),
    dt.date(2026, 2, 28),
    dt.date(2026, 5, 9),
    dt.date(2026, 9, 20),
    dt.date(2026, 10, 10),
}
EXPECTED_2026_HOLIDAY_COUNT = 3 + 9 + 3 + 5 + 3 + 3 + 7


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- the shipped file -------------------------------------------------------------------------


def test_shipped_calendar_covers_2026_and_provisional_2027() -> None:
    assert load_calendar(DEFAULT_PATH) == CALENDAR
    assert {2026, 2027} <= CALENDAR.years
    assert 2027 in CALENDAR.provisional_years
    assert 2026 not in CALENDAR.provisional_years


def test_shipped_2026_workdays_are_the_official_weekend_make_up_days() -> None:
    workdays_2026 = {day for day in CALENDAR.workdays if day.year == 2026}
    assert workdays_2026 == EXPECTED_2026_WORKDAYS
    for day in workdays_2026:
        assert day.weekday() in (5, 6), day


def test_shipped_2026_holidays_have_the_official_count() -> None:
    holidays_2026 = {day for day in CALENDAR.holidays if day.year == 2026}
    assert len(holidays_2026) == EXPECTED_2026_HOLIDAY_COUNT


def test_provisional_2027_has_the_statutory_days_off() -> None:
    for day in ("2027-01-01", "2027-02-05", "2027-02-08", "2027-10-01", "2027-10-03"):
        assert not CALENDAR.is_working_day(d(day)), day
    assert CALENDAR.is_working_day(d("2027-10-04"))


# --- is_working_day ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-09-30", True),  # Wednesday before 国庆
        ("2026-10-01", False),  # holiday on a weekday
        ("2026-10-10", True),  # make-up Saturday
        ("2026-10-11", False),  # ordinary Sunday
        ("2026-01-04", True),  # make-up Sunday
        ("2026-03-07", False),  # ordinary Saturday
    ],
)
def test_is_working_day(day: str, working: bool) -> None:
    assert CALENDAR.is_working_day(d(day)) is working


def test_year_not_in_the_file_counts_weekends_only() -> None:
    assert 2030 not in CALENDAR.years
    assert CALENDAR.is_working_day(d("2030-01-01"))  # New Year's Day, but no data for 2030
    assert not CALENDAR.is_working_day(d("2030-01-05"))  # Saturday
    assert add_days(d("2030-01-04"), 1, "working", CALENDAR) == d("2030-01-07")  # Fri -> Mon


# --- add_days at the holiday edges ------------------------------------------------------------


def test_national_day_week_is_skipped() -> None:
    assert add_days(d("2026-09-30"), 1, "working", CALENDAR) == d("2026-10-08")


def test_make_up_saturday_after_national_day_counts() -> None:
    assert add_days(d("2026-10-09"), 1, "working", CALENDAR) == d("2026-10-10")


def test_spring_festival_span() -> None:
    # Fri 13 Feb -> make-up Sat 14 Feb -> 15..23 Feb off -> Tue 24 Feb.
    assert add_days(d("2026-02-13"), 1, "working", CALENDAR) == d("2026-02-14")
    assert add_days(d("2026-02-13"), 2, "working", CALENDAR) == d("2026-02-24")
    assert add_days(d("2026-02-14"), 1, "working", CALENDAR) == d("2026-02-24")
    # Starting inside the holiday: the first working day is Tue 24 Feb.
    assert add_days(d("2026-02-17"), 1, "working", CALENDAR) == d("2026-02-24")
    # Fri 27 Feb -> make-up Sat 28 Feb.
    assert add_days(d("2026-02-27"), 1, "working", CALENDAR) == d("2026-02-28")
    assert days_between(d("2026-02-13"), d("2026-02-24"), "working", CALENDAR) == 2


def test_new_year_2026_make_up_sunday() -> None:
    # Wed 31 Dec 2025 -> 1..3 Jan off -> make-up Sun 4 Jan.
    assert add_days(d("2025-12-31"), 1, "working", CALENDAR) == d("2026-01-04")


def test_calendar_mode_ignores_holidays() -> None:
    assert add_days(d("2026-09-30"), 1, "calendar", CALENDAR) == d("2026-10-01")
    assert add_days(d("2026-02-14"), 10, "calendar", CALENDAR) == d("2026-02-24")
    assert days_between(d("2026-09-30"), d("2026-10-08"), "calendar", CALENDAR) == 8


@pytest.mark.parametrize("mode", ["calendar", "working"])
def test_zero_days_returns_start_even_on_a_holiday(mode: str) -> None:
    assert add_days(d("2026-10-03"), 0, mode, CALENDAR) == d("2026-10-03")
    assert add_days(d("2026-09-30"), 0, mode, CALENDAR) == d("2026-09-30")


@pytest.mark.parametrize("mode", ["calendar", "working"])
def test_negative_days_raise(mode: str) -> None:
    with pytest.raises(ValueError, match="zero or more"):
        add_days(d("2026-09-30"), -1, mode, CALENDAR)


def test_unknown_mode_raises() -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        add_days(d("2026-09-30"), 1, "business", CALENDAR)
    with pytest.raises(ValueError, match="unknown mode"):
        days_between(d("2026-09-30"), d("2026-10-08"), "business", CALENDAR)


# --- days_between -----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["calendar", "working"])
def test_days_between_is_zero_when_end_is_not_after_start(mode: str) -> None:
    assert days_between(d("2026-10-08"), d("2026-10-08"), mode, CALENDAR) == 0
    assert days_between(d("2026-10-08"), d("2026-09-30"), mode, CALENDAR) == 0


def test_days_between_across_national_day() -> None:
    assert days_between(d("2026-09-30"), d("2026-10-08"), "working", CALENDAR) == 1
    assert days_between(d("2026-09-30"), d("2026-10-07"), "working", CALENDAR) == 0
    assert days_between(d("2026-09-30"), d("2026-10-10"), "working", CALENDAR) == 3


@pytest.mark.parametrize("mode", ["calendar", "working"])
def test_days_between_round_trips_with_add_days_for_every_start_in_2026(mode: str) -> None:
    start = d("2026-01-01")
    while start.year == 2026:
        for n in (1, 5, 15):
            end = add_days(start, n, mode, CALENDAR)
            assert days_between(start, end, mode, CALENDAR) == n, (start, n)
            if mode == "working":
                assert CALENDAR.is_working_day(end), (start, n)
        start += dt.timedelta(days=1)


# --- a malformed file is refused, naming the file and the entry -------------------------------


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "calendar.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_minimal_file_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[years.2026]\nsource = "x"\nholidays = [["2026-10-01", "2026-10-07"]]\n'
        'workdays = ["2026-10-10"]\n',
    )
    calendar = load_calendar(path)
    assert calendar == WorkCalendar(
        holidays=frozenset(d("2026-10-01") + dt.timedelta(n) for n in range(7)),
        workdays=frozenset({d("2026-10-10")}),
        years=frozenset({2026}),
        provisional_years=frozenset(),
    )


@pytest.mark.parametrize(
    ("body", "entry", "problem"),
    [
        pytest.param(
            'holidays = [["2026-02-30", "2026-03-01"]]',
            "holidays[0]",
            "bad date '2026-02-30'",
            id="impossible-date",
        ),
        pytest.param(
            'holidays = [["2026/10/01", "2026/10/07"]]',
            "holidays[0]",
            "bad date '2026/10/01'",
            id="not-iso-date",
        ),
        pytest.param(
            'workdays = ["tomorrow"]',
            "workdays[0]",
            "bad date 'tomorrow'",
            id="bad-workday-date",
        ),
        pytest.param(
            'holidays = [["2026-01-01", "2026-01-03"], ["2026-10-07", "2026-10-01"]]',
            "holidays[1]",
            "ends 2026-10-01 before it starts 2026-10-07",
            id="end-before-start",
        ),
        pytest.param(
            'holidays = [["2026-10-01", "2026-10-07"]]\nworkdays = ["2026-10-10", "2026-10-03"]',
            "workdays[1]",
            "2026-10-03 is listed both as a holiday and as a workday",
            id="holiday-and-workday",
        ),
        pytest.param(
            'workdays = ["2026-10-09"]',
            "workdays[0]",
            "2026-10-09 is a Friday",
            id="workday-not-weekend",
        ),
        pytest.param(
            'holidays = [["2026-12-31", "2027-01-01"]]',
            "holidays[0]",
            "2027-01-01 is not in 2026",
            id="date-outside-its-year",
        ),
        pytest.param(
            'holidays = [["2026-10-01"]]',
            "holidays[0]",
            "must be a [start, end] pair",
            id="not-a-pair",
        ),
    ],
)
def test_malformed_entry_is_refused_naming_file_year_and_entry(
    tmp_path: Path, body: str, entry: str, problem: str
) -> None:
    path = write(tmp_path, f'[years.2026]\nsource = "test"\n{body}\n')
    with pytest.raises(CalendarError) as caught:
        load_calendar(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"[years.2026] {entry}" in message
    assert problem in message


def test_calendar_error_is_a_value_error() -> None:
    assert issubclass(CalendarError, ValueError)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param("[years.2026\n", "not valid TOML", id="toml-syntax"),
        pytest.param('title = "no years"\n', "missing [years.YYYY]", id="no-years"),
        pytest.param("[years.26]\nholidays = []\n", "[years.26]", id="short-year"),
        pytest.param("[years.2026]\nholiday = []\n", "unknown key(s) holiday", id="typo-key"),
        pytest.param('[years.2026]\nprovisional = "yes"\n', "true or false", id="provisional"),
    ],
)
def test_malformed_file_is_refused(tmp_path: Path, body: str, problem: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(CalendarError) as caught:
        load_calendar(path)
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CalendarError, match="cannot read"):
        load_calendar(tmp_path / "absent.toml")

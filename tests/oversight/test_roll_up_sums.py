"""A unit's table summed from its subtree's kept months in one read gives the very table a
recount gives: every unit's months counted from the steps one by one, merged month by month
(flows added, the stock taken from the last month) and added up by unit.

An invented city with two counties, a home county beside them and the city's own bureau;
cases received, transferred, handed over and concluded across four months, some concluded
after the period, some never.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import uuid
from collections import Counter

import pytest
from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy import func, insert, select

from intake.domain import units
from intake.domain.models import Bureau, Event, Measure, Report, StatisticMonth, Unit
from intake.domain.oversight import settled_months, statistics, unit_statistics
from intake.domain.oversight.statistics import Key, Row, Scope, Table
from intake.platform import db

CITY, NORTH, SOUTH = "sum-city", "sum-north", "sum-south"
CODES = ("health", "healthcare_security", "market_regulation")
CATEGORIES = ("kickbacks", "insurance_fraud", "overtreatment")
CHANNELS = ("web", "hotline", "letter")
#: The period summed, and the day it is read (every month of it settled by then).
START, END = dt.date(2026, 3, 1), dt.date(2026, 6, 30)
READ_ON = dt.date(2026, 8, 10)


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    return [
        statistics.month_bounds(m.strftime("%Y-%m"))
        for m in settled_months.whole_months(start, end)
    ]


def _recount(session, unit: Unit, start: dt.date, end: dt.date) -> unit_statistics.RollUp:
    """The roll-up as it was made before kept months were summed in one read: each unit's
    months counted one by one, merged into the period as Rows, and the units added by code."""
    sections = []
    for below in unit_statistics.units_counted(session, unit):
        months = [
            statistics.count_rows(session, first, last, Scope(below.id))
            for first, last in _months(start, end)
        ]
        rows: dict[Key, Row] = {}
        for index, month in enumerate(months):
            for line in month.values():
                target = rows.setdefault(
                    (line.bureau, line.category, line.channel),
                    Row(line.bureau, line.category, line.channel),
                )
                for column, n in line.counts.items():
                    if column != "open_at_end":
                        target.counts[column] = target.counts.get(column, 0) + n
                if index == len(months) - 1:
                    target.counts["open_at_end"] = line.counts["open_at_end"]
                target.days.update(line.days)
        sections.append((below, statistics.summarise(start, end, rows)))
    total: dict[Key, Row] = {}
    for below, table in sections:
        for line in table.rows:
            key = (below.code, line.category, line.channel)
            target = total.setdefault(key, Row(*key))
            for column, n in line.counts.items():
                target.counts[column] = target.counts.get(column, 0) + n
            target.days.update(line.days)
    return unit_statistics.RollUp(unit, sections, statistics.summarise(start, end, total))


def _cells(table: Table) -> list[tuple]:
    return [
        (r.bureau, r.category, r.channel, dict(r.counts), +r.days, r.median_days)
        for r in [*table.rows, *table.bureau_totals, table.total]
    ]


def _seed(session, rng: random.Random) -> None:
    """Units, their bureaus, and cases with their steps as the app records them."""
    home = units.home(session)
    units.add_unit(session, CITY, "丙市（虚构）", "city", None)
    home.parent_id = units.by_code(session, CITY).id
    for code in (NORTH, SOUTH):
        units.add_unit(session, code, f"{code}（虚构）", "county", CITY)
    present = {tuple(r) for r in session.execute(select(Bureau.unit_id, Bureau.code))}
    for unit in session.scalars(select(Unit)).all():
        codes = CODES if unit.code != CITY else CODES[:1]
        session.add_all(
            Bureau(code=c, unit_id=unit.id) for c in codes if (unit.id, c) not in present
        )
    session.flush()
    bureaus = session.execute(select(Bureau.id, Bureau.code).where(Bureau.code.in_(CODES))).all()
    reports, events, measures = [], [], []
    for _ in range(400):
        bureau_id, code = rng.choice(bureaus)
        received = START - dt.timedelta(days=20) + dt.timedelta(days=rng.randint(0, 150))
        decided = received + dt.timedelta(days=rng.randint(1, 10))
        concluded = decided + dt.timedelta(days=rng.randint(3, 60))
        report_id = str(uuid.uuid4())
        category, channel = rng.choice(CATEGORIES), rng.choice(CHANNELS)
        fate = rng.random()
        finding = rng.choice(("substantiated", "partly_substantiated", "not_substantiated"))
        done = fate < 0.6 and concluded <= READ_ON
        reports.append({
            "id": report_id, "reference": "QF-" + uuid.uuid4().hex[:12].upper(),
            "lookup_tag": os.urandom(32), "channel": channel, "source": None,
            "category": category, "received_on": received,
            "state": "concluded" if done else "accepted",
            "decision_due": received + dt.timedelta(days=15), "lead_bureau_id": bureau_id,
            "routing": {}, "official_involved": False, "real_name": False, "content": b"",
            "contact": None, "accepted_on": decided, "concluded_on": concluded if done else None,
            "finding": finding if done else None,
        })  # fmt: skip
        step = {"report_id": report_id, "bureau": code, "detail": {}, "category": category,
                "channel": channel, "received_on": received}  # fmt: skip
        events.append({**step, "kind": "received", "ordinal": 1, "occurred_on": received})
        events.append({**step, "kind": "accepted", "ordinal": 2, "occurred_on": decided})
        if 0.6 <= fate < 0.7:
            other = rng.choice([c for c in CODES if c != code])
            events.append({**step, "kind": "transferred", "ordinal": 3, "value": other,
                           "occurred_on": decided + dt.timedelta(days=2)})  # fmt: skip
        if 0.7 <= fate < 0.8:
            events.append({**step, "kind": "handed_over", "ordinal": 3, "value": "police",
                           "occurred_on": decided + dt.timedelta(days=3)})  # fmt: skip
        if done:
            events.append({**step, "kind": "concluded", "ordinal": 4, "value": finding,
                           "occurred_on": concluded})  # fmt: skip
            told = concluded + dt.timedelta(days=rng.randint(0, 20))
            value = rng.choice(("result", "visit:satisfied", "visit:dissatisfied"))
            events.append({**step, "kind": "feedback_given", "ordinal": 5, "value": value,
                           "occurred_on": told})  # fmt: skip
            measures.append({"report_id": report_id, "kind": "fund_recovered", "quantity": 500,
                             "recorded_on": concluded, "bureau": code, "category": category,
                             "channel": channel})  # fmt: skip
            reports[-1]["real_name"] = rng.random() < 0.5
            if rng.random() < 0.2:
                reports[-1]["reward_amount"] = 10_000
                reports[-1]["reward_proposed_on"] = concluded
        if rng.random() < 0.1:
            events.append({**step, "kind": "listed", "ordinal": 6, "value": "listed",
                           "occurred_on": decided})  # fmt: skip
    # Repeats: a later case marked as a repeat of an earlier one, of its unit or another's.
    for repeat, first in zip(reports[300:330], reports[:30], strict=True):
        marked = repeat["received_on"] + dt.timedelta(days=rng.randint(0, 40))
        for case, kind, value in ((repeat, "marked_repeat", first["reference"]),
                                  (first, "repeat_linked", repeat["reference"])):  # fmt: skip
            events.append({"report_id": case["id"], "bureau": None, "detail": {},
                           "category": case["category"], "channel": case["channel"],
                           "received_on": case["received_on"], "kind": kind, "ordinal": 9,
                           "value": value, "occurred_on": marked})  # fmt: skip
    session.execute(insert(Report), reports)
    session.execute(insert(Event), events)
    session.execute(insert(Measure), measures)
    session.commit()


@pytest.fixture
def tree(app: Flask) -> Flask:
    with app.app_context():
        _seed(db.session(), random.Random(23))
    return app


@pytest.mark.parametrize(("start", "end"), [(START, END), (END.replace(day=1), END)])
def test_a_roll_up_from_kept_months_is_the_recount(
    tree: Flask, start: dt.date, end: dt.date
) -> None:
    with tree.app_context():
        session = db.session()
        for code in (CITY, NORTH):
            unit = units.by_code(session, code)
            expected = _recount(session, unit, start, end)
            first = unit_statistics.roll_up(session, unit, start, end, READ_ON)  # keeps months
            session.commit()
            again = unit_statistics.roll_up(session, unit, start, end, READ_ON)  # reads them
            for made in (first, again):
                assert [u.code for u, _t in made.sections] == [
                    u.code for u, _t in expected.sections
                ]
                for (_u, table), (_e, want) in zip(made.sections, expected.sections, strict=True):
                    assert _cells(table) == _cells(want)
                assert _cells(made.total) == _cells(expected.total)
        city = expected.total.total
        # The invented tree has what the comparison must cover.
        for column in ("open_at_end", "handed_over_police", "transferred_in", "substantiated"):
            assert city.counts[column], column
        assert city.days


def test_the_kept_months_are_read_in_one_query(tree: Flask) -> None:
    with tree.app_context():
        session = db.session()
        city = units.by_code(session, CITY)
        unit_statistics.roll_up(session, city, START, END, READ_ON)
        session.commit()
        kept = session.scalar(select(func.count()).select_from(StatisticMonth))
        assert kept == 4 * 4  # four units taking reports, four months
        statements: list[str] = []

        def seen(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        engine = session.get_bind()
        sa_event.listen(engine, "before_cursor_execute", seen)
        try:
            year = unit_statistics.roll_up(session, city, START, END, READ_ON)
        finally:
            sa_event.remove(engine, "before_cursor_execute", seen)
        assert year.total.total.counts["received"]
        assert sum("statistic_months" in s for s in statements) == 1
        # The subtree (units, their parents, the units taking reports) and the kept months.
        assert len(statements) <= 4, statements


def test_a_period_table_of_every_unit_adds_codes_across_units(tree: Flask) -> None:
    with tree.app_context():
        session = db.session()
        table = settled_months.period_table(session, START, END, READ_ON)
        session.commit()
        summed = statistics.count_rows(session, *statistics.month_bounds("2026-06"))
        # The stock is the last month's; every unit's rows of a bureau code on one line.
        assert table.total.counts["open_at_end"] == sum(
            r.counts["open_at_end"] for r in summed.values()
        )
        received = Counter()
        for first, last in _months(START, END):
            for line in statistics.count_rows(session, first, last).values():
                received[line.bureau] += line.counts["received"]
        shown = {t.bureau: t.counts["received"] for t in table.bureau_totals}
        assert +Counter(shown) == +received


@pytest.mark.parametrize("month", ["2026-03", "2026-05", "2026-06"])
def test_units_counted_in_one_pass_are_each_unit_counted_alone(tree: Flask, month: str) -> None:
    first, last = statistics.month_bounds(month)
    with tree.app_context():
        session = db.session()
        every = [u.id for u in unit_statistics.units_counted(session, units.by_code(session, CITY))]
        together = statistics.count_units(session, first, last, every)
        alone = {u: statistics.count_rows(session, first, last, Scope(u)) for u in every}
        assert together.keys() == alone.keys()
        for unit in every:
            assert _keyed(together[unit]) == _keyed(alone[unit])
        # The invented month has every kind of figure the pass splits by unit.
        summed = Counter()
        for rows in alone.values():
            for line in rows.values():
                summed.update({c: n for c, n in line.counts.items() if n})
        for column in ("received", "repeats", "named_fed_back", "visits_satisfied", "listed",
                       "fund_recovered", "cases_with_measures", "open_at_end"):  # fmt: skip
            assert summed[column], column
        if month == "2026-05":
            assert summed["rewards_proposed_fen"]


def _keyed(rows: dict[Key, Row]) -> dict[Key, tuple]:
    return {key: (dict(line.counts), +line.days) for key, line in rows.items()}


def test_the_collector_is_paused_only_while_kept_months_are_added() -> None:
    assert gc.isenabled()
    with settled_months.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    # Paused by someone else already: left paused.
    gc.disable()
    try:
        with settled_months.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def _lines(table: Table) -> list[tuple]:
    return [(r.bureau, dict(r.counts), +r.days, r.median_days)
            for r in [*table.bureau_totals, table.total]]  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end", "read_on"),
    [
        (START, END, READ_ON),
        # The last month still running: counted live, its line made from its rows.
        (START, END, END - dt.timedelta(days=3)),
    ],
)
def test_a_line_per_unit_is_each_unit_s_rows_added_up(
    tree: Flask, start: dt.date, end: dt.date, read_on: dt.date
) -> None:
    """What a province's page reads of a period (a kept line per unit-month) gives each
    unit's total and the grand total the full roll-up gives, months kept before lines were
    kept included."""
    with tree.app_context():
        session = db.session()
        city = units.by_code(session, CITY)
        full = unit_statistics.roll_up(session, city, start, end, read_on)  # keeps months
        session.commit()
        # A month kept by an older Qingfeng has no line: it is read whole once and gets one.
        older = session.scalars(select(StatisticMonth)).first()
        assert older is not None
        older.figures = {"rows": older.figures["rows"]}
        session.commit()
        for _ in range(2):
            lines = unit_statistics.roll_up_lines(session, city, start, end, read_on)
            session.commit()
            assert _lines(lines.total) == _lines(full.total)
            assert [u.code for u, _t in lines.sections] == [u.code for u, _t in full.sections]
            for (_u, table), (_f, whole) in zip(lines.sections, full.sections, strict=True):
                assert _lines(table)[-1] == _lines(whole)[-1]
        session.refresh(older)
        assert settled_months.TOTAL in older.figures
        assert full.total.total.counts["open_at_end"]

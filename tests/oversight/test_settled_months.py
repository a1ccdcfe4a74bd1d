"""Finished months are counted once and kept; a longer period is the sum of its months."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import func, select, update

from intake.domain import units
from intake.domain.installation import DemoAccount
from intake.domain.models import Event, Report, StatisticMonth
from intake.domain.oversight import settled_months, statistics
from intake.platform import db
from tests.oversight.seed import seed_month
from tests.oversight.test_statistics import private_keys

SEPTEMBER, OCTOBER = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
LATER = dt.date(2026, 11, 25)


def cells(table: statistics.Table) -> dict[tuple[str, str, str], tuple]:
    return {
        (r.bureau, r.category, r.channel): (tuple(r.counts.items()), r.median_days)
        for r in [*table.rows, *table.bureau_totals, table.total]
    }


@pytest.fixture
def two_months(app: Flask, accounts: dict[str, DemoAccount]) -> Flask:
    keys = private_keys(app, accounts)
    seed_month(app, keys, SEPTEMBER, count=50, seed=3)
    seed_month(app, keys, OCTOBER, count=50, seed=4)
    return app


def test_a_month_settles_on_the_second_day_after_it_ends() -> None:
    assert not settled_months.settled(OCTOBER, dt.date(2026, 11, 1))
    assert settled_months.settled(OCTOBER, dt.date(2026, 11, 2))
    assert not settled_months.settled(dt.date(2028, 2, 1), dt.date(2028, 3, 1))
    assert settled_months.settled(dt.date(2028, 2, 1), dt.date(2028, 3, 2))


def test_a_period_of_kept_months_equals_counting_it_whole(two_months: Flask) -> None:
    with two_months.app_context():
        session = db.session()
        whole = statistics.compute(session, SEPTEMBER, dt.date(2026, 10, 31))
        merged = settled_months.period_table(session, SEPTEMBER, dt.date(2026, 10, 31), LATER)
        session.commit()
        assert whole.total.counts["received"] > 40
        assert whole.total.counts["open_at_end"] > 0
        assert whole.total.median_days is not None
        assert cells(merged) == cells(whole)
        # Both months are now kept, and read back they give the same again.
        assert session.scalar(select(func.count()).select_from(StatisticMonth)) == 2
        again = settled_months.period_table(session, SEPTEMBER, dt.date(2026, 10, 31), LATER)
        assert cells(again) == cells(whole)


def test_a_kept_month_does_not_move_but_an_unsettled_one_does(two_months: Flask) -> None:
    with two_months.app_context():
        session = db.session()
        kept = settled_months.month_table(session, OCTOBER, LATER)
        session.commit()
        report = session.scalars(select(Report)).first()
        assert report is not None
        # A step dated inside October after it was counted (it cannot happen in the app).
        report.events.append(
            Event(kind="received", occurred_on=dt.date(2026, 10, 15), bureau="health", detail={})
        )
        session.commit()
        live = statistics.compute(session, OCTOBER, dt.date(2026, 10, 31))
        assert live.total.counts["received"] == kept.total.counts["received"] + 1
        later = settled_months.month_table(session, OCTOBER, LATER)
        assert cells(later) == cells(kept)
        # On the first of November October is not settled yet: it is counted live.
        early = settled_months.month_table(session, OCTOBER, dt.date(2026, 11, 1))
        assert cells(early) == cells(live)


def test_tick_counts_each_finished_month_once(two_months: Flask) -> None:
    with two_months.app_context():
        session = db.session()
        assert settled_months.count_recent(session, LATER) == 13
        assert settled_months.count_recent(session, LATER) == 0
        kept = session.get(StatisticMonth, (OCTOBER, units.home(session).id))
        assert kept is not None
        assert kept.counted_on == LATER
        assert session.get(StatisticMonth, (dt.date(2026, 11, 1), units.home(session).id)) is None


def test_public_figures_from_kept_months_equal_the_live_count(two_months: Flask) -> None:
    months = [(SEPTEMBER, dt.date(2026, 9, 30)), (OCTOBER, dt.date(2026, 10, 31))]
    with two_months.app_context():
        session = db.session()
        live = statistics.public_figures(session, months)
        kept = settled_months.public_figures(session, months, LATER)
        assert {k: v for k, v in kept.items() if any(v.values())} == live
        assert sum(v["received"] for v in live.values()) > 40


def test_public_figures_of_a_kept_month_do_not_move(two_months: Flask) -> None:
    months = [(OCTOBER, dt.date(2026, 10, 31))]
    with two_months.app_context():
        session = db.session()
        before = settled_months.public_figures(session, months, LATER)
        session.commit()
        kept = session.get(StatisticMonth, (OCTOBER, units.home(session).id))
        assert kept is not None
        assert kept.by_category
        report = session.scalars(select(Report)).first()
        assert report is not None
        report.events.append(
            Event(kind="received", occurred_on=dt.date(2026, 10, 15), bureau="health", detail={})
        )
        session.commit()
        assert settled_months.public_figures(session, months, LATER) == before
        live = statistics.public_figures(session, months)
        assert sum(v["received"] for v in live.values()) == (
            sum(v["received"] for v in before.values()) + 1
        )


def test_public_figures_of_a_kept_month_are_read_from_its_kept_column(two_months: Flask) -> None:
    months = [(OCTOBER, dt.date(2026, 10, 31))]
    with two_months.app_context():
        session = db.session()
        settled_months.public_figures(session, months, LATER)
        session.commit()
        session.execute(
            update(StatisticMonth)
            .where(StatisticMonth.month == OCTOBER)
            .values(by_category={"kickbacks": [1000, 7]})
        )
        session.commit()
        figures = settled_months.public_figures(session, months, LATER)
        # A month kept before outcomes were counted has none to show.
        assert figures == {
            ("2026-10", "kickbacks"): {
                "received": 1000,
                "concluded": 7,
                "cases_with_measures": 0,
                "fund_recovered": 0,
            }
        }


def test_a_month_kept_before_public_figures_were_kept_gets_them(two_months: Flask) -> None:
    months = [(SEPTEMBER, dt.date(2026, 9, 30)), (OCTOBER, dt.date(2026, 10, 31))]
    with two_months.app_context():
        session = db.session()
        settled_months.count_recent(session, LATER)
        live_before = statistics.public_figures(session, months)
        # As the migration leaves them: SQL NULL. Then a step dated in October, which a recount
        # would see and the kept table does not.
        session.execute(update(StatisticMonth).values(by_category=sa.null()))
        report = session.scalars(select(Report)).first()
        assert report is not None
        report.events.append(
            Event(kind="received", occurred_on=dt.date(2026, 10, 15), bureau="health", detail={})
        )
        session.commit()
        figures = settled_months.public_figures(session, months, LATER)
        session.commit()
        assert {k: v for k, v in figures.items() if any(v.values())} == live_before
        session.expire_all()
        stored = dict(
            session.execute(select(StatisticMonth.month, StatisticMonth.by_category)).all()
        )
        assert sum(figures[0] for figures in stored[OCTOBER].values()) == sum(
            v["received"] for (month, _), v in live_before.items() if month == "2026-10"
        )


def test_public_figures_when_another_request_kept_the_month_first(
    two_months: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    months = [(OCTOBER, dt.date(2026, 10, 31))]
    with two_months.app_context():
        session = db.session()
        settled_months.month_table(session, OCTOBER, LATER)
        session.execute(update(StatisticMonth).values(by_category=sa.null()))
        session.commit()
        # This request did not see the kept month, counts it and finds it kept on insert.
        monkeypatch.setattr(settled_months, "_kept_rows", lambda _db, _month, _unit: None)
        figures = settled_months.public_figures(session, months, LATER)
        session.commit()
        assert {k: v for k, v in figures.items() if any(v.values())} == (
            statistics.public_figures(session, months)
        )
        session.expire_all()
        kept = session.get(StatisticMonth, (OCTOBER, units.home(session).id))
        assert kept is not None
        assert kept.by_category


@pytest.mark.parametrize(
    ("start", "end"),
    [(dt.date(2026, 9, 2), dt.date(2026, 10, 31)), (SEPTEMBER, dt.date(2026, 10, 30))],
)
def test_a_period_must_be_whole_months(app: Flask, start: dt.date, end: dt.date) -> None:
    with app.app_context(), pytest.raises(ValueError, match="whole months"):
        settled_months.period_table(db.session(), start, end, LATER)


def test_every_step_carries_its_case_facts(two_months: Flask) -> None:
    # Statistics group steps by these copies without reading the reports (ix_events_statistics).
    with two_months.app_context():
        session = db.session()
        steps = session.scalars(select(Event)).all()
        assert steps
        for step in steps:
            report = step.report
            assert (step.category, step.channel, step.received_on) == (
                report.category, report.channel, report.received_on,
            )  # fmt: skip

"""The 统计表 counts a matter once: repeats (重复件) show on the first case's row and are not
counted again as received (docs/rules.md §9); a repeat marked after its month was kept counts
in the month it was marked, and the kept month does not move. The 台账 gives the first case
its repeat count."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from admin.statistics import tables
from intake.domain.cases import casework
from intake.domain.cases.content import ReportContent
from intake.domain.cases.repeats import mark_repeat
from intake.domain.cases.reports import Submission, submit_report
from intake.domain.models import Bureau, Report, StaffMember
from intake.domain.oversight import ledger, settled_months, statistics
from intake.platform import context, db

SEPTEMBER, OCTOBER = statistics.month_bounds("2026-09"), statistics.month_bounds("2026-10")
LATER = dt.date(2026, 12, 1)
#: name → category, channel, day received; and for a repeat the day it was marked.
REPORTS = {
    "first": ("kickbacks", "web", dt.date(2026, 9, 5), None),
    "quick": ("kickbacks", "hotline", dt.date(2026, 9, 10), dt.date(2026, 9, 20)),
    # Marked on 1 October: September is not settled yet (docs/rules.md §7), so it counts there.
    "next_day": ("kickbacks", "letter", dt.date(2026, 9, 25), dt.date(2026, 10, 1)),
    # Marked after September was counted and kept: it stays received there, a repeat in October.
    "late": ("kickbacks", "hotline", dt.date(2026, 9, 28), dt.date(2026, 10, 5)),
    # Another category and bureau: the repeat counts on the first case's row.
    "other_bureau": ("insurance_fraud", "hotline", dt.date(2026, 10, 3), dt.date(2026, 10, 8)),
    "new_matter": ("kickbacks", "hotline", dt.date(2026, 10, 4), None),
}
HEALTH_WEB, HEALTH_HOTLINE = ("health", "kickbacks", "web"), ("health", "kickbacks", "hotline")
HEALTH_LETTER = ("health", "kickbacks", "letter")
INSURER_HOTLINE = ("healthcare_security", "insurance_fraud", "hotline")


def submit_and_mark(app: Flask, names: list[str], kept_on: dt.date | None = None) -> None:
    with app.app_context():
        session, settings, taxonomy = db.session(), context.settings(), context.taxonomy()
        someone = session.scalars(select(StaffMember)).first()
        assert someone is not None
        for name in names:
            category, channel, received, _marked = REPORTS[name]
            submit_report(
                session,
                settings,
                taxonomy,
                Submission(category, False, ReportContent(f"{name} (invented)"), channel=channel),
                received,
            )
        session.commit()
        by_day = {r.received_on: r for r in session.scalars(select(Report))}
        first = by_day[REPORTS["first"][2]]
        for name in names:
            marked = REPORTS[name][3]
            if marked is None:
                continue
            now = dt.datetime.combine(marked, dt.time(10), dt.UTC)
            actor = casework.Actor(someone, now, marked, secret_key=settings.secret_key)
            mark_repeat(session, by_day[REPORTS[name][2]], first, actor)
        session.commit()
        if kept_on is not None:
            settled_months.month_table(session, SEPTEMBER[0], kept_on)
            session.commit()


def figures(table: statistics.Table) -> dict[tuple[str, str, str], tuple[int, int]]:
    return {
        (r.bureau, r.category, r.channel): (r.counts["received"], r.counts["repeats"])
        for r in table.rows
        if r.counts["received"] or r.counts["repeats"]
    }


def test_repeats_count_once_on_the_first_case_and_kept_months_stay(app: Flask) -> None:
    # September is kept on 2 October, before "late" is marked on 5 October.
    submit_and_mark(app, ["first", "quick", "next_day", "late"], kept_on=dt.date(2026, 10, 2))
    submit_and_mark(app, ["other_bureau", "new_matter"])
    with app.app_context():
        session = db.session()
        september = settled_months.month_table(session, SEPTEMBER[0], LATER)
        october = settled_months.month_table(session, OCTOBER[0], LATER)
        both = settled_months.period_table(session, SEPTEMBER[0], OCTOBER[1], LATER)
        whole = statistics.compute(session, SEPTEMBER[0], OCTOBER[1])
        session.commit()
    # Counted by hand from REPORTS: (received, repeats) per bureau × category × channel.
    assert figures(september) == {HEALTH_WEB: (1, 2), HEALTH_HOTLINE: (1, 0)}
    assert figures(october) == {HEALTH_WEB: (0, 2), HEALTH_HOTLINE: (1, 0)}
    assert figures(both) == figures(whole) == {HEALTH_WEB: (1, 4), HEALTH_HOTLINE: (2, 0)}
    assert (both.total.counts["received"], both.total.counts["repeats"]) == (3, 4)
    # Nothing of the repeats shows as received in their own rows.
    assert HEALTH_LETTER not in figures(both)
    assert INSURER_HOTLINE not in figures(both)


def test_a_kept_month_counted_before_a_repeat_was_marked_equals_a_recount(app: Flask) -> None:
    submit_and_mark(app, ["first", "quick", "next_day", "late"], kept_on=dt.date(2026, 10, 2))
    with app.app_context():
        session = db.session()
        kept = settled_months.month_table(session, SEPTEMBER[0], LATER)
        recount = statistics.compute(session, *SEPTEMBER)
    assert figures(kept) == figures(recount)


def test_the_ledger_gives_the_first_case_its_repeat_count(app: Flask) -> None:
    submit_and_mark(app, list(REPORTS))
    with app.test_request_context(), force_locale("zh_CN"):
        session = db.session()
        lines = {}
        for code in ("health", "healthcare_security"):
            bureau = session.scalars(select(Bureau).where(Bureau.code == code)).one()
            lines.update({line.received_on: line for line in ledger.lines(session, bureau, None)})
        first = lines[REPORTS["first"][2]]
        repeats = [name for name, (*_, marked) in REPORTS.items() if marked]
        assert first.repeats == len(repeats) == 4
        for name in repeats:
            line = lines[REPORTS[name][2]]
            assert (line.repeat_of, line.repeats) == (first.reference, 0)
            assert tables.ledger_row(line, False, tables._Names())[-1] == (
                f"重复件，并入{first.reference}"
            )
        assert tables.ledger_row(first, False, tables._Names())[-1] == 4
        assert lines[REPORTS["new_matter"][2]].repeats == 0
        assert lines[REPORTS["new_matter"][2]].repeat_of is None

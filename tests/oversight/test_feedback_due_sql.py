"""Late feedback to real-name reporters chosen in SQL (oversight/feedback_due.py) is exactly
what cases/feedback.py's `duties` says, over many invented cases: every profile (and none,
and one the limits table lacks), every state, feedback given or not, before or after a
conclusion, repeats, destroyed and anonymous cases, dates around the holidays, 调休 and
weekends of cases/calendar.toml. The two can never drift apart."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import uuid
from collections import Counter
from dataclasses import dataclass

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from intake.domain.cases import feedback
from intake.domain.models import Bureau, Report, ReporterFeedback
from intake.domain.oversight import feedback_due
from intake.platform import context, db

#: 春节 2026, 国庆 2026 with its 调休 Saturday, and the provisional 2027 table's New Year.
FIRST, LAST = dt.date(2026, 1, 20), dt.date(2027, 1, 20)
PROFILES = (None, "discipline", "insurance", "petition", "default", "retired-profile", "")
STATES = (
    "received",
    "transferred",
    "accepted",
    "in_progress",
    "under_review",
    "not_accepted",
    "concluded",
)
_numbers = itertools.count()


@dataclass(frozen=True)
class Given:
    kind: str
    after: int  # days after receipt


@dataclass(frozen=True)
class Case:
    bureau: int  # index into the bureaus used
    profile: str | None
    state: str
    repeat: bool
    destroyed: bool
    received: dt.date
    accepted_after: int | None
    concluded_after: int | None
    given: tuple[Given, ...]


def _days(top: int) -> st.SearchStrategy[int | None]:
    return st.one_of(st.none(), st.integers(0, top))


cases = st.builds(
    Case,
    bureau=st.integers(0, 2),
    profile=st.sampled_from(PROFILES),
    state=st.sampled_from(STATES),
    repeat=st.booleans(),
    destroyed=st.sampled_from((False, False, False, True)),
    received=st.dates(FIRST, LAST),
    accepted_after=_days(40),
    concluded_after=_days(80),
    given=st.lists(
        st.builds(Given, st.sampled_from(feedback.KINDS), st.integers(0, 100)), max_size=3
    ).map(tuple),
)


def _insert(app: Flask, plan: list[Case], named: list[bool]) -> None:
    session = db.session()
    session.execute(delete(ReporterFeedback))
    session.execute(delete(Report))
    bureaus = list(session.scalars(select(Bureau.id).order_by(Bureau.id)))[:3]
    original = str(uuid.uuid4())
    rows = [_row(original, bureaus[0], FIRST, "received", None, True)]
    given = []
    for case, real_name in zip(plan, named, strict=True):
        row = _row(
            str(uuid.uuid4()),
            bureaus[case.bureau],
            case.received,
            case.state,
            case.profile,
            real_name,
        )
        row["repeat_of_id"] = original if case.repeat else None
        row["destroyed_on"] = LAST if case.destroyed else None
        if case.accepted_after is not None:
            row["accepted_on"] = case.received + dt.timedelta(days=case.accepted_after)
        if case.concluded_after is not None:
            row["concluded_on"] = case.received + dt.timedelta(days=case.concluded_after)
        rows.append(row)
        for g in case.given:
            given.append(
                {
                    "id": int.from_bytes(os.urandom(6), "big"),
                    "report_id": row["id"],
                    "kind": g.kind,
                    "given_on": case.received + dt.timedelta(days=g.after),
                    "way": "phone",
                    "objection": False,
                    "new_evidence": False,
                    "recorded_on": case.received + dt.timedelta(days=g.after),
                }
            )
    session.execute(insert(Report), rows)
    if given:
        session.execute(insert(ReporterFeedback), given)
    session.commit()


def _row(
    report_id: str, bureau: int, received: dt.date, state: str, profile: str | None, named: bool
) -> dict[str, object]:
    return {
        "id": report_id,
        "reference": f"QF-P{next(_numbers):08d}",
        "lookup_tag": os.urandom(32),
        "channel": "web",
        "category": "kickbacks",
        "state": state,
        "received_on": received,
        "decision_due": received + dt.timedelta(days=15),
        "lead_bureau_id": bureau,
        "routing": {},
        "official_involved": False,
        "real_name": named,
        "content": b"-",
        "deadline_profile": profile,
        "accepted_on": None,
        "concluded_on": None,
    }


def _by_python(today: dt.date, bureau_ids: set[int] | None) -> list[tuple[str, str, dt.date]]:
    """What the board showed before SQL chose: every named case loaded, its duties worked out."""
    session, settings_ = db.session(), context.settings()
    reports = session.scalars(
        select(Report)
        .where(Report.real_name.is_(True), Report.destroyed_on.is_(None))
        .order_by(Report.lead_bureau_id, Report.received_on, Report.reference)
    )
    rows = list(session.scalars(select(ReporterFeedback)))
    return [
        (report.reference, duty.kind, duty.due)
        for report in reports
        if bureau_ids is None or report.lead_bureau_id in bureau_ids
        for duty in feedback.duties(
            report, [r for r in rows if r.report_id == report.id], settings_
        )
        if duty.late(today)
    ]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plan=st.lists(cases, min_size=1, max_size=12),
    named=st.lists(st.sampled_from((True, True, True, False)), min_size=12, max_size=12),
    today=st.dates(FIRST, LAST + dt.timedelta(days=60)),
    page=st.tuples(st.integers(1, 5), st.integers(0, 4)),
)
def test_late_feedback_in_sql_is_what_the_duties_say(
    app: Flask, plan: list[Case], named: list[bool], today: dt.date, page: tuple[int, int]
) -> None:
    with app.app_context():
        _insert(app, plan, named[: len(plan)])
        session, settings_ = db.session(), context.settings()
        bureaus = list(session.scalars(select(Bureau.id).order_by(Bureau.id)))[:3]
        for scope in (None, set(bureaus[:2]), {bureaus[2]}):
            expected = _by_python(today, scope)
            found = feedback_due.late(session, settings_, today, scope)
            assert [(x.report.reference, x.kind, x.due) for x in found] == expected
            counted = feedback_due.count_by_bureau(session, settings_, today, scope)
            by_reference = {r.reference: r.lead_bureau_id for r in session.scalars(select(Report))}
            assert counted == dict(Counter(by_reference[ref] for ref, _k, _d in expected))
            limit, offset = page
            paged = feedback_due.late(session, settings_, today, scope, limit=limit, offset=offset)
            assert [(x.report.reference, x.kind, x.due) for x in paged] == expected[
                offset : offset + limit
            ]
        session.rollback()


def test_the_threshold_is_the_first_start_not_late() -> None:
    """Around 国庆 2026 and its 调休 Saturday: every start before the threshold ends before
    today, every start from it on today or later."""
    from intake.domain.cases.deadlines import Clock
    from intake.domain.cases.workdays import load_calendar

    clock = Clock("working", load_calendar(None))
    for today in (dt.date(2026, 10, 8) + dt.timedelta(days=n) for n in range(-20, 20)):
        for days in (0, 1, 5, 15):
            cut = feedback_due.threshold(clock, days, today)
            assert clock.due(cut, days) >= today
            assert clock.due(cut - dt.timedelta(days=1), days) < today

"""Feedback owed to real-name reporters and not given in time (docs/rules.md §8), for the
overdue board and `qingfeng tick`.

The limits count working days over the calendar file, which SQL cannot do; but a limit's last
day never comes earlier for a later start, so "late on `today`" is "started before a
threshold": the first start whose last day is today or later (`threshold`), found here by
walking back over the calendar. SQL then selects exactly the duties of cases/feedback.py's
`duties` that are late, per deadline profile, and counts them by bureau without loading a
row; only the rows a page shows are loaded, and their last days worked out with
cases/feedback.py. Nothing is decrypted. tests/oversight/test_feedback_due_sql.py holds the
two answers to each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from intake.config import Settings
from intake.domain.cases import feedback, profiles
from intake.domain.cases.deadlines import Clock, calendar_for
from intake.domain.cases.lifecycle import State
from intake.domain.models import Report, ReporterFeedback

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Late:
    """A feedback not given by its last day."""

    report: Report
    kind: str  # "notice" or "result"
    due: dt.date


def threshold(clock: Clock, days: int, today: dt.date) -> dt.date:
    """The first start whose limit of `days` days ends today or later: a limit that started
    before it is past on `today`, one that started on or after it is not."""
    if clock.mode == "calendar":
        return today - dt.timedelta(days=days)
    # due(today) >= today, and due() never decreases as the start moves later.
    start = today
    while clock.due(start - _ONE_DAY, days) >= today:
        start -= _ONE_DAY
    return start


def _profile_is(code: str) -> ColumnElement[bool]:
    if code != profiles.DEFAULT:
        return Report.deadline_profile == code
    # feedback.limits: no profile, or one LIMITS lacks, counts by the default's limits.
    named = [c for c in feedback.LIMITS if c != profiles.DEFAULT]
    return or_(Report.deadline_profile.is_(None), Report.deadline_profile.not_in(named))


def _notice_late(settings: Settings, today: dt.date) -> ColumnElement[bool]:
    """The notice's clock started before its threshold (feedback.notice_due), per profile."""
    calendar = calendar_for(settings)
    parts = []
    for code, chosen in feedback.LIMITS.items():
        before = threshold(Clock(chosen.mode, calendar), chosen.notice_days, today)
        if chosen.notice_from == "receipt":
            started = Report.received_on < before
        else:  # feedback.decided_on: acceptance, else a refusal's conclusion
            started = or_(
                Report.accepted_on < before,
                and_(
                    Report.accepted_on.is_(None),
                    Report.state == State.NOT_ACCEPTED,
                    Report.concluded_on < before,
                ),
            )
        parts.append(and_(_profile_is(code), started))
    return or_(*parts)


def _result_late(settings: Settings, today: dt.date) -> ColumnElement[bool]:
    """The result's clock (from the conclusion, feedback.feedback_due) started before its
    threshold, per profile."""
    calendar = calendar_for(settings)
    return or_(
        *(
            and_(
                _profile_is(code),
                Report.concluded_on
                < threshold(Clock(chosen.mode, calendar), chosen.result_days, today),
            )
            for code, chosen in feedback.LIMITS.items()
        )
    )


def _given(*kinds: str) -> Select[Any]:
    return select(ReporterFeedback.id).where(
        ReporterFeedback.report_id == Report.id, ReporterFeedback.kind.in_(kinds)
    )


def _late_duties(
    settings: Settings, today: dt.date, bureau_ids: Collection[int] | None
) -> Subquery:
    """One row per late duty: the case, its bureau and order, and the kind."""
    scope = [] if bureau_ids is None else [Report.lead_bureau_id.in_(bureau_ids)]
    columns = (
        Report.id.label("report_id"),
        Report.lead_bureau_id.label("bureau_id"),
        Report.received_on,
        Report.reference,
    )
    named = (Report.real_name.is_(True), Report.destroyed_on.is_(None), *scope)
    # A result answers the notice too (feedback.duties), whenever either was given.
    notice = select(*columns, literal("notice").label("kind")).where(
        *named,
        Report.repeat_of_id.is_(None),
        _notice_late(settings, today),
        ~exists(_given("notice", "result")),
    )
    # Only a result given on or after the current conclusion answers it: a reopened case's
    # new conclusion is owed its own.
    result = select(*columns, literal("result")).where(
        *named,
        Report.state == State.CONCLUDED,
        Report.concluded_on.is_not(None),
        _result_late(settings, today),
        ~exists(_given("result").where(ReporterFeedback.given_on >= Report.concluded_on)),
    )
    return union_all(notice, result).subquery()


def late(
    db: Session,
    settings: Settings,
    today: dt.date,
    bureau_ids: Collection[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Late]:
    """Every notice or result owed and past its last day, by lead bureau, then oldest first
    (a case's notice before its result); of the cases led by `bureau_ids` only, if given; a
    page of `limit` from `offset`, if a limit is given. Only the cases returned are loaded."""
    duties = _late_duties(settings, today, bureau_ids)
    rows = db.execute(
        select(duties.c.report_id, duties.c.kind)
        .order_by(duties.c.bureau_id, duties.c.received_on, duties.c.reference, duties.c.kind)
        .limit(limit)
        .offset(offset)
    ).all()
    ids = {report_id for report_id, _kind in rows}
    found = {r.id: r for r in db.scalars(select(Report).where(Report.id.in_(ids)))} if ids else {}
    out = []
    for report_id, kind in rows:
        report = found[report_id]
        due = (
            feedback.notice_due(report, settings)
            if kind == "notice"
            else feedback.feedback_due(report, settings)
        )
        if due is None:  # the query and cases/feedback.py disagree: a bug, not a late duty
            raise AssertionError(f"no {kind} due for {report.reference}")
        out.append(Late(report, kind, due))
    return out


def count_by_bureau(
    db: Session, settings: Settings, today: dt.date, bureau_ids: Collection[int] | None
) -> dict[int, int]:
    """How many feedbacks are late per lead bureau (of `bureau_ids`, if given); bureaus with
    none are left out."""
    duties = _late_duties(settings, today, bureau_ids)
    return {
        bureau_id: count
        for bureau_id, count in db.execute(
            select(duties.c.bureau_id, func.count()).group_by(duties.c.bureau_id)
        )
    }

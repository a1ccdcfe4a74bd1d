"""Feedback owed to real-name reporters and not given in time (docs/rules.md §8), for the
overdue board and `qingfeng tick`.

The limits count working days over the calendar file, which SQL cannot do, so the candidates
are read from metadata (real-name cases still holding their keys) and their last days worked
out here with cases/feedback.py. Nothing is decrypted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.config import Settings
from intake.domain.cases import feedback
from intake.domain.models import Report, ReporterFeedback


@dataclass(frozen=True)
class Late:
    """A feedback not given by its last day."""

    report: Report
    kind: str  # "notice" or "result"
    due: dt.date


def late(
    db: Session, settings: Settings, today: dt.date, bureau_ids: Collection[int] | None = None
) -> list[Late]:
    """Every notice or result owed and past its last day, by lead bureau, then oldest first;
    of the cases led by `bureau_ids` only, if given (a supervisor's units: the query then
    grows with them, not with the whole installation)."""
    scope = [] if bureau_ids is None else [Report.lead_bureau_id.in_(bureau_ids)]
    named = select(Report).where(Report.real_name.is_(True), Report.destroyed_on.is_(None), *scope)
    reports = list(
        db.scalars(named.order_by(Report.lead_bureau_id, Report.received_on, Report.reference))
    )
    given: dict[str, list[ReporterFeedback]] = defaultdict(list)
    if reports:
        ids = named.with_only_columns(Report.id)
        for row in db.scalars(select(ReporterFeedback).where(ReporterFeedback.report_id.in_(ids))):
            given[row.report_id].append(row)
    return [
        Late(report, duty.kind, duty.due)
        for report in reports
        for duty in feedback.duties(report, given[report.id], settings)
        if duty.late(today)
    ]

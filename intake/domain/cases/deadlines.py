"""Time limits (docs/rules.md §4): in calendar days as the 信访工作条例 counts them, or in
working days (weekends, public holidays and 调休 from intake/calendar.toml) where a deployment
chooses QINGFENG_DEADLINE_DAYS=working.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from intake.config import Settings
from intake.domain.cases.workdays import WorkCalendar, add_days, load_calendar
from intake.domain.models import Report

#: How many days before a deadline a case counts as due soon.
DUE_SOON_DAYS = 3
#: Characters kept of the source of an overriding date (Report.conclusion_basis).
SOURCE_LIMIT = 200


@dataclass(frozen=True)
class Clock:
    """Counts time limits in one mode over one calendar."""

    mode: str
    calendar: WorkCalendar

    def due(self, start: dt.date, days: int) -> dt.date:
        """The last day of a limit of `days` days that starts on `start`."""
        return add_days(start, days, self.mode, self.calendar)


def clock_for(settings: Settings) -> Clock:
    """The clock the settings ask for; the calendar file is read once per path."""
    return Clock(settings.deadline_mode, _calendar(settings.calendar_path))


def calendar_for(settings: Settings) -> WorkCalendar:
    """The installation's working-day calendar (read once per path)."""
    return _calendar(settings.calendar_path)


def override(report: Report, due: dt.date, source: str) -> None:
    """Set the conclusion deadline of `report` from outside its profile (a 交办 order's own
    date, docs/rules.md §9): the date replaces the profile's, and `source` (the order's
    issuer and number, as pages should read it) is shown as its basis instead of the rule.
    Set before acceptance, the date is kept when the case is accepted; an approved extension
    moves it by the profile's days; a 回头看 counts anew by the profile. The caller records
    the step on the case's timeline."""
    if not source.strip() or len(source) > SOURCE_LIMIT:
        raise ValueError(f"the source must be 1 to {SOURCE_LIMIT} characters")
    report.conclusion_due = due
    report.conclusion_basis = source


@functools.cache
def _calendar(path: Path | None) -> WorkCalendar:
    return load_calendar(path)


def current_deadline(
    state: str, decision_due: dt.date, conclusion_due: dt.date | None
) -> dt.date | None:
    """The deadline a case is working towards in `state`, or None when none runs."""
    # A 交办 date set before acceptance (override) does not stop the decision deadline.
    if state == "received" or (state == "transferred" and conclusion_due is None):
        return decision_due
    if state in ("accepted", "in_progress", "handed_over", "under_review", "transferred"):
        return conclusion_due
    return None

"""Queue queries: metadata only, never a decryption (so a queue page needs no key at all)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from intake.deadlines import DUE_SOON_DAYS
from intake.lifecycle import State
from intake.models import KeyWrap, Report

PAGE_SIZE = 50
VIEWS = ("new", "open", "due_soon", "overdue", "replies", "closed", "all")

_DECIDING = (State.RECEIVED, State.TRANSFERRED)
_HANDLING = (
    State.ACCEPTED,
    State.IN_PROGRESS,
    State.HANDED_OVER,
    State.UNDER_REVIEW,
    State.TRANSFERRED,
)


def _deciding() -> ColumnElement[bool]:
    return and_(Report.state.in_(_DECIDING), Report.accepted_on.is_(None))


def _handling() -> ColumnElement[bool]:
    return and_(Report.state.in_(_HANDLING), Report.accepted_on.is_not(None))


def overdue(today: dt.date) -> ColumnElement[bool]:
    """Cases past the deadline they are working towards."""
    return or_(
        and_(_deciding(), Report.decision_due < today),
        and_(_handling(), Report.conclusion_due < today),
    )


def due_soon(today: dt.date) -> ColumnElement[bool]:
    """Cases whose deadline falls within the next few days."""
    until = today + dt.timedelta(days=DUE_SOON_DAYS)
    return or_(
        and_(_deciding(), Report.decision_due.between(today, until)),
        and_(_handling(), Report.conclusion_due.between(today, until)),
    )


def view_condition(view: str, today: dt.date) -> ColumnElement[bool]:
    """The filter of one queue tab."""
    conditions: dict[str, ColumnElement[bool]] = {
        "new": _deciding(),
        "open": _handling(),
        "due_soon": due_soon(today),
        "overdue": overdue(today),
        "replies": Report.awaiting_staff.is_(True),
        "closed": Report.state.in_((State.CONCLUDED, State.NOT_ACCEPTED)),
        "all": Report.id.is_not(None),
    }
    return conditions[view]


@dataclass(frozen=True)
class Filters:
    """What a queue page is narrowed to; every value was checked by the view."""

    category: str | None = None
    channel: str | None = None
    state: str | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """SQL conditions for the filters that are set."""
        out: list[ColumnElement[bool]] = []
        if self.category:
            out.append(Report.category == self.category)
        if self.channel:
            out.append(Report.channel == self.channel)
        if self.state:
            out.append(Report.state == self.state)
        if self.received_from:
            out.append(Report.received_on >= self.received_from)
        if self.received_to:
            out.append(Report.received_on <= self.received_to)
        return out


def _held_by(bureau_id: int) -> ColumnElement[bool]:
    return exists().where(KeyWrap.report_id == Report.id, KeyWrap.bureau_id == bureau_id)


def counts(db: Session, bureau_id: int, today: dt.date, filters: Filters) -> dict[str, int]:
    """How many cases each tab holds."""
    base = [_held_by(bureau_id), *filters.conditions()]
    return {
        view: db.scalar(
            select(func.count()).select_from(Report).where(*base, view_condition(view, today))
        )
        or 0
        for view in VIEWS
    }


def page(
    db: Session, bureau_id: int, view: str, today: dt.date, filters: Filters, number: int
) -> list[Report]:
    """One page of a tab, oldest deadline first."""
    return list(
        db.scalars(
            select(Report)
            .where(_held_by(bureau_id), view_condition(view, today), *filters.conditions())
            .order_by(Report.received_on, Report.reference)
            .limit(PAGE_SIZE)
            .offset((number - 1) * PAGE_SIZE)
        )
    )

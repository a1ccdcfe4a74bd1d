"""Queue queries: metadata only, never a decryption (so a queue page needs no key at all)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from intake import due
from intake.lifecycle import State
from intake.models import KeyWrap, Report

PAGE_SIZE = 50
VIEWS = ("new", "open", "due_soon", "overdue", "replies", "closed", "all")


def view_condition(view: str, today: dt.date) -> ColumnElement[bool]:
    """The filter of one queue tab."""
    conditions: dict[str, ColumnElement[bool]] = {
        "new": due.deciding(),
        "open": due.handling(),
        "due_soon": due.due_soon(today),
        "overdue": due.overdue(today),
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


def counts(db: Session, bureau_id: int, today: dt.date, filters: Filters) -> dict[str, int]:
    """How many cases each tab holds: one pass over the bureau's cases, not one per tab.

    The cases are reached from the bureau's key wraps (indexed by bureau), so the cost grows
    with the bureau's own cases, not with the whole installation.
    """
    columns = [func.count().filter(view_condition(view, today)) for view in VIEWS]
    row = db.execute(
        select(*columns)
        .select_from(KeyWrap)
        .join(Report, Report.id == KeyWrap.report_id)
        .where(KeyWrap.bureau_id == bureau_id, *filters.conditions())
    ).one()
    return {view: value or 0 for view, value in zip(VIEWS, row, strict=True)}


def page(
    db: Session, bureau_id: int, view: str, today: dt.date, filters: Filters, number: int
) -> list[Report]:
    """One page of a tab, oldest first."""
    return list(
        db.scalars(
            select(Report)
            .join(KeyWrap, KeyWrap.report_id == Report.id)
            .where(KeyWrap.bureau_id == bureau_id, view_condition(view, today))
            .where(*filters.conditions())
            .order_by(Report.received_on, Report.reference)
            .limit(PAGE_SIZE)
            .offset((number - 1) * PAGE_SIZE)
        )
    )

"""Which cases are due soon or overdue, as SQL conditions over metadata alone.

A case works towards one deadline at a time: deciding (受理 or not) until it is accepted, then
concluding. Shared by the console's queues, the overdue board and `qingfeng tick`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, case, or_

from intake.domain.cases.deadlines import DUE_SOON_DAYS
from intake.domain.cases.lifecycle import State
from intake.domain.models import Report

_DECIDING = (State.RECEIVED, State.TRANSFERRED)
_HANDLING = (
    State.ACCEPTED,
    State.IN_PROGRESS,
    State.HANDED_OVER,
    State.UNDER_REVIEW,
    State.TRANSFERRED,
)


# Every state a case with a running deadline can be in, and the others: each state is in one.
OPEN = tuple(dict.fromkeys(_DECIDING + _HANDLING))
CLOSED = (State.CONCLUDED, State.NOT_ACCEPTED)


def deciding() -> ColumnElement[bool]:
    """Cases waiting for the decision whether to accept them."""
    return and_(Report.state.in_(_DECIDING), Report.accepted_on.is_(None))


def handling() -> ColumnElement[bool]:
    """Accepted cases not yet concluded."""
    return and_(Report.state.in_(_HANDLING), Report.accepted_on.is_not(None))


def deadline() -> ColumnElement[dt.date]:
    """The deadline a case works towards (NULL when none runs)."""
    return case(
        (deciding(), Report.decision_due),
        (handling(), Report.conclusion_due),
        else_=None,
    )


def overdue_parts(today: dt.date) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Past the decision deadline, past the conclusion deadline: each fits one index."""
    return (
        and_(deciding(), Report.decision_due < today),
        and_(handling(), Report.conclusion_due < today),
    )


def overdue(today: dt.date) -> ColumnElement[bool]:
    """Cases past the deadline they are working towards."""
    return or_(*overdue_parts(today))


def due_soon_parts(today: dt.date) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Deciding and concluding deadlines within the next few days: each fits one index."""
    until = today + dt.timedelta(days=DUE_SOON_DAYS)
    return (
        and_(deciding(), Report.decision_due.between(today, until)),
        and_(handling(), Report.conclusion_due.between(today, until)),
    )


def due_soon(today: dt.date) -> ColumnElement[bool]:
    """Cases whose deadline falls within the next few days."""
    return or_(*due_soon_parts(today))

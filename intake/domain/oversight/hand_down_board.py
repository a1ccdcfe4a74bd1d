"""The 交办 board for supervisors: the orders handed down with their cases, late ones first, a
page at a time, and the figure behind “上级交办到期线索查结清零” (docs/rules.md §9): of the cases
whose order's deadline has come, how many are concluded. Metadata only: no key is needed to
draw it.

A city's or a province's board holds thousands of orders (bench/units.py), so the figures and
the order of the list come from grouped queries, and only the orders of one page have their
cases read, by the columns shown: no Report row, sealed content and all, is loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, Subquery, and_, case, func, select
from sqlalchemy.orm import Session

from intake.domain import units
from intake.domain.cases.hand_downs import COMPLETION
from intake.domain.cases.lifecycle import State
from intake.domain.models import Bureau, HandDown, HandDownCase, HandDownProgress, Report, Unit

#: Orders on a page of the board.
PAGE = 50


@dataclass(frozen=True)
class Line:
    """A case of an order: its reference, state, bureau, whether it is concluded (查结) and
    when the completion report (办结报告) went back."""

    reference: str
    state: str
    bureau: str
    concluded: bool
    completion_sent_on: dt.date | None
    #: The number (文号) of the document that carried the completion report, if recorded.
    completion_number: str | None = None
    #: The unit of the bureau working it, outside the home unit: an upper unit's board shows
    #: the cases it handed down to the units below by unit (cases/levels.py).
    unit: str = ""


@dataclass(frozen=True)
class Order:
    """An order on the board with its cases (those of the units seen only)."""

    number: str
    issuer: str
    due: dt.date
    days_left: int  # negative once the deadline has passed
    #: Every case of the order is concluded (已办结).
    done: bool
    lines: list[Line]

    @property
    def overdue(self) -> bool:
        """The deadline has passed with a case still open."""
        return self.days_left < 0 and not self.done


@dataclass(frozen=True)
class Figures:
    """What the orders say, counted over all of them (not one page): of a board or of one
    unit's part of it."""

    orders: int = 0
    cases: int = 0
    overdue: int = 0  # orders past their deadline with a case open
    open: int = 0  # orders not finished and not overdue
    finished: int = 0  # orders whose every case is concluded
    due_leads: int = 0  # cases whose order's deadline has come (today included)
    due_concluded: int = 0  # of those, the concluded ones

    @property
    def cleared(self) -> bool:
        """Every due lead is concluded (清零)."""
        return self.due_concluded == self.due_leads


@dataclass(frozen=True)
class UnitFigures:
    """One unit's line of the summary: the unit and those below it."""

    code: str
    name: str
    figures: Figures


@dataclass(frozen=True)
class Board:
    """A page of orders, late ones first, and the figures of every order."""

    orders: list[Order]
    figures: Figures
    page: int
    pages: int
    #: By unit below the one seen, when it has units below with orders; else empty.
    units: list[UnitFigures]

    @property
    def due_leads(self) -> int:
        """Cases whose order's deadline has come (today included)."""
        return self.figures.due_leads

    @property
    def due_concluded(self) -> int:
        """Of the due leads, the concluded ones."""
        return self.figures.due_concluded

    @property
    def cleared(self) -> bool:
        """Every due lead is concluded (清零)."""
        return self.figures.cleared


def board(
    session: Session,
    today: dt.date,
    bureau_ids: Collection[int],
    page: int = 1,
    groups: Mapping[int, int] | None = None,
) -> Board:
    """The 交办 orders of the cases led by `bureau_ids` (the supervisor's unit and those below
    it): page `page` of them, overdue ones first, then open ones, then the finished, each by
    deadline; the figures of all of them, and by unit when `groups` maps the units seen to
    the units they are summed under (summary_groups)."""
    figures = _figures(session, today, _per_order(bureau_ids))
    pages = max(1, -(-figures.orders // PAGE))
    page = max(1, min(page, pages))
    by_unit = []
    if groups and len(set(groups.values())) > 1:
        by_unit = _by_unit(session, today, bureau_ids, groups)
    return Board(_page(session, today, bureau_ids, page), figures, page, pages, by_unit)


def summary_groups(session: Session, unit_id: int) -> dict[int, int]:
    """Each unit from `unit_id` down mapped to the unit it is summed under on the board: the
    unit directly below `unit_id` it stands in, or `unit_id` itself for its own bureaus."""
    parents = {child: parent for child, parent in session.execute(select(Unit.id, Unit.parent_id))}
    groups = {unit_id: unit_id}
    for unit in units.below(session, unit_id) - {unit_id}:
        above = unit
        while (parent := parents.get(above)) is not None and parent != unit_id:
            above = parent
        groups[unit] = above
    return groups


def _concluded() -> ColumnElement[int]:
    return case((Report.state == State.CONCLUDED, 1), else_=0)


def _cases(bureau_ids: Collection[int]) -> ColumnElement[bool]:
    return and_(Report.destroyed_on.is_(None), Report.lead_bureau_id.in_(bureau_ids))


def _per_order(bureau_ids: Collection[int]) -> Subquery:
    """Each order with its cases seen: how many, and how many concluded."""
    return (
        select(
            HandDownCase.hand_down_id.label("id"),
            func.count().label("cases"),
            func.sum(_concluded()).label("concluded"),
        )
        .join(Report, Report.id == HandDownCase.report_id)
        .where(_cases(bureau_ids))
        .group_by(HandDownCase.hand_down_id)
        .subquery()
    )


def _flags(
    per: Subquery, today: dt.date
) -> tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[int]]:
    """Whether an order is finished, whether it is overdue, and its rank on the board."""
    done = per.c.cases == per.c.concluded
    overdue = and_(HandDown.due < today, per.c.cases > per.c.concluded)
    rank = case((overdue, 0), (done, 2), else_=1)
    return done, overdue, rank


def _counts(per: Subquery, today: dt.date) -> list[ColumnElement[int]]:
    """Orders, cases, overdue orders, finished orders, due leads and due concluded."""
    done, overdue, _rank = _flags(per, today)
    due = HandDown.due <= today
    return [
        func.count(),
        func.coalesce(func.sum(per.c.cases), 0),
        func.coalesce(func.sum(case((overdue, 1), else_=0)), 0),
        func.coalesce(func.sum(case((done, 1), else_=0)), 0),
        func.coalesce(func.sum(case((due, per.c.cases), else_=0)), 0),
        func.coalesce(func.sum(case((due, per.c.concluded), else_=0)), 0),
    ]


def _figures(session: Session, today: dt.date, per: Subquery) -> Figures:
    counted = select(*_counts(per, today)).join_from(per, HandDown, HandDown.id == per.c.id)
    return _counted(session.execute(counted).one())


def _counted(counts: Sequence[Any]) -> Figures:
    """Figures from the values of _counts; PostgreSQL sums bigints into numerics."""
    orders, cases, late, finished, due_leads, due_concluded = (int(n) for n in counts)
    open_ = orders - late - finished
    return Figures(orders, cases, late, open_, finished, due_leads, due_concluded)


def _by_unit(
    session: Session, today: dt.date, bureau_ids: Collection[int], groups: Mapping[int, int]
) -> list[UnitFigures]:
    """The figures of each unit `groups` sums under, counting an order once per unit it has
    cases in, overdue or finished by that unit's cases alone."""
    summed = case(dict(groups), value=Bureau.unit_id, else_=None).cast(Integer)
    # Grouped in an outer query: PostgreSQL cannot tell the CASE in GROUP BY, with its own
    # parameters, from the one selected.
    cases = (
        select(
            HandDownCase.hand_down_id.label("id"),
            summed.label("unit_id"),
            _concluded().label("concluded"),
        )
        .join(Report, Report.id == HandDownCase.report_id)
        .join(Bureau, Bureau.id == Report.lead_bureau_id)
        .where(_cases(bureau_ids))
        .subquery()
    )
    per = (
        select(
            cases.c.id,
            cases.c.unit_id,
            func.count().label("cases"),
            func.sum(cases.c.concluded).label("concluded"),
        )
        .group_by(cases.c.id, cases.c.unit_id)
        .subquery()
    )
    rows = session.execute(
        select(Unit.code, Unit.name, *_counts(per, today))
        .join_from(per, HandDown, HandDown.id == per.c.id)
        .join(Unit, Unit.id == per.c.unit_id)
        .group_by(Unit.id, Unit.code, Unit.name)
        .order_by(Unit.id)
    )
    return [UnitFigures(code, name, _counted(counts)) for code, name, *counts in rows]


def _page(session: Session, today: dt.date, bureau_ids: Collection[int], page: int) -> list[Order]:
    per = _per_order(bureau_ids)
    done, _overdue, rank = _flags(per, today)
    heads = session.execute(
        select(HandDown.id, HandDown.number, HandDown.issuer, HandDown.due, done.label("done"))
        .join_from(per, HandDown, HandDown.id == per.c.id)
        .order_by(rank, HandDown.due, HandDown.number, HandDown.id)
        .limit(PAGE)
        .offset((page - 1) * PAGE)
    ).all()
    lines = _lines(session, bureau_ids, [head.id for head in heads])
    return [
        Order(h.number, h.issuer, h.due, (h.due - today).days, bool(h.done), lines[h.id])
        for h in heads
    ]


def _lines(
    session: Session, bureau_ids: Collection[int], order_ids: list[int]
) -> dict[int, list[Line]]:
    """The cases seen of these orders, by the columns shown, by unit and reference."""
    lines: dict[int, list[Line]] = {order_id: [] for order_id in order_ids}
    rows = session.execute(
        select(
            HandDownCase.hand_down_id,
            Report.reference,
            Report.state,
            Bureau.code,
            Unit.code.label("unit_code"),
            Unit.name,
            HandDownProgress.sent_on,
            HandDownProgress.document_number,
        )
        .join(Report, Report.id == HandDownCase.report_id)
        .join(Bureau, Bureau.id == Report.lead_bureau_id)
        .join(Unit, Unit.id == Bureau.unit_id)
        .outerjoin(
            HandDownProgress,
            and_(HandDownProgress.report_id == Report.id, HandDownProgress.kind == COMPLETION),
        )
        .where(HandDownCase.hand_down_id.in_(order_ids), _cases(bureau_ids))
    )
    for row in rows:
        unit = "" if row.unit_code == units.HOME else row.name
        concluded = row.state == State.CONCLUDED
        lines[row.hand_down_id].append(
            Line(
                row.reference,
                row.state,
                row.code,
                concluded,
                row.sent_on,
                row.document_number,
                unit,
            )
        )
    for found in lines.values():
        found.sort(key=lambda line: (line.unit, line.reference))
    return lines

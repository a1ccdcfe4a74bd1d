"""The 交办 board for supervisors: every order handed down with its cases, late ones first,
and the figure behind “上级交办到期线索查结清零” (docs/rules.md §9): of the cases whose order's
deadline has come, how many are concluded. Metadata only: no key is needed to draw it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.domain import units
from intake.domain.cases.hand_downs import COMPLETION
from intake.domain.cases.lifecycle import State
from intake.domain.models import HandDown, HandDownCase, HandDownProgress, Report


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
    """An order on the board with its cases."""

    hand_down: HandDown
    lines: list[Line]
    days_left: int  # negative once the deadline has passed

    @property
    def done(self) -> bool:
        """Every case of the order is concluded (已办结)."""
        return all(line.concluded for line in self.lines)

    @property
    def overdue(self) -> bool:
        """The deadline has passed with a case still open."""
        return self.days_left < 0 and not self.done


@dataclass(frozen=True)
class Board:
    """The orders, late ones first, and the 清零 figure."""

    orders: list[Order]
    due_leads: int  # cases whose order's deadline has come (today included)
    due_concluded: int  # of those, the concluded ones

    @property
    def cleared(self) -> bool:
        """Every due lead is concluded (清零)."""
        return self.due_concluded == self.due_leads


def board(session: Session, today: dt.date, bureau_ids: Collection[int]) -> Board:
    """Every 交办 order with its cases led by `bureau_ids` (the supervisor's unit and those
    below it): overdue ones first, then open ones, then the finished, each by deadline."""
    seen = select(Report.id).where(Report.lead_bureau_id.in_(bureau_ids))
    linked = select(HandDownCase.hand_down_id).where(HandDownCase.report_id.in_(seen))
    sent = {
        report_id: (sent_on, number)
        for report_id, sent_on, number in session.execute(
            select(
                HandDownProgress.report_id,
                HandDownProgress.sent_on,
                HandDownProgress.document_number,
            ).where(
                HandDownProgress.kind == COMPLETION,
                # Only the reports of the units seen: the board grows with them, not the tree.
                HandDownProgress.report_id.in_(seen),
            )
        )
    }
    cases: dict[int, list[Line]] = {}
    for link, report in session.execute(
        select(HandDownCase, Report)
        .join(Report, Report.id == HandDownCase.report_id)
        .where(Report.destroyed_on.is_(None), Report.lead_bureau_id.in_(bureau_ids))
        .order_by(Report.reference)
    ):
        sent_on, number = sent.get(report.id, (None, None))
        cases.setdefault(link.hand_down_id, []).append(
            Line(
                report.reference,
                report.state,
                report.lead_bureau.code,
                report.state == State.CONCLUDED,
                sent_on,
                number,
                _unit_name(report),
            )
        )
    for lines in cases.values():
        lines.sort(key=lambda line: (line.unit, line.reference))
    orders = [
        Order(hand_down, cases[hand_down.id], (hand_down.due - today).days)
        for hand_down in session.scalars(select(HandDown).where(HandDown.id.in_(linked)))
        if hand_down.id in cases
    ]
    orders.sort(key=lambda o: (not o.overdue, o.done, o.hand_down.due, o.hand_down.number))
    due = [line for o in orders if o.hand_down.due <= today for line in o.lines]
    return Board(orders, len(due), sum(line.concluded for line in due))


def _unit_name(report: Report) -> str:
    unit = report.lead_bureau.unit
    return "" if unit is None or unit.code == units.HOME else unit.name

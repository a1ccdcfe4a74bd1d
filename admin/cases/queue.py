"""Queue queries: metadata only, never a decryption (so a queue page needs no key at all)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from heapq import merge
from itertools import islice

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from intake.domain.codes import Grade
from intake.domain.models import KeyWrap, Report
from intake.domain.oversight import due

PAGE_SIZE = 50
VIEWS = ("new", "open", "due_soon", "overdue", "replies", "closed", "all")
# The tabs of cases with a running deadline: open cases only.
TIMED = ("new", "open", "due_soon", "overdue")


def view_condition(view: str, today: dt.date) -> ColumnElement[bool]:
    """The filter of one queue tab."""
    # Built on demand: a page asks for a dozen, and each costs about a millisecond to build.
    conditions: dict[str, Callable[[], ColumnElement[bool]]] = {
        "new": due.deciding,
        "open": due.handling,
        "due_soon": lambda: due.due_soon(today),
        "overdue": lambda: due.overdue(today),
        "replies": lambda: Report.awaiting_staff.is_(True),
        "closed": lambda: Report.state.in_(due.CLOSED),
        "all": lambda: Report.id.is_not(None),
    }
    return conditions[view]()


@dataclass(frozen=True)
class Filters:
    """What a queue page is narrowed to; every value was checked by the view."""

    category: str | None = None
    channel: str | None = None
    state: str | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    grade: str | None = None  # of the latest 集体研判 (cases/grading.py)

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
        if self.grade:
            out.append(Report.grade == self.grade)
        return out


def _led(bureau_id: int) -> list[ColumnElement[bool]]:
    # Destroyed cases have no wraps left: no bureau holds them any more.
    return [Report.lead_bureau_id == bureau_id, Report.destroyed_on.is_(None)]


def _held_not_led(bureau_id: int) -> ColumnElement[bool]:
    # As a subquery the planner starts from the bureau's few copies, not from the reports.
    copies = select(KeyWrap.report_id).where(
        KeyWrap.bureau_id == bureau_id, KeyWrap.lead.is_(False)
    )
    return Report.id.in_(copies)


def counts(db: Session, bureau_id: int, today: dt.date, filters: Filters) -> dict[str, int]:
    """How many cases each tab holds.

    A bureau holds the cases it leads and a few it was given a copy of (co-bureau, triage,
    移送). The cases it leads are counted from an index alone (ix_reports_lead_queue), open
    and closed ones apart, so the tabs with deadlines look at open cases only.
    """
    out = dict.fromkeys(VIEWS, 0)
    led = _led(bureau_id) + filters.conditions()
    replies = func.count().filter(view_condition("replies", today))
    timed = [func.count().filter(view_condition(view, today)) for view in TIMED]
    *numbers, open_all, open_replies = db.execute(
        select(*timed, func.count(), replies).where(*led, Report.state.in_(due.OPEN))
    ).one()
    out.update(zip(TIMED, numbers, strict=True))
    # Concluded and not accepted: every other state. Counted along the index, row by row
    # only in the index.
    closed_all, closed_replies = db.execute(
        select(func.count(), replies).where(*led, Report.state.in_(due.CLOSED))
    ).one()
    out["closed"] = closed_all
    out["all"] = open_all + closed_all
    out["replies"] = open_replies + closed_replies
    row = db.execute(
        select(*(func.count().filter(view_condition(view, today)) for view in VIEWS)).where(
            _held_not_led(bureau_id), *filters.conditions()
        )
    ).one()
    for view, number in zip(VIEWS, row, strict=True):
        out[view] += number or 0
    return out


def page(
    db: Session, bureau_id: int, view: str, today: dt.date, filters: Filters, number: int
) -> list[Report]:
    """One page of a tab: real-name cases first (优先办理, docs/rules.md §8), then the others
    graded 重大 (docs/rules.md §9), then the rest, each part oldest first. Each part is read
    along an index with its real_name and grade fixed, so the order costs no sort over the
    bureau's cases."""
    end = number * PAGE_SIZE
    references: list[str] = []
    for part in _parts():
        if len(references) >= end:
            break
        runs = [_in_order(db, bureau_id, view, today, filters, fixed, end) for fixed in part]
        references += [str(row[1]) for row in islice(merge(*runs), end - len(references))]
    wanted_refs = references[end - PAGE_SIZE : end]
    found = {
        r.reference: r for r in db.scalars(select(Report).where(Report.reference.in_(wanted_refs)))
    }
    return [found[ref] for ref in wanted_refs if ref in found]


def _parts() -> list[list[ColumnElement[bool]]]:
    """The parts of a tab in the order it lists them, each as the runs (one condition each,
    read in date order and merged) that make it up: real-name cases, then the others graded
    重大, then the rest, a run per other grade and one for the ungraded."""
    others = Report.real_name.is_(False)
    rest = [and_(others, Report.grade.is_(None))] + [
        and_(others, Report.grade == grade) for grade in Grade if grade != Grade.MAJOR
    ]
    return [
        [Report.real_name.is_(True)],
        [and_(others, Report.grade == Grade.MAJOR)],
        rest,
    ]


def _in_order(
    db: Session,
    bureau_id: int,
    view: str,
    today: dt.date,
    filters: Filters,
    part: ColumnElement[bool],
    end: int,
) -> list[tuple[dt.date, str]]:
    """The date and reference of the first `end` cases of a tab within `part`, oldest
    first: the cases the bureau leads and those it holds a copy of.

    Each is read in date order up to the end of the page (the led part along
    ix_reports_lead_named_received, or ix_reports_lead_named_grade_received for a part with
    its grade fixed, so page 20 of a hundred thousand cases reads a thousand), and the two
    are merged here.
    """
    wanted = [view_condition(view, today), *filters.conditions(), part]
    # Date and reference, the order of a tab: the led part is read from an index alone.
    columns = (Report.received_on, Report.reference)
    held = [
        (row.received_on, row.reference)
        for row in db.execute(
            select(*columns).where(_held_not_led(bureau_id), *wanted).order_by(*columns).limit(end)
        )
    ]
    if view in TIMED:
        # Only open cases can be in these tabs: read them all from ix_reports_lead_queue
        # (a bureau has a few thousand open, however many it concluded) and sort them here.
        # Asked to sort, a planner may walk the date index through every concluded case.
        open_led = select(*columns).where(*_led(bureau_id), *wanted, Report.state.in_(due.OPEN))
        led = sorted((row.received_on, row.reference) for row in db.execute(open_led))
    else:
        led_in_order = select(*columns).where(*_led(bureau_id), *wanted)
        in_order = db.execute(led_in_order.order_by(*columns).limit(end))
        led = [(row.received_on, row.reference) for row in in_order]
    return list(islice(merge(led, held), end))

"""Monthly statistics (统计表, docs/rules.md §7) from metadata alone: events and dates.

Every figure counts events of the period (a date range, usually a month) for the bureau the
step counted for, split by the report's category and channel:

- received, accepted, not accepted, concluded: events of that kind;
- transferred out / in: a transfer counts out for the bureau it left, in for the one it went to;
- handed over (移送): events by target, one column per target the 移送 went to (the
  taxonomy's [[hand_over]] list, and any target an older case was handed to);
- repeats (其中重复件, docs/rules.md §9): reports marked as a repeat of an earlier case, counted on
  the first case's row and not again as received (see `count_repeats`);
- substantiated / partly / not substantiated: conclusions by finding;
- overdue: deadlines `qingfeng tick` flagged as passed in the period;
- open at the end: received by the last day and not concluded then (current lead bureau);
- median days to conclusion: calendar days from receipt to each conclusion of the period;
- outcomes (docs/rules.md §11, §13): the measure entries recorded in the period, summed per
  kind — cases opened (立案), conclusions after their deadline, the amounts in fen and the
  counts, 整改 items added and done. A measure that landed after conclusion counts in the month
  it was recorded;
- real-name feedback (docs/rules.md §8, `count_feedback`): conclusions of real-name cases, the
  real-name cases given their result in the period (each case once), and return visits (回访)
  by the reporter's satisfaction;
- rates, from the columns: 受理率 = accepted / (accepted + not accepted); 按期办结率 =
  (concluded − concluded late) / concluded; 属实率 = (substantiated + partly) / concluded;
  实名反馈率 = real-name results given / real-name conclusions (a flow like the others: a
  result given in the month after the conclusion counts in that month, so one month's rate
  may pass 100 % while a year's does not); 满意率 = (satisfied + basically satisfied) / visits;
- supervision (docs/rules.md §9, `count_supervision`): cases put under 挂牌督办 or 联合督办 in
  the period, and the 约谈 and 通报 held about cases, each on the row of the case's lead bureau.

Every figure counts under the category the case was filed in, whatever the taxonomy says now.

Nothing here opens a ciphertext.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Integer, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from intake.domain.cases.feedback import EVENT as FEEDBACK_EVENT
from intake.domain.cases.outcomes import CASES_OPENED, CONCLUDED_LATE, ITEMS_ADDED, ITEMS_DONE, Kind
from intake.domain.codes import TRUE_FINDINGS, Finding
from intake.domain.models import Bureau, Event, Measure, Report

#: The outcome columns, each the sum of the measure entries of its kind.
OUTCOME_COLUMNS = (CASES_OPENED, CONCLUDED_LATE, *Kind, ITEMS_ADDED, ITEMS_DONE)
#: Cases that had a measure of §11 recorded in the period (each case once per period).
WITH_MEASURES = "cases_with_measures"
#: Rewards (docs/rules.md §5) by the step taken in the period: how many, and their sum in fen.
REWARD_STEPS = ("proposed", "approved", "paid", "lapsed")
REWARD_COLUMNS = tuple(
    f"rewards_{step}{suffix}" for step in REWARD_STEPS for suffix in ("", "_fen")
)
REWARD_AMOUNTS = frozenset(c for c in REWARD_COLUMNS if c.endswith("_fen"))
#: Feedback to real-name reporters (docs/rules.md §8; cases/feedback.py).
FEEDBACK_COLUMNS = (
    "named_concluded", "named_fed_back", "visits_satisfied", "visits_basically",
    "visits_dissatisfied",
)  # fmt: skip

#: Supervision imposed on cases (docs/rules.md §9; cases/grading.py, supervision_answers.py).
SUPERVISION_COLUMNS = ("listed", "joint_supervision", "interviews", "circulars")
#: The step (and its value, for a listing) each supervision column counts.
_SUPERVISION_STEPS = {
    ("listed", "listed"): "listed",
    ("listed", "joint"): "joint_supervision",
    ("interviewed", None): "interviews",
    ("circulated", None): "circulars",
}

COLUMNS = (
    "received",
    "repeats",
    "accepted",
    "not_accepted",
    "transferred_in",
    "transferred_out",
    "concluded",
    *Finding,
    "overdue",
    "open_at_end",
    *OUTCOME_COLUMNS,
    WITH_MEASURES,
    *REWARD_COLUMNS,
    *FEEDBACK_COLUMNS,
    *SUPERVISION_COLUMNS,
)
ALL = "*"
RATES = (
    "acceptance_rate", "on_time_rate", "substantiated_rate", "named_feedback_rate",
    "satisfaction_rate",
)  # fmt: skip
#: What the public page shows per month and category (docs/rules.md §7, §13).
PUBLIC = ("received", "concluded", WITH_MEASURES, Kind.FUND_RECOVERED.value)

Key = tuple[str, str, str]  # bureau, category, channel
#: A hand-over column is this prefix and the target's code (handed_over_police…).
HANDED_OVER = "handed_over_"
#: A month can no longer change from this many days after its last (settled_months).
SETTLE_DAYS = 2


def hand_over_column(target: str) -> str:
    """The column counting hand-overs (移送) to `target`."""
    return HANDED_OVER + target


def columns(targets: Iterable[str]) -> tuple[str, ...]:
    """Every column of a table, with one hand-over column per target code after the transfers."""
    at = COLUMNS.index("transferred_out") + 1
    extra = tuple(hand_over_column(t) for t in dict.fromkeys(targets))
    return (*COLUMNS[:at], *extra, *COLUMNS[at:])


def hand_over_targets(table: Table) -> list[str]:
    """The targets the table counts hand-overs to, in order of their codes."""
    return sorted({c[len(HANDED_OVER) :] for c in table.total.counts if c.startswith(HANDED_OVER)})


@dataclass
class Row:
    """One line of the table: a bureau × category × channel (ALL in a column means a total)."""

    bureau: str
    category: str
    channel: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    # Days from receipt to conclusion → how many conclusions of the period took that long.
    days: Counter[int] = field(default_factory=Counter, repr=False)

    @property
    def median_days(self) -> float | None:
        """Median calendar days from receipt to conclusion, for conclusions of the period."""
        return median(self.days)

    def rate(self, name: str) -> float | None:
        """One of RATES as a fraction, or None when nothing was there to rate."""
        c = self.counts
        # The one asked for alone: a province's page asks five per row on thousands of rows.
        if name == "acceptance_rate":
            part, whole = c["accepted"], c["accepted"] + c["not_accepted"]
        elif name == "on_time_rate":
            part, whole = c["concluded"] - c[CONCLUDED_LATE], c["concluded"]
        elif name == "substantiated_rate":
            part, whole = sum(c[f] for f in TRUE_FINDINGS), c["concluded"]
        elif name == "named_feedback_rate":
            part, whole = c["named_fed_back"], c["named_concluded"]
        elif name == "satisfaction_rate":
            part = c["visits_satisfied"] + c["visits_basically"]
            whole = part + c["visits_dissatisfied"]
        else:
            raise KeyError(name)
        return part / whole if whole else None


def median(histogram: Counter[int]) -> float | None:
    """The median of the values a histogram counts (the mean of the middle two if even)."""
    size = histogram.total()
    if not size:
        return None

    def at(position: int) -> int:
        seen = 0
        for value in sorted(histogram):
            seen += histogram[value]
            if seen > position:
                return value
        raise AssertionError("position beyond the histogram")

    low, high = at((size - 1) // 2), at(size // 2)
    return low if size % 2 else (low + high) / 2


@dataclass
class Table:
    """The statistics of one period: detail rows, a total per bureau, and a grand total."""

    start: dt.date
    end: dt.date
    rows: list[Row]
    bureau_totals: list[Row]
    total: Row


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a month written YYYY-MM; ValueError otherwise."""
    start = dt.date.fromisoformat(f"{month}-01")
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, following - dt.timedelta(days=1)


class days_between(FunctionElement[int]):
    """Whole days from the second date to the first, in the database's date arithmetic."""

    type = Integer()
    name = "days_between"
    inherit_cache = True


@compiles(days_between)
def _days_between(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL: a date minus a date is an integer number of days.
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} - {earlier})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


_EVENT_COLUMNS = {"received", "accepted", "not_accepted", "overdue"}


def compute(db: Session, start: dt.date, end: dt.date) -> Table:
    """The statistics of the period [start, end]."""
    return summarise(start, end, count_rows(db, start, end))


@dataclass(frozen=True)
class Scope:
    """The cases a count takes: those of one unit (docs/design.md, "Units"), or all of them.

    A case belongs to the unit of its lead bureau, and every step of it counts there: bureau
    codes repeat from unit to unit, so a code alone never says whose a step is.
    """

    unit_id: int | None = None
    #: Several units counted in one pass, each case's rows under its own unit (`count_units`).
    units: tuple[int, ...] = ()

    def reports(self) -> list[ColumnElement[bool]]:
        """Conditions on `Report` keeping the unit's cases."""
        if self.units:
            bureaus = select(Bureau.id).where(Bureau.unit_id.in_(self.units))
        elif self.unit_id is None:
            return []
        else:
            bureaus = select(Bureau.id).where(Bureau.unit_id == self.unit_id)
        return [Report.lead_bureau_id.in_(bureaus)]

    def of(self, report_id: Any) -> list[ColumnElement[bool]]:
        """Conditions on a column holding a report's id keeping the unit's cases (none when
        units are counted apart: `lead` joins the case and keeps the units' there)."""
        if self.unit_id is None or self.units:
            return []
        return [report_id.in_(select(Report.id).where(*self.reports()))]

    def lead(self, query: Any, report_id: Any, grouped: bool = True) -> Any:
        """`query` with one more column, last: the case's lead bureau when units are counted
        apart (the case joined by `report_id` unless None, the units' cases kept, and a
        `grouped` count grouped by the lead bureau), else a NULL."""
        if not self.units:
            return query.add_columns(literal_column("NULL"))
        if report_id is not None:
            query = query.join(Report, Report.id == report_id).where(*self.reports())
        query = query.add_columns(Report.lead_bureau_id)
        return query.group_by(Report.lead_bureau_id) if grouped else query


def count_rows(
    db: Session, start: dt.date, end: dt.date, scope: Scope | None = None
) -> dict[Key, Row]:
    """The detail rows of the period [start, end], counted from the events and the cases of
    `scope` (default: every unit's)."""
    return _count(db, start, end, scope or Scope()).get(None, {})


def count_units(
    db: Session, start: dt.date, end: dt.date, units: Iterable[int]
) -> dict[int, dict[Key, Row]]:
    """Each unit's detail rows of the period, as `count_rows` with the unit's Scope gives
    them, counted in one pass over the units' cases (a province's current month is a query
    per kind of figure, not one per unit and kind)."""
    asked = tuple(units)
    counted = _count(db, start, end, Scope(units=asked)) if asked else {}
    return {unit: counted.get(unit, {}) for unit in asked}


#: A count's rows: a case's unit when units are counted apart (else None) → key → row.
_Counted = dict[int | None, dict[Key, Row]]
#: A row of a count by the case's lead bureau (None unless units are counted apart) and key.
_RowOf = Callable[[int | None, Key], Row]


def _count(db: Session, start: dt.date, end: dt.date, scope: Scope) -> _Counted:
    in_scope = scope.of(Event.report_id)
    out: _Counted = {}
    bureaus = db.execute(select(Bureau.id, Bureau.code, Bureau.unit_id)).all()
    codes = {bureau_id: code for bureau_id, code, _unit in bureaus}
    unit_of = {bureau_id: unit for bureau_id, _code, unit in bureaus} if scope.units else {}

    def row(lead: int | None, key: Key) -> Row:
        rows = out.setdefault(unit_of.get(lead) if lead is not None else None, {})
        if key not in rows:
            rows[key] = Row(*key)
        return rows[key]

    # Each step carries its case's category, channel and date of receipt: ix_events_statistics
    # alone answers both queries.
    counted = db.execute(
        scope.lead(
            select(
                Event.kind,
                Event.bureau,
                Event.value,
                Event.category,
                Event.channel,
                func.count(),
            )
            .where(
                Event.occurred_on.between(start, end),
                Event.kind.in_(
                    ("received", "accepted", "not_accepted", "transferred", "handed_over",
                     "concluded", "overdue")
                ),
                *in_scope,
            )
            .group_by(Event.kind, Event.bureau, Event.value, Event.category, Event.channel),
            Event.report_id,
        )
    )  # fmt: skip
    for kind, bureau, value, category, channel, count, lead in counted:
        if kind == "transferred":
            row(lead, (bureau or "", category, channel)).counts["transferred_out"] += count
            row(lead, (value or "", category, channel)).counts["transferred_in"] += count
        elif kind == "handed_over":
            counts = row(lead, (bureau or "", category, channel)).counts
            over = hand_over_column(value or "")
            counts[over] = counts.get(over, 0) + count
        elif kind == "concluded":
            target = row(lead, (bureau or "", category, channel)).counts
            target["concluded"] += count
            if value is not None and value in Finding.__members__.values():
                target[value] += count
        elif kind in _EVENT_COLUMNS:
            row(lead, (bureau or "", category, channel)).counts[kind] += count

    # Outcomes: a period's measure entries, summed per kind from ix_measures_statistics alone.
    measured = db.execute(
        scope.lead(
            select(
                Measure.bureau,
                Measure.category,
                Measure.channel,
                Measure.kind,
                func.sum(Measure.quantity),
            )
            .where(Measure.recorded_on.between(start, end), *scope.of(Measure.report_id))
            .group_by(Measure.bureau, Measure.category, Measure.channel, Measure.kind),
            Measure.report_id,
        )
    )
    for bureau, category, channel, kind, total, lead in measured:
        counts = row(lead, (bureau, category, channel)).counts
        if kind in counts:
            counts[kind] += int(total)
    with_measures = db.execute(
        scope.lead(
            select(
                Measure.bureau,
                Measure.category,
                Measure.channel,
                func.count(Measure.report_id.distinct()),
            )
            .where(
                Measure.recorded_on.between(start, end),
                Measure.kind.in_([k.value for k in Kind]),
                *scope.of(Measure.report_id),
            )
            .group_by(Measure.bureau, Measure.category, Measure.channel),
            Measure.report_id,
        )
    )
    for bureau, category, channel, cases, lead in with_measures:
        row(lead, (bureau, category, channel)).counts[WITH_MEASURES] += cases

    # Days taken are counted in SQL: a month's tens of thousands of conclusions come back as
    # one row per (bureau, category, channel, days).
    days = days_between(Event.occurred_on, Event.received_on)
    conclusions = db.execute(
        scope.lead(
            select(Event.bureau, Event.category, Event.channel, days, func.count())
            .where(Event.occurred_on.between(start, end), Event.kind == "concluded", *in_scope)
            .group_by(Event.bureau, Event.category, Event.channel, days),
            Event.report_id,
        )
    )
    for bureau, category, channel, taken, count, lead in conclusions:
        row(lead, (bureau or "", category, channel)).days[int(taken)] += count

    # A stock, read in two ranges of ix_reports_open_stock without touching a row: cases not
    # concluded, and cases concluded after the period. The second is empty while the period
    # runs, and asking for it anyway makes SQLite's planner walk every case of every bureau.
    unconcluded: list[ColumnElement[bool]] = [Report.concluded_on.is_(None)]
    last_conclusion = db.scalar(select(func.max(Report.concluded_on)))
    if last_conclusion is not None and last_conclusion > end:
        unconcluded.append(Report.concluded_on > end)
    for condition in unconcluded:
        still_open = db.execute(
            select(Report.lead_bureau_id, Report.category, Report.channel, func.count())
            .where(condition, Report.received_on <= end, *scope.reports())
            .group_by(Report.lead_bureau_id, Report.category, Report.channel)
        )
        for bureau_id, category, channel, count in still_open:
            row(bureau_id, (codes[bureau_id], category, channel)).counts["open_at_end"] += count
    count_repeats(db, start, end, row, scope, unit_of.get)
    count_feedback(db, start, end, row, scope)
    count_supervision(db, start, end, row, scope)
    for (lead, category, channel), counts in _count_rewards(db, start, end, scope).items():
        row(lead, (codes[lead], category, channel)).counts.update(counts)
    return out


def count_rewards(
    db: Session, start: dt.date, end: dt.date, scope: Scope | None = None
) -> dict[Key, dict[str, int]]:
    """The reward columns: rewards proposed, approved, paid and lapsed in the period, with
    their sums in fen, under the case's lead bureau (an exclusion proposes no sum)."""
    codes = {bureau_id: code for bureau_id, code in db.execute(select(Bureau.id, Bureau.code))}
    out: dict[Key, dict[str, int]] = {}
    for (lead, category, channel), counts in _count_rewards(db, start, end, scope).items():
        out[(codes[lead], category, channel)] = counts
    return out


def _count_rewards(
    db: Session, start: dt.date, end: dt.date, scope: Scope | None = None
) -> dict[tuple[int, str, str], dict[str, int]]:
    """count_rewards by the lead bureau's id, category and channel."""
    out: dict[tuple[int, str, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(REWARD_COLUMNS, 0)
    )
    for step in REWARD_STEPS:
        on = getattr(Report, f"reward_{step}_on")
        counted = db.execute(
            select(
                Report.lead_bureau_id,
                Report.category,
                Report.channel,
                func.count(),
                func.coalesce(func.sum(Report.reward_amount), 0),
            )
            .where(
                on.between(start, end),
                Report.reward_amount.is_not(None),
                *(scope or Scope()).reports(),
            )
            .group_by(Report.lead_bureau_id, Report.category, Report.channel)
        )
        for bureau_id, category, channel, count, total in counted:
            counts = out[(bureau_id, category, channel)]
            counts[f"rewards_{step}"] += count
            counts[f"rewards_{step}_fen"] += int(total or 0)
    return out


def count_feedback(
    db: Session,
    start: dt.date,
    end: dt.date,
    row: _RowOf,
    scope: Scope | None = None,
) -> None:
    """The real-name feedback columns of the period [start, end], from the steps: conclusions
    of real-name cases, results given (each case once however many ways it was told) and
    return visits by satisfaction. Feedback is recorded for real-name cases only."""
    scope = scope or Scope()
    named = db.execute(
        scope.lead(
            select(Event.bureau, Event.category, Event.channel, func.count())
            .join(Report, Report.id == Event.report_id)
            .where(
                Event.occurred_on.between(start, end),
                Event.kind == "concluded",
                Report.real_name.is_(True),
                *scope.reports(),
            )
            .group_by(Event.bureau, Event.category, Event.channel),
            None,  # joined already
        )
    )
    for bureau, category, channel, count, lead in named:
        row(lead, (bureau or "", category, channel)).counts["named_concluded"] += count
    given = db.execute(
        scope.lead(
            select(
                Event.bureau,
                Event.category,
                Event.channel,
                Event.value,
                func.count(Event.report_id.distinct()),
            )
            .where(
                Event.occurred_on.between(start, end),
                Event.kind == FEEDBACK_EVENT,
                *scope.of(Event.report_id),
            )
            .group_by(Event.bureau, Event.category, Event.channel, Event.value),
            Event.report_id,
        )
    )
    for bureau, category, channel, value, count, lead in given:
        column = "named_fed_back" if value == "result" else _VISITS.get(value or "")
        if column is not None:
            row(lead, (bureau or "", category, channel)).counts[column] += count


def count_supervision(
    db: Session,
    start: dt.date,
    end: dt.date,
    row: _RowOf,
    scope: Scope | None = None,
) -> None:
    """The supervision columns of the period [start, end], from the steps: 挂牌督办 and 联合督办
    imposed, 约谈 and 通报 held (recorded) in the period."""
    scope = scope or Scope()
    steps = db.execute(
        scope.lead(
            select(
                Event.kind, Event.value, Event.bureau, Event.category, Event.channel, func.count()
            )
            .where(
                Event.occurred_on.between(start, end),
                Event.kind.in_({kind for kind, _value in _SUPERVISION_STEPS}),
                *scope.of(Event.report_id),
            )
            .group_by(Event.kind, Event.value, Event.bureau, Event.category, Event.channel),
            Event.report_id,
        )
    )
    for kind, value, bureau, category, channel, count, lead in steps:
        column = _SUPERVISION_STEPS.get((kind, value if kind == "listed" else None))
        if column is not None:
            row(lead, (bureau or "", category, channel)).counts[column] += count


#: The step's value of a return visit (cases/feedback.py) → its column.
_VISITS = {
    "visit:satisfied": "visits_satisfied",
    "visit:basically": "visits_basically",
    "visit:dissatisfied": "visits_dissatisfied",
}


def repeat_counted_on(received_on: dt.date, marked_on: dt.date) -> dt.date:
    """The day a repeat (重复件) counts on: its day of receipt if it was marked before its month
    settled, so the month counts the matter once; else the day it was marked, since the month it
    came in was counted and kept with it as received (docs/rules.md §7: kept months stay kept)."""
    last = month_bounds(received_on.strftime("%Y-%m"))[1]
    return received_on if marked_on < last + dt.timedelta(days=SETTLE_DAYS) else marked_on


def count_repeats(
    db: Session,
    start: dt.date,
    end: dt.date,
    row: _RowOf,
    scope: Scope | None = None,
    unit_of: Callable[[int], int | None] = lambda _lead: None,
) -> None:
    """Repeats of the period [start, end] (docs/rules.md §9): each on the first case's row
    (the `repeat_linked` step on it), and, when counted on its day of receipt, taken out of the
    `received` of the row it was received in: the matter is counted once.

    A repeat marked after its month settled stays among that month's received; it shows under
    `repeats` in the month it was marked. Units counted apart (`unit_of` a lead bureau's unit):
    the first case counts a repeat only if it is of the repeat's unit, as with one unit's scope.
    """
    scope = scope or Scope()
    in_scope = scope.of(Event.report_id)
    last = month_bounds(end.strftime("%Y-%m"))[1] + dt.timedelta(days=SETTLE_DAYS)
    # Markings of the period, and those a few days after it of repeats received in it.
    marked = db.execute(
        scope.lead(
            select(Event.report_id, Event.occurred_on, Event.received_on).where(
                Event.kind == "marked_repeat", Event.occurred_on.between(start, last), *in_scope
            ),
            Event.report_id,
            grouped=False,
        )
    ).all()
    # Each repeat counted in the period → whether it counts on its day of receipt.
    counted = {
        report_id: on == received_on
        for report_id, marked_on, received_on, _lead in marked
        if start <= (on := repeat_counted_on(received_on, marked_on)) <= end
    }
    if not counted:
        return
    repeats = db.execute(
        select(
            Report.id, Report.reference, Report.category, Report.channel, Report.lead_bureau_id
        ).where(Report.id.in_(list(counted)))
    ).all()
    # The first case's row: bureau, category and channel of its `repeat_linked` step, whose
    # value is the repeat's reference (and its lead bureau when units are counted apart).
    linked = {
        reference: (lead, (bureau or "", category, channel))
        for reference, bureau, category, channel, lead in db.execute(
            scope.lead(
                select(Event.value, Event.bureau, Event.category, Event.channel).where(
                    Event.kind == "repeat_linked",
                    Event.value.in_([r.reference for r in repeats]),
                    *in_scope,
                ),
                Event.report_id,
                grouped=False,
            )
        )
    }
    receipts = dict(
        db.execute(
            select(Event.report_id, Event.bureau).where(
                Event.report_id.in_(list(counted)), Event.kind == "received"
            )
        ).all()
    )
    for report_id, reference, category, channel, lead in repeats:
        own = (receipts.get(report_id) or "", category, channel)
        first_lead, first = linked.get(reference, (lead, own))
        if first_lead is not None and unit_of(first_lead) != unit_of(lead):
            first_lead, first = lead, own
        # Every marking writes both steps; a lost one counts the repeat on its own row.
        row(first_lead, first).counts["repeats"] += 1
        if counted[report_id]:
            row(lead, own).counts["received"] -= 1


def summarise(start: dt.date, end: dt.date, rows: dict[Key, Row]) -> Table:
    """A table from its detail rows: they sorted, a total per bureau and a grand total added."""
    detail = [rows[key] for key in sorted(rows)]
    per_bureau: dict[str, Row] = {}
    total = Row(ALL, ALL, ALL)
    for line in detail:
        bureau_total = per_bureau.setdefault(line.bureau, Row(line.bureau, ALL, ALL))
        for target in (bureau_total, total):
            for column, n in line.counts.items():
                target.counts[column] = target.counts.get(column, 0) + n
            target.days.update(line.days)
    return Table(start, end, detail, [per_bureau[b] for b in sorted(per_bureau)], total)


#: Detail rows added up as plain numbers: key → (its nonzero columns, days taken → how many
#: conclusions took them). What kept months are summed into (settled_months.add_up).
Sums = dict[Key, tuple[dict[str, int], dict[int, int]]]

_ZERO = dict.fromkeys(COLUMNS, 0)


def add_sum(
    target: tuple[dict[str, int], dict[int, int]], counts: dict[str, int], days: dict[int, int]
) -> None:
    """Add one line of Sums into another."""
    total, taken = target
    for column, n in counts.items():
        total[column] = total.get(column, 0) + n
    for value, n in days.items():
        taken[value] = taken.get(value, 0) + n


def tabulate(start: dt.date, end: dt.date, sums: Sums) -> Table:
    """The table `summarise` makes of the same rows, from their Sums: the totals are added up
    from the nonzero columns, and each line becomes a Row once, at the end."""
    per_bureau: dict[str, tuple[dict[str, int], dict[int, int]]] = {}
    detail: list[Row] = []
    for key in sorted(sums):
        counts, days = sums[key]
        detail.append(_row(key, counts, days))
        add_sum(per_bureau.setdefault(key[0], ({}, {})), counts, days)
    grand: tuple[dict[str, int], dict[int, int]] = ({}, {})
    for counts, days in per_bureau.values():
        add_sum(grand, counts, days)
    bureau_totals = [_row((b, ALL, ALL), *per_bureau[b]) for b in sorted(per_bureau)]
    return Table(start, end, detail, bureau_totals, _row((ALL, ALL, ALL), *grand))


def _row(key: Key, counts: dict[str, int], days: dict[int, int]) -> Row:
    return Row(*key, counts={**_ZERO, **counts}, days=Counter(days))


def public_figures(
    db: Session, months: list[tuple[dt.date, dt.date]]
) -> dict[tuple[str, str], dict[str, int]]:
    """The PUBLIC columns per (month, category), for the public page."""
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(PUBLIC, 0))
    for start, end in months:
        month = start.strftime("%Y-%m")
        for line in count_rows(db, start, end).values():
            cell = out[(month, line.category)]
            for column in PUBLIC:
                cell[column] += line.counts[column]
    return dict(out)

"""Turning statistics and ledgers into rows with names in the reader's language."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from admin.labels import bureau_name, category_name
from admin.statistics.exports import Cell
from intake.domain.cases.lifecycle import State
from intake.domain.codes import Finding
from intake.domain.labels import CHANNEL_NAMES, FINDING_NAMES, STAT_COLUMNS, TOTAL_NAME
from intake.domain.models import Bureau, KeyWrap, Report, StaffMember
from intake.domain.oversight.statistics import ALL, COLUMNS, Row, Table


def _name(kind: str, code: str) -> str:
    if code == ALL:
        return str(TOTAL_NAME)
    if kind == "bureau":
        return bureau_name(code)
    if kind == "category":
        return category_name(code)
    return str(CHANNEL_NAMES.get(code, code))


def stats_header() -> list[str]:
    """Column titles of the statistics table."""
    from flask_babel import gettext as _

    return [_("Bureau"), _("Category"), _("Channel"), *(str(STAT_COLUMNS[c]) for c in COLUMNS),
            str(STAT_COLUMNS["median_days"])]  # fmt: skip


def stats_row(row: Row) -> list[Cell]:
    """One statistics row as cells."""
    median = row.median_days
    return [
        _name("bureau", row.bureau),
        _name("category", row.category),
        _name("channel", row.channel),
        *(row.counts[c] for c in COLUMNS),
        None if median is None else round(median, 1),
    ]


def stats_rows(table: Table) -> Iterator[list[Cell]]:
    """Detail rows, then a total per bureau, then the grand total."""
    for row in [*table.rows, *table.bureau_totals, table.total]:
        yield stats_row(row)


LEDGER_FIELDS = (
    "reference", "received_on", "channel", "category", "state", "decision_due", "accepted_on",
    "conclusion_due", "extended", "concluded_on", "finding", "handler", "major", "supervised_on",
)  # fmt: skip


def ledger_header() -> list[str]:
    """Column titles of the case ledger."""
    from flask_babel import gettext as _

    return [
        _("Reference"), _("Received"), _("Channel"), _("Category"), _("State"), _("Decide by"),
        _("Accepted on"), _("Conclude by"), _("Extended"), _("Concluded on"), _("Finding"),
        _("Handler"), _("Major lead"), _("Supervised on"),
    ]  # fmt: skip


def ledger_rows(
    db: Session, bureau: Bureau, state_names: Mapping[State, object]
) -> Iterator[Sequence[Cell]]:
    """One row per case the bureau leads or holds a copy of (一案一档): metadata, never content."""
    names = {m.id: m.username for m in db.scalars(select(StaffMember))}
    held = select(KeyWrap.report_id).where(KeyWrap.bureau_id == bureau.id)
    reports = db.scalars(
        select(Report)
        .where(or_(Report.lead_bureau_id == bureau.id, Report.id.in_(held)))
        .order_by(Report.received_on, Report.reference)
        .execution_options(yield_per=1000)
    )
    for r in reports:
        yield [
            r.reference,
            r.received_on.isoformat(),
            str(CHANNEL_NAMES.get(r.channel, r.channel)),
            category_name(r.category),
            str(state_names[State(r.state)]),
            r.decision_due.isoformat(),
            r.accepted_on.isoformat() if r.accepted_on else None,
            r.conclusion_due.isoformat() if r.conclusion_due else None,
            "✓" if r.extended else "",
            r.concluded_on.isoformat() if r.concluded_on else None,
            str(FINDING_NAMES[Finding(r.finding)]) if r.finding else None,
            names.get(r.assigned_staff_id) if r.assigned_staff_id else None,
            "✓" if r.major else "",
            r.supervised_on.isoformat() if r.supervised_on else None,
        ]

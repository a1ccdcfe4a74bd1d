"""Monthly statistics (统计表) for supervisors, and case ledgers (台账) for bureaus.

The 统计表 is metadata only. A bureau member's 台账 decrypts two content columns with the
bureau's key; a supervisor's has none.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, render_template, request
from sqlalchemy import select

from admin.console import (
    bureau_by_code,
    is_member,
    opened,
    record_audit,
    requested_unit,
    requires,
    staff,
    visible_unit_ids,
)
from admin.statistics import exports, roll_up
from admin.statistics import tables as reports_out
from intake.domain import units
from intake.domain.codes import CASE_ROLES, Role
from intake.domain.keys.keyring import bureau_private_key
from intake.domain.models import Unit
from intake.domain.oversight import ledger as ledger_lines
from intake.domain.oversight import statistics, unit_statistics
from intake.platform import context, db

bp = Blueprint("statistics", __name__)

#: Exported references listed one by one in the audit record, up to this many.
AUDITED_REFERENCES = 10_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _units_offered() -> list[tuple[str, str]]:
    """The units whose table the member may choose: theirs and those below it."""
    seen = visible_unit_ids()
    rows = db.session().scalars(select(Unit).where(Unit.id.in_(seen)).order_by(Unit.id))
    return [(u.code, u.name) for u in rows]


def _month() -> tuple[str, dt.date]:
    month = request.args.get("month", "")
    if not month:
        first = context.today().replace(day=1)
        month = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    try:
        start, _end = statistics.month_bounds(month)
    except ValueError:
        abort(400)
    if not 2000 <= start.year <= 2100:
        abort(400)
    return month, start


@bp.get("/stats")
@requires(Role.SUPERVISOR)
def stats() -> str:
    """One month of a unit: totals per bureau (per unit, with units below) with a chart drawn
    on the server, then the detail rows."""
    unit = requested_unit()
    month, start = _month()
    end = statistics.month_bounds(month)[1]
    # Above a city the page is a line per unit (roll_up.page_parts): only those lines are read.
    lines_only = len(unit_statistics.units_counted(db.session(), unit)) > roll_up.SECTIONS_SHOWN
    make = unit_statistics.roll_up_lines if lines_only else unit_statistics.roll_up
    report = make(db.session(), unit, start, end, context.today())
    db.session().commit()
    bars = roll_up.chart(report)
    peak = max([1, *(t.counts["received"] for _n, t in bars),
                *(t.counts["concluded"] for _n, t in bars)])  # fmt: skip
    return render_template(
        "admin/stats.html",
        month=month,
        unit=unit,
        offered=_units_offered(),
        empty=not report.total.rows,
        chart=bars,
        parts=roll_up.page_parts(report),
        per_unit_only=lines_only,
        peak=peak,
    )


@bp.get("/stats/export")
@requires(Role.SUPERVISOR)
def stats_export() -> Response:
    """A month's table, or whole months `month` to `to`, as XLSX or CSV (every row), or as the
    Word or PDF document the upper office receives (docs/rules.md §13), of the unit asked
    for with its units below."""
    unit = requested_unit()
    month, start = _month()
    end = statistics.month_bounds(month)[1]
    to = request.args.get("to", "")
    if to:
        try:
            end = statistics.month_bounds(to)[1]
        except ValueError:
            abort(400)
        if end < start or end.year - start.year > 10:
            abort(400)
    report = unit_statistics.roll_up(db.session(), unit, start, end, context.today())
    period = month if not to else f"{month}_{to}"
    # The home unit keeps the file names of an installation of one county.
    name = (
        f"qingfeng-stats-{period}"
        if unit.code == units.HOME
        else f"qingfeng-stats-{unit.code}-{period}"
    )
    kind = request.args.get("format", "xlsx")
    record_audit("stats_exported", month=month, to=to or None, format=kind, unit=unit.code)
    db.session().commit()
    if kind in reports_out.DOCUMENTS:
        mimetype = reports_out.DOCUMENTS[kind][1]
        response = Response(roll_up.document(report, kind), mimetype=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
        return response
    return _download(name, roll_up.header(report), list(roll_up.rows(report)))


@bp.get("/ledger")
@requires(Role.SUPERVISOR, *CASE_ROLES)
def ledger() -> Response:
    """A bureau's 问题线索台账 (docs/rules.md §12): one row per lead. A member of the bureau gets
    the content columns, decrypted with the bureau's key; a supervisor, who holds none, gets
    the ledger without them. Every export is audited with who took it and which rows."""
    # `unit`: a supervisor's view of a bureau in a unit below theirs (docs/design.md, "Units").
    bureau = bureau_by_code(request.args.get("bureau", ""), request.args.get("unit"))
    member = staff().role != Role.SUPERVISOR
    if member and not is_member(staff(), bureau):
        abort(404)
    private = (
        bureau_private_key(db.session(), staff(), opened().staff_private, bureau.code)
        if member
        else None
    )
    lines = list(ledger_lines.lines(db.session(), bureau, private))
    references = [line.reference for line in lines]
    record_audit(
        "ledger_exported",
        bureau=bureau.code,
        content=member,
        rows=len(references),
        digest=ledger_lines.digest(references),
        # The references themselves up to a size an audit record can carry; beyond it the
        # digest over them, in order, identifies the rows.
        references=references if len(references) <= AUDITED_REFERENCES else None,
    )
    db.session().commit()
    rows = list(reports_out.ledger_rows(lines, member))
    return _download(f"qingfeng-ledger-{bureau.code}", reports_out.ledger_header(member), rows)


def _download(name: str, header: list[str], rows: list) -> Response:
    kind = request.args.get("format", "xlsx")
    if kind == "csv":
        body, mimetype = exports.to_csv(header, rows), "text/csv; charset=utf-8"
    elif kind == "xlsx":
        body, mimetype = exports.to_xlsx(name[:31], header, rows), XLSX
    else:
        abort(400)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response

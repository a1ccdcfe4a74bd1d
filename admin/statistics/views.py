"""Monthly statistics (统计表) for supervisors, and case ledgers (台账) for bureaus.

The 统计表 is metadata only. A bureau member's 台账 decrypts two content columns with the
bureau's key; a supervisor's has none.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, render_template, request

from admin.console import (
    bureau_by_code,
    is_member,
    opened,
    record_audit,
    requires,
    staff,
    visible_unit_ids,
)
from admin.statistics import exports
from admin.statistics import tables as reports_out
from intake.domain import units
from intake.domain.codes import CASE_ROLES, Role
from intake.domain.keys.keyring import bureau_private_key
from intake.domain.oversight import ledger as ledger_lines
from intake.domain.oversight import settled_months, statistics
from intake.platform import context, db

bp = Blueprint("statistics", __name__)

#: Exported references listed one by one in the audit record, up to this many.
AUDITED_REFERENCES = 10_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _whole_installation() -> None:
    """The 统计表 still counts the whole installation (docs/design.md, "Units"): only a
    supervisor who sees every unit reads it; a county's would see its neighbours' counts."""
    if visible_unit_ids() != units.below(db.session(), *units.roots(db.session())):
        abort(403)


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
    """One month: totals per bureau with a chart drawn on the server, then the detail rows."""
    _whole_installation()
    month, start = _month()
    table = settled_months.month_table(db.session(), start, context.today())
    db.session().commit()
    peak = max([1, *(t.counts["received"] for t in table.bureau_totals),
                *(t.counts["concluded"] for t in table.bureau_totals)])  # fmt: skip
    return render_template(
        "admin/stats.html",
        month=month,
        table=table,
        header=reports_out.stats_header(table),
        rows=list(reports_out.stats_rows(table)),
        peak=peak,
    )


@bp.get("/stats/export")
@requires(Role.SUPERVISOR)
def stats_export() -> Response:
    """A month's table, or whole months `month` to `to`, as XLSX or CSV (every row), or as the
    Word or PDF document the upper office receives (docs/rules.md §13)."""
    _whole_installation()
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
    table = settled_months.period_table(db.session(), start, end, context.today())
    period = month if not to else f"{month}_{to}"
    kind = request.args.get("format", "xlsx")
    record_audit("stats_exported", month=month, to=to or None, format=kind)
    db.session().commit()
    if kind in reports_out.DOCUMENTS:
        mimetype = reports_out.DOCUMENTS[kind][1]
        response = Response(reports_out.stats_document(table, kind), mimetype=mimetype)
        response.headers["Content-Disposition"] = (
            f'attachment; filename="qingfeng-stats-{period}.{kind}"'
        )
        return response
    header, rows = reports_out.stats_header(table), list(reports_out.stats_rows(table))
    return _download(f"qingfeng-stats-{period}", header, rows)


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

"""Supervisors: the overdue board with one-click 督办, and a case's audit trail.

Metadata only: a supervisor holds no bureau key. A 督办 note is sealed to the lead bureau's
public key, which needs none.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from admin import audit
from admin.console import actor, bp, record_audit, requires
from admin.forms import SuperviseForm
from admin.views_cases import STATE_NAMES
from intake import casework, context, db, due
from intake.deadlines import current_deadline
from intake.models import Bureau, Report, StaffMember


def _by_reference(reference: str) -> Report:
    report = db.session().scalars(select(Report).where(Report.reference == reference)).first()
    if report is None:
        abort(404)
    return report


@bp.get("/overdue")
@requires("supervisor")
def overdue() -> str:
    """Overdue cases and major leads of every bureau, by bureau and category, oldest first."""
    today = context.today()
    cases = (
        db.session()
        .scalars(
            select(Report)
            .join(Bureau, Bureau.id == Report.lead_bureau_id)
            .where(or_(due.overdue(today), Report.major.is_(True)), Report.destroyed_on.is_(None))
            .order_by(Bureau.code, Report.category, Report.received_on, Report.reference)
            .limit(1000)
        )
        .all()
    )
    return render_template(
        "admin/overdue.html",
        cases=cases,
        today=today,
        deadline=current_deadline,
        state_names=STATE_NAMES,
        form=SuperviseForm(),
        is_overdue=lambda r: (
            (d := current_deadline(r.state, r.decision_due, r.conclusion_due)) is not None
            and d < today
        ),
    )


@bp.post("/cases/<reference>/supervise")
@requires("supervisor")
def supervise(reference: str) -> Response:
    """督办: a note the lead bureau sees on the case and in its queue."""
    report = _by_reference(reference)
    form = SuperviseForm()
    text = form.text.data if form.validate() else ""
    casework.supervise(report, actor(), text or str(SuperviseForm.DEFAULT))
    record_audit("case_supervised", report)
    db.session().commit()
    return redirect(url_for("admin.overdue", _anchor=f"case-{reference}"), code=303)


@bp.get("/cases/<reference>/audit")
@requires("supervisor")
def case_audit(reference: str) -> str:
    """Who did what with a case, and when; reading it is audited too."""
    database = db.session()
    report = _by_reference(reference)
    events = audit.trail(database, report.id)
    record_audit("view_audit_trail", report)
    database.commit()
    names = {m.id: m.username for m in database.scalars(select(StaffMember))}
    return render_template("admin/audit.html", report=report, events=events, names=names)

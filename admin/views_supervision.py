"""Supervisors: the overdue board and a case's audit trail. Metadata only, no key needed."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import or_, select

from admin import audit, queue
from admin.console import bp, record_audit, requires
from admin.views_cases import STATE_NAMES
from intake import context, db, i18n
from intake.deadlines import current_deadline
from intake.models import Report, StaffMember


@bp.get("/overdue")
@requires("supervisor")
def overdue() -> str:
    """Overdue and major cases of every bureau, oldest first (督办)."""
    today = context.today()
    cases = (
        db.session()
        .scalars(
            select(Report)
            .where(or_(queue.overdue(today), Report.major.is_(True)))
            .order_by(Report.received_on, Report.reference)
            .limit(500)
        )
        .all()
    )
    taxonomy, locale = context.taxonomy(), i18n.current()
    return render_template(
        "admin/overdue.html",
        cases=cases,
        today=today,
        deadline=current_deadline,
        bureau_name=lambda code: taxonomy.bureau(code).name(locale),
        category=taxonomy.category,
        state_names=STATE_NAMES,
        is_overdue=lambda r: (
            (d := current_deadline(r.state, r.decision_due, r.conclusion_due)) is not None
            and d < today
        ),
    )


@bp.get("/cases/<reference>/audit")
@requires("supervisor")
def case_audit(reference: str) -> str:
    """Who did what with a case, and when; reading it is audited too."""
    database = db.session()
    report = database.scalars(select(Report).where(Report.reference == reference)).first()
    if report is None:
        abort(404)
    events = audit.trail(database, report.id)
    record_audit("view_audit_trail", report)
    database.commit()
    names = {m.id: m.username for m in database.scalars(select(StaffMember))}
    return render_template("admin/audit.html", report=report, events=events, names=names)

"""Supervisors: the 交办 board (上级交办到期线索查结清零) and the 约谈 and 通报 recorded about a
case (intake/domain/oversight/hand_down_board.py, cases/supervision_answers.py).

Metadata only, like the rest of supervision: the board needs no key, and the note of a 约谈
or 通报 is sealed to the lead bureau's public key.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin.console import actor, record_audit, requested_unit, requires, staff, visible_bureau_ids
from admin.supervision.forms import SupervisionEventForm
from intake.domain import units
from intake.domain.cases import supervision_answers
from intake.domain.cases.casework import CaseworkError
from intake.domain.codes import Role
from intake.domain.labels import SUPERVISION_KIND_NAMES
from intake.domain.models import Bureau, Report
from intake.domain.oversight import hand_down_board
from intake.platform import context, db

bp = Blueprint("hand_downs", __name__)

RECORDED = _l("%(kind)s recorded on case %(reference)s; the bureau reads the note.")
NOT_RECORDED = _l("Nothing was recorded: %(reason)s")
NO_SUCH_CASE = _l("No case has the reference %(reference)s.")


@bp.get("/hand-downs")
@requires(Role.SUPERVISOR)
def board() -> str:
    """The 交办 orders with their cases, late ones first, a page at a time; the figures and the
    清零 figure of them all, by unit below when there are units below; of one unit and those
    below it when one is chosen (`?unit=CODE`)."""
    today, database = context.today(), db.session()
    unit = requested_unit()
    try:
        number = max(1, min(int(request.args.get("page", "1")), 100_000))
    except ValueError:
        abort(400)
    bureau_ids = visible_bureau_ids()
    if unit.id != staff().unit_id:
        below = units.below(database, unit.id)
        bureau_ids &= set(database.scalars(select(Bureau.id).where(Bureau.unit_id.in_(below))))
    groups = hand_down_board.summary_groups(database, unit.id)
    return render_template(
        "admin/hand_downs.html",
        board=hand_down_board.board(database, today, bureau_ids, number, groups),
        unit=unit,
        chosen=unit.code if request.args.get("unit") else None,
        today=today,
    )


@bp.post("/supervision-events")
@requires(Role.SUPERVISOR)
def record_event() -> Response:
    """Record a 约谈 or 通报 about a case, from the overdue board."""
    form = SupervisionEventForm()
    back = redirect(url_for("admin.supervision.overdue", _anchor="supervision-events"), code=303)
    if not form.validate():
        errors = [str(e) for field in form for e in field.errors]
        flash(str(NOT_RECORDED % {"reason": " ".join(errors)}))
        return back
    reference = "".join(form.reference.data.split()).upper()
    report = (
        db.session()
        .scalars(
            select(Report).where(
                Report.reference == reference, Report.lead_bureau_id.in_(visible_bureau_ids())
            )
        )
        .first()
    )
    if report is None:  # or another county's, which is not this supervisor's to see
        flash(str(NO_SUCH_CASE % {"reference": form.reference.data.strip()}))
        return back
    try:
        supervision_answers.record_event(
            report, actor(), form.kind.data, form.held_on.data, form.text.data
        )
    except CaseworkError as exc:
        db.session().rollback()
        flash(str(NOT_RECORDED % {"reason": str(exc.args[0])}))
        return back
    record_audit(f"case_{form.kind.data}", report, held_on=form.held_on.data.isoformat())
    db.session().commit()
    kind = SUPERVISION_KIND_NAMES[form.kind.data]
    flash(str(RECORDED % {"kind": kind, "reference": reference}))
    return back

"""The case page's part of 回头看: the rounds a case is in, and the lead bureau's result."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectField

from admin.console import actor, back_to_case, load_case, record_audit, requires, staff
from intake.domain.cases.casework import CaseworkError
from intake.domain.codes import CASE_ROLES
from intake.domain.labels import REVIEW_RESULT_NAMES
from intake.domain.models import Report, ReviewItem
from intake.domain.oversight import reviews
from intake.platform import db

REVIEWED = _l("The review result of case %(ref)s was recorded.")

bp = Blueprint("case_reviews", __name__)


class ReviewResultForm(FlaskForm):
    """The review's result; the case's first finding stays as it is."""

    result = SelectField(
        _l("Review result"),
        choices=[SelectChoice(code, name) for code, name in REVIEW_RESULT_NAMES.items()],
    )


def page_part(report: Report) -> dict[str, Any]:
    """The rounds this case is in, and whether the member may record a result."""
    return {
        "entries": reviews.waiting_items(report),
        "form": ReviewResultForm(prefix="review"),
        "may_record": report.lead_bureau_id in {m.bureau_id for m in staff().memberships},
        "names": REVIEW_RESULT_NAMES,
    }


@bp.post("/cases/<reference>/review/<int:item_id>")
@requires(*CASE_ROLES)
def record(reference: str, item_id: int) -> Response | tuple[str, int]:
    """The lead bureau records the result of its review."""
    from admin.cases.views import _render_case as render_case  # the page shows this part

    report = load_case(reference)
    if report.lead_bureau_id not in {m.bureau_id for m in staff().memberships}:
        abort(403)
    item = db.session().get(ReviewItem, item_id)
    if item is None or item.report_id != report.id:
        abort(404)
    form = ReviewResultForm(prefix="review")
    if not form.validate():
        return render_case(report), 422
    try:
        reviews.record_result(item, actor(), form.result.data)
    except CaseworkError as exc:
        db.session().rollback()
        return render_case(load_case(reference), alert=str(exc.args[0])), 422
    record_audit("case_reviewed", report, result=form.result.data)
    db.session().commit()
    flash(str(REVIEWED % {"ref": report.reference}), "success")
    return back_to_case(report)

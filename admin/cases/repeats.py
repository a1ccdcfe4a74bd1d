"""Repeat reports on the case page: the related reports a member may open, a count of the
others, and marking a case as a repeat (重复件) of another (docs/rules.md §9)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from admin.console import actor, back_to_case, load_case, record_audit, requires, staff
from admin.forms import REQUIRED
from intake.domain.cases import repeats
from intake.domain.cases.casework import CaseworkError
from intake.domain.codes import CASE_ROLES
from intake.domain.models import KeyWrap, Report
from intake.platform import db
from intake.platform.report_form import TOO_LONG

bp = Blueprint("repeats", __name__)

NOT_FOUND = _l("No case with that reference that you can read.")
JOINED = _l("Case %(ref)s is now a repeat of case %(of)s; its reporter is told it was joined.")


class RepeatForm(FlaskForm):
    """Mark this case as a repeat of another, named by its reference."""

    of = StringField(
        _l("Reference of the case it repeats"),
        filters=[lambda value: (value or "").strip().upper()],
        validators=[DataRequired(message=REQUIRED), Length(max=16, message=TOO_LONG)],
    )


def page_part(report: Report, form: RepeatForm | None = None) -> dict[str, Any]:
    """What the case page's repeats section shows the current member."""
    bureau_ids = {m.bureau_id for m in staff().memberships}
    return {
        "relations": repeats.relations(db.session(), report, bureau_ids),
        "form": form or RepeatForm(prefix="repeat"),
        # The lead bureau acts on its cases (intake/domain/cases/powers.py).
        "may_mark": report.lead_bureau_id in bureau_ids and report.repeat_of_id is None,
    }


@bp.post("/cases/<reference>/repeat")
@requires(*CASE_ROLES)
def mark(reference: str) -> Response | tuple[str, int]:
    """重复件: link this case to the one it repeats; refused ones show the page again."""
    from admin.cases.views import (
        _render_case as render_case,  # the case page, which shows this module's part
    )

    report = load_case(reference)
    bureau_ids = {m.bureau_id for m in staff().memberships}
    if report.lead_bureau_id not in bureau_ids:
        abort(403)
    form = RepeatForm(prefix="repeat")
    if not form.validate():
        return render_case(report, repeat_form=form), 422
    original = _readable(form.of.data, bureau_ids)
    if original is None:
        return render_case(report, repeat_form=form, alert=str(NOT_FOUND)), 422
    try:
        joined = repeats.mark_repeat(db.session(), report, original, actor())
    except CaseworkError as exc:
        db.session().rollback()
        return render_case(load_case(reference), repeat_form=form, alert=str(exc.args[0])), 422
    record_audit("case_repeat", report, of=joined.reference)
    db.session().commit()
    flash(str(JOINED % {"ref": report.reference, "of": joined.reference}), "success")
    return back_to_case(report)


def _readable(reference: str, bureau_ids: set[int]) -> Report | None:
    # Only a case the member can read: naming another bureau's case must not confirm it exists.
    return (
        db.session()
        .scalars(
            select(Report)
            .join(KeyWrap, KeyWrap.report_id == Report.id)
            .where(Report.reference == reference, KeyWrap.bureau_id.in_(bureau_ids))
        )
        .first()
    )

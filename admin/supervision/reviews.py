"""回头看 in batches: the supervisor's review rounds (intake/domain/oversight/reviews.py).

Metadata only, like the rest of supervision: selecting and following a round needs no key.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import Select, select
from werkzeug.wrappers import Response
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from admin.console import actor, requires, staff, visible_bureau_ids, visible_unit_ids
from admin.forms import REQUIRED
from admin.labels import bureau_name, category_name
from intake.domain.cases.casework import CaseworkError
from intake.domain.cases.name_index import INSTITUTION, name_tag
from intake.domain.cases.names import institution_key
from intake.domain.codes import Role
from intake.domain.labels import FINDING_NAMES, REVIEW_RESULT_NAMES
from intake.domain.models import Bureau, ReviewRound, StaffMember
from intake.domain.oversight import reviews
from intake.platform import context, db
from intake.platform.report_form import TOO_LONG

bp = Blueprint("reviews", __name__)


#: As long as the report form lets a citizen name an institution.
INSTITUTION_INPUT_LIMIT = 200
VAGUE_INSTITUTION = _l(
    "That name says nothing specific (for example only “医院”): type the institution's own name."
)


class OpenRoundForm(FlaskForm):
    """A round of 回头看: which concluded cases, and by when they are reviewed."""

    title = StringField(
        _l("Title of the round"),
        validators=[DataRequired(message=REQUIRED), Length(max=100, message=TOO_LONG)],
    )
    category = SelectField(_l("Category"), validators=[Optional()])
    institution = StringField(
        _l("Institution named in the reports"),
        description=_l(
            "Matched like repeat reports: the same name written differently is found "
            "(full-width letters, spaces, 有限公司 and similar endings)."
        ),
        validators=[Optional(), Length(max=INSTITUTION_INPUT_LIMIT, message=TOO_LONG)],
    )
    bureau = SelectField(_l("Lead bureau"), validators=[Optional()])
    concluded_from = DateField(_l("Concluded on or after"), validators=[Optional()])
    concluded_to = DateField(_l("Concluded on or before"), validators=[Optional()])
    due = DateField(_l("Review deadline"), validators=[InputRequired(message=REQUIRED)])
    include_proposed = BooleanField(
        _l("Also take the proposed cases (reported again after their conclusion)"),
        default=True,
    )


def _form() -> OpenRoundForm:
    form = OpenRoundForm()
    any_choice = [("", str(_l("Any")))]
    form.category.choices = any_choice + [
        (code, category_name(code)) for code in context.taxonomy().category_codes
    ]
    bureaus = db.session().scalars(
        select(Bureau).where(Bureau.unit_id == staff().unit_id).order_by(Bureau.code)
    )
    form.bureau.choices = any_choice + [(b.code, bureau_name(b.code)) for b in bureaus]
    return form


def _page(form: OpenRoundForm, alert: str | None = None) -> str:
    rounds = (
        db.session()
        .scalars(
            select(ReviewRound)
            .where(ReviewRound.opened_by_id.in_(_colleagues()))
            .order_by(ReviewRound.id.desc())
        )
        .all()
    )
    visible = visible_bureau_ids()
    return render_template(
        "admin/reviews.html",
        form=form,
        rounds=rounds,
        proposed=[r for r in reviews.proposed(db.session()) if r.lead_bureau_id in visible],
        finding_names=FINDING_NAMES,
        alert=alert,
    )


def _colleagues() -> Select[int]:
    """Staff of the supervisor's unit and the units below: their rounds are the ones shown."""
    return select(StaffMember.id).where(StaffMember.unit_id.in_(visible_unit_ids()))


@bp.get("/reviews")
@requires(Role.SUPERVISOR)
def rounds() -> str:
    """The rounds so far, the cases proposed for the next one, and the form to open one."""
    return _page(_form())


@bp.post("/reviews")
@requires(Role.SUPERVISOR)
def open_round() -> Response | tuple[str, int]:
    """Open a round over the selection (and the proposed cases)."""
    form = _form()
    if not form.validate():
        return _page(form), 422
    bureau_id = None
    if form.bureau.data:
        bureau = (
            db.session()
            .scalars(
                select(Bureau).where(
                    Bureau.code == form.bureau.data, Bureau.unit_id == staff().unit_id
                )
            )
            .first()
        )
        if bureau is None:
            abort(400)
        bureau_id = bureau.id
    institution_tag = None
    if (form.institution.data or "").strip():
        key = institution_key(form.institution.data)
        if key is None:
            form.institution.errors = [str(VAGUE_INSTITUTION)]
            return _page(form), 422
        institution_tag = name_tag(context.settings().index_key, INSTITUTION, key)
    selection = reviews.Selection(
        institution_tag=institution_tag,
        category=form.category.data or None,
        bureau_id=bureau_id,
        concluded_from=form.concluded_from.data,
        concluded_to=form.concluded_to.data,
    )
    try:
        review = reviews.open_round(
            db.session(),
            actor(),
            form.title.data,
            selection,
            form.due.data,
            bool(form.include_proposed.data),
            within=visible_bureau_ids(),
        )
    except CaseworkError as exc:
        db.session().rollback()
        return _page(form, str(exc.args[0])), 422
    db.session().commit()
    return redirect(url_for("admin.reviews.round_page", round_id=review.id), code=303)


@bp.get("/reviews/<int:round_id>")
@requires(Role.SUPERVISOR)
def round_page(round_id: int) -> str:
    """One round: each case, its deadline and its result."""
    review = db.session().get(ReviewRound, round_id)
    if review is None or review.opened_by_id not in set(db.session().scalars(_colleagues())):
        abort(404)
    return render_template(
        "admin/review_round.html",
        review=review,
        today=context.today(),
        finding_names=FINDING_NAMES,
        result_names=REVIEW_RESULT_NAMES,
    )

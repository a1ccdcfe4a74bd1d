"""Forms of the console's supervision area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from admin.forms import REQUIRED
from intake.domain.cases.text import normalise_text
from intake.domain.labels import SUPERVISION_KIND_NAMES
from intake.platform.report_form import Limit


class SuperviseForm(FlaskForm):
    """督办: one click, with an optional note for the bureau."""

    DEFAULT = _l("Please speed up the handling of this case and report on its progress.")

    text = TextAreaField(
        _l("Note for the bureau (optional)"),
        filters=[normalise_text],
        validators=[Limit(1_000)],
    )
    answer_due = DateField(_l("Answer due by (optional)"), validators=[Optional()])


class SupervisionEventForm(FlaskForm):
    """A 约谈 or 通报 about a case, with its date and a note for the bureau."""

    reference = StringField(
        _l("Case reference"), validators=[InputRequired(message=REQUIRED), Length(max=40)]
    )
    kind = SelectField(
        _l("What was done"),
        validators=[DataRequired(message=_l("Please choose one."))],
        choices=[SelectChoice("", _l("— choose one —"))]
        + [SelectChoice(k, SUPERVISION_KIND_NAMES[k]) for k in ("interview", "circular")],
    )
    held_on = DateField(_l("On"), validators=[InputRequired(message=REQUIRED)])
    text = TextAreaField(
        _l("Note for the bureau"),
        filters=[normalise_text],
        validators=[InputRequired(message=REQUIRED), Limit(1_000)],
    )

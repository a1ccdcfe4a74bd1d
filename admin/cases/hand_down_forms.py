"""Forms for a case handed down by a higher office (上级交办) and for the answer to a 督办 note
(intake/domain/cases/hand_downs.py, supervision_answers.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from admin.cases.forms import CHOOSE, MUST_CHOOSE, _text_area
from admin.forms import REQUIRED, TOO_LONG
from intake.domain.cases.casework import TEXT_LIMIT
from intake.domain.cases.hand_downs import ISSUER_LIMIT, NUMBER_LIMIT
from intake.domain.cases.text import normalise_text
from intake.domain.labels import HAND_DOWN_REPORT_NAMES
from intake.platform.report_form import Limit


def number_field(label: str, required: bool = True) -> StringField:
    """A document number (文号): short, typed as printed."""
    first = InputRequired(message=REQUIRED) if required else Optional()
    return StringField(
        label,
        filters=[normalise_text],
        validators=[first, Length(max=NUMBER_LIMIT, message=TOO_LONG)],
    )


class HandDownForm(FlaskForm):
    """Record a case as handed down: the order, and a note on the case."""

    number = number_field(_l("Order number (交办文号)"))
    issuer = StringField(
        _l("Issued by (交办机关)"),
        filters=[normalise_text],
        validators=[InputRequired(message=REQUIRED), Length(max=ISSUER_LIMIT, message=TOO_LONG)],
    )
    received_on = DateField(_l("Order received on"), validators=[InputRequired(message=REQUIRED)])
    due = DateField(_l("Deadline set by the order"), validators=[InputRequired(message=REQUIRED)])
    note = TextAreaField(
        _l("Note on the order (optional)"), filters=[normalise_text], validators=[Limit(TEXT_LIMIT)]
    )


class HandDownReportForm(FlaskForm):
    """A progress report or the completion report (办结报告) sent back."""

    kind = SelectField(
        _l("Report sent back"),
        validators=[MUST_CHOOSE],
        choices=[CHOOSE] + [SelectChoice(k, v) for k, v in HAND_DOWN_REPORT_NAMES.items()],
    )
    sent_on = DateField(_l("Sent on"), validators=[InputRequired(message=REQUIRED)])
    document_number = number_field(_l("Document number (文号, optional)"), required=False)
    #: The 办结报告 issued on the case; the choices are the case's (hand_down_actions.forms).
    document = SelectField(
        _l("办结报告 issued on the case (its number is then filled in)"),
        choices=[CHOOSE],
        validators=[Optional()],
    )
    text = _text_area(_l("What the report says"))


class SupervisionAnswerForm(FlaskForm):
    """The bureau's answer to a 督办 note."""

    note_id = IntegerField(validators=[InputRequired(message=REQUIRED)])
    text = _text_area(_l("The bureau's answer"))

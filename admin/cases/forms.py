"""Forms of the console's cases area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from admin.forms import REQUIRED, _required
from intake.domain.cases.casework import TEXT_LIMIT
from intake.domain.cases.text import normalise_text

#: Consequential choices start empty: nobody concludes 属实 or hands a case to the police
#: because that was the first line of a list.
CHOOSE = SelectChoice("", _l("— choose one —"))
MUST_CHOOSE = DataRequired(message=_l("Please choose one."))


def _text_area(label: str, limit: int = TEXT_LIMIT) -> TextAreaField:
    return TextAreaField(label, filters=[normalise_text], validators=_required(limit))


class NotAcceptForm(FlaskForm):
    """不予受理, with the reason the reporter reads."""

    reason = _text_area(_l("Reason for not accepting (the reporter reads it)"))


class ReopenForm(FlaskForm):
    """回头看, with the reason for the review."""

    reason = _text_area(_l("Reason for the review"))


class ExtendForm(FlaskForm):
    """One extension of the deadline, with its reason."""

    reason = _text_area(_l("Reason for the extension"))


class MessageForm(FlaskForm):
    """A message to the reporter."""

    text = _text_area(_l("Message to the reporter"))


class NoteForm(FlaskForm):
    """An internal note."""

    text = _text_area(_l("Internal note"))


class ConcludeForm(FlaskForm):
    """办结: the outcome for the reporter and the finding."""

    outcome = _text_area(_l("Outcome (the reporter reads this)"))
    finding = SelectField(
        _l("Finding"),
        validators=[MUST_CHOOSE],
        choices=[
            CHOOSE,
            SelectChoice("substantiated", _l("Substantiated (属实)")),
            SelectChoice("partly_substantiated", _l("Partly substantiated (部分属实)")),
            SelectChoice("not_substantiated", _l("Not substantiated (不属实)")),
        ],
    )


class TransferForm(FlaskForm):
    """转办 to another bureau."""

    bureau = SelectField(_l("To bureau"), validators=[MUST_CHOOSE])
    keep_as_co = BooleanField(_l("Keep access as co-bureau"))


class ShareForm(FlaskForm):
    """Give a co-bureau access."""

    bureau = SelectField(_l("Bureau"))


class HandOverForm(FlaskForm):
    """移送."""

    target = SelectField(
        _l("Hand over to"),
        validators=[MUST_CHOOSE],
        choices=[
            CHOOSE,
            SelectChoice("police", _l("Public security (公安机关)")),
            SelectChoice("discipline", _l("Discipline commission (纪委监委)")),
        ],
    )


class AssignForm(FlaskForm):
    """Give the case to a handler."""

    staff_id = SelectField(_l("Handler"), coerce=int)


class MajorForm(FlaskForm):
    """Mark or unmark a major lead."""

    major = BooleanField(_l("Major lead (重大线索)"))


class RewardForm(FlaskForm):
    """The reward decided and its payment."""

    amount = IntegerField(
        _l("Amount decided (yuan)"),
        validators=[InputRequired(message=REQUIRED), NumberRange(min=0, max=10_000_000)],
    )
    paid_on = DateField(_l("Paid on"), validators=[Optional()])

"""Forms of the console's recording area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length

from admin.forms import REQUIRED
from intake.domain.cases.text import normalise_text
from intake.platform.report_form import TOO_LONG, ReportForm


class RecordForm(ReportForm):
    """A letter, a visit, an e-mail or a case handed down, recorded by the intake desk."""

    channel = SelectField(
        _l("Channel"),
        choices=[
            SelectChoice("letter", _l("Letter (信)")),
            SelectChoice("visit", _l("Visit in person (访)")),
            SelectChoice("email", _l("E-mail")),
            SelectChoice("referred", _l("Handed down by a higher office (上级交办)")),
        ],
    )
    source = StringField(
        _l("Source (for example the office that handed it down)"),
        filters=[normalise_text],
        validators=[Length(max=100, message=TOO_LONG)],
    )
    received_on = DateField(_l("Date received"), validators=[DataRequired(message=REQUIRED)])

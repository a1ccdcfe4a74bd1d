"""Forms of the console's recording area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from admin.forms import REQUIRED
from intake.domain.cases.hand_downs import ISSUER_LIMIT, NUMBER_LIMIT
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
            SelectChoice("reported_up", _l("Reported up by a lower office (下级报送)")),
            SelectChoice("dept_referral", _l("Referred by another department (部门移送)")),
            SelectChoice("inspection", _l("Handed over by an inspection tour (巡视巡察移交)")),
            SelectChoice(
                "check_finding", _l("Found by a special or self-inspection (专项检查/自查发现)")
            ),
            SelectChoice("online_opinion", _l("Online public opinion (网络舆情)")),
        ],
    )
    source = StringField(
        _l("Source (for example the office that handed it down)"),
        filters=[normalise_text],
        validators=[Length(max=100, message=TOO_LONG)],
    )
    received_on = DateField(_l("Date received"), validators=[DataRequired(message=REQUIRED)])
    # A case handed down (上级交办) may name its order; the case is then due by its deadline.
    hand_down_number = StringField(
        _l("Order number (交办文号)"),
        filters=[normalise_text],
        validators=[Length(max=NUMBER_LIMIT, message=TOO_LONG)],
    )
    hand_down_issuer = StringField(
        _l("Issued by (交办机关)"),
        filters=[normalise_text],
        validators=[Length(max=ISSUER_LIMIT, message=TOO_LONG)],
    )
    hand_down_due = DateField(_l("Deadline set by the order"), validators=[Optional()])

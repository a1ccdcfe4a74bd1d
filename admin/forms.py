"""Console forms: every field has a size limit, and a rejected form comes back as typed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from admin.credentials import PASSWORD_MAX
from intake.domain.cases.casework import TEXT_LIMIT
from intake.domain.cases.text import normalise_text
from intake.public.forms import TOO_LONG, ReportForm

REQUIRED = _l("Please fill this in.")
USERNAME_MAX = 64


def _required(limit: int) -> list:
    return [DataRequired(message=REQUIRED), Length(max=limit, message=TOO_LONG)]


def _code() -> StringField:
    return StringField(
        _l("Code from your authenticator app"),
        validators=[Length(max=12, message=TOO_LONG)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class LoginForm(FlaskForm):
    """Username, password and (once enrolled) a TOTP code."""

    username = StringField(
        _l("Username"), validators=_required(USERNAME_MAX), render_kw={"autocomplete": "username"}
    )
    password = PasswordField(
        _l("Password"),
        validators=_required(PASSWORD_MAX),
        render_kw={"autocomplete": "current-password"},
    )
    code = _code()


class ReauthForm(FlaskForm):
    """Prove it again before a key ceremony."""

    password = PasswordField(
        _l("Password"),
        validators=_required(PASSWORD_MAX),
        render_kw={"autocomplete": "current-password"},
    )
    code = _code()


class NewPasswordForm(FlaskForm):
    """A new password, typed twice."""

    new_password = PasswordField(
        _l("New password"),
        validators=_required(PASSWORD_MAX),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=_required(PASSWORD_MAX),
        render_kw={"autocomplete": "new-password"},
    )


class EnrolForm(NewPasswordForm):
    """First login: a password of one's own and a second factor."""

    code = _code()


class PasswordForm(NewPasswordForm):
    """Change the password (which re-locks the private key)."""

    password = PasswordField(
        _l("Current password"),
        validators=_required(PASSWORD_MAX),
        render_kw={"autocomplete": "current-password"},
    )
    code = _code()


class RecoverForm(NewPasswordForm):
    """A forgotten password: the recovery key and a second-factor code."""

    username = StringField(_l("Username"), validators=_required(USERNAME_MAX))
    recovery_key = StringField(_l("Recovery key"), validators=_required(64))
    code = _code()


class AccountForm(FlaskForm):
    """A new staff account (system administrators)."""

    username = StringField(_l("Username"), validators=_required(USERNAME_MAX))
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("intake", _l("Intake desk (综合受理)")),
            SelectChoice("handler", _l("Bureau handler")),
            SelectChoice("supervisor", _l("Supervisor")),
            SelectChoice("admin", _l("System administrator")),
        ],
    )


class GrantForm(FlaskForm):
    """Add a member to a bureau (the member making the request wraps the bureau key)."""

    staff_id = SelectField(_l("Staff member"), coerce=int, validate_choice=True)
    fingerprint = StringField(
        _l("Their key check"),
        validators=_required(40),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


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
        choices=[
            SelectChoice("substantiated", _l("Substantiated (属实)")),
            SelectChoice("partly_substantiated", _l("Partly substantiated (部分属实)")),
            SelectChoice("not_substantiated", _l("Not substantiated (不属实)")),
        ],
    )


class TransferForm(FlaskForm):
    """转办 to another bureau."""

    bureau = SelectField(_l("To bureau"))
    keep_as_co = BooleanField(_l("Keep access as co-bureau"))


class ShareForm(FlaskForm):
    """Give a co-bureau access."""

    bureau = SelectField(_l("Bureau"))


class HandOverForm(FlaskForm):
    """移送."""

    target = SelectField(
        _l("Hand over to"),
        choices=[
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


class SuperviseForm(FlaskForm):
    """督办: one click, with an optional note for the bureau."""

    DEFAULT = _l("Please speed up the handling of this case and report on its progress.")

    text = TextAreaField(
        _l("Note for the bureau (optional)"),
        filters=[normalise_text],
        validators=[Length(max=1_000, message=TOO_LONG)],
    )


class StatsForm(FlaskForm):
    """Which month the statistics show."""

    class Meta:
        csrf = False

    month = StringField(_l("Month (YYYY-MM)"), validators=[Length(max=7)])

"""The public follow-up forms. Every field has a limit; messages are in the reporter's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    MultipleFileField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length

from intake.domain.cases.content import LIMITS
from intake.domain.cases.text import normalise_text
from intake.platform.report_form import PHONE, Limit, readable

RECEIPT_INPUT_LIMIT = 64
#: Characters in one message from the reporter.
MESSAGE_LIMIT = 5_000
PAYMENT_LIMIT = 200
FOLLOW_UP_TOKEN_LIMIT = 200


class StatusForm(FlaskForm):
    """The receipt-code form (/status)."""

    code = StringField(
        _l("Receipt code (查询码)"),
        validators=[
            DataRequired(message=_l("Please enter your receipt code.")),
            Limit(RECEIPT_INPUT_LIMIT),
        ],
    )


class FollowUpForm(FlaskForm):
    """What every follow-up form carries: the token of the status page it came from, or,
    once that has expired, the receipt code typed again."""

    token = HiddenField(validators=[Length(max=FOLLOW_UP_TOKEN_LIMIT)])
    code = StringField(_l("Receipt code (查询码)"), validators=[Limit(RECEIPT_INPUT_LIMIT)])


class AttachForm(FollowUpForm):
    """More files for an existing report (/status/attach)."""

    attachments = MultipleFileField(_l("More files"))


class ReplyForm(FollowUpForm):
    """The reporter answers a question or adds information (/status/reply)."""

    text = TextAreaField(
        _l("Your answer or more information"),
        filters=[normalise_text],
        validators=[
            DataRequired(message=_l("Please fill this in.")),
            Limit(MESSAGE_LIMIT),
            readable,
        ],
    )


def _claim_field(label: str, limit: int, *extra) -> StringField:
    return StringField(
        label,
        filters=[normalise_text],
        validators=[
            DataRequired(message=_l("Please fill this in.")),
            Limit(limit),
            readable,
            *extra,
        ],
    )


class RewardClaimForm(FollowUpForm):
    """A reward claim (举报奖励): contact and payment details, given only now."""

    name = _claim_field(_l("Your name"), LIMITS["name"])
    phone = _claim_field(_l("Your phone number"), LIMITS["phone"])
    payment = _claim_field(_l("Bank account or other payment details"), PAYMENT_LIMIT)

    def validate_phone(self, field: StringField) -> None:
        """Digits and the usual separators."""
        if field.data and (
            not PHONE.fullmatch(field.data) or sum(c.isdigit() for c in field.data) < 5
        ):
            raise ValidationError(_l("Use digits, spaces, +, - and brackets only."))

"""Console forms: every field has a size limit, and a rejected form comes back as typed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    StringField,
)
from wtforms.validators import DataRequired, Length

from intake.platform.report_form import TOO_LONG, Limit

REQUIRED = _l("Please fill this in.")
USERNAME_MAX = 64


def _required(limit: int) -> list:
    return [DataRequired(message=REQUIRED), Limit(limit)]


def _code() -> StringField:
    return StringField(
        _l("Code from your authenticator app"),
        validators=[Length(max=12, message=TOO_LONG)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )

"""Forms of the console's people area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    SelectChoice,
    SelectField,
    StringField,
)

from admin.forms import USERNAME_MAX, _required
from intake.domain.labels import ROLE_NAMES


class AccountForm(FlaskForm):
    """A new staff account (system administrators)."""

    username = StringField(_l("Username"), validators=_required(USERNAME_MAX))
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role, name) for role, name in ROLE_NAMES.items()],
    )


class GrantForm(FlaskForm):
    """Add a member to a bureau (the member making the request wraps the bureau key)."""

    staff_id = SelectField(_l("Staff member"), coerce=int, validate_choice=True)
    fingerprint = StringField(
        _l("Their key check"),
        validators=_required(40),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )

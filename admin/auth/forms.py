"""Forms of the console's auth area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    PasswordField,
    StringField,
)

from admin.auth.credentials import PASSWORD_MAX
from admin.forms import USERNAME_MAX, _code, _required


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


class RotateKeyForm(ReauthForm):
    """Make a new personal key pair (proven like a password change)."""


class RecoverForm(NewPasswordForm):
    """A forgotten password: the recovery key and a second-factor code."""

    username = StringField(_l("Username"), validators=_required(USERNAME_MAX))
    recovery_key = StringField(_l("Recovery key"), validators=_required(64))
    code = _code()

"""Forms of the console's supervision area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    TextAreaField,
)

from intake.domain.cases.text import normalise_text
from intake.platform.report_form import Limit


class SuperviseForm(FlaskForm):
    """督办: one click, with an optional note for the bureau."""

    DEFAULT = _l("Please speed up the handling of this case and report on its progress.")

    text = TextAreaField(
        _l("Note for the bureau (optional)"),
        filters=[normalise_text],
        validators=[Limit(1_000)],
    )

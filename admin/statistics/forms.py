"""Forms of the console's statistics area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    StringField,
)
from wtforms.validators import Length


class StatsForm(FlaskForm):
    """Which month the statistics show."""

    class Meta:
        csrf = False

    month = StringField(_l("Month (YYYY-MM)"), validators=[Length(max=7)])

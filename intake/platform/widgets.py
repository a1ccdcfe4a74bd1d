"""WTForms' html_params without its slow path: the same attributes, escaped the same way.

WTForms formats every attribute through Markup.format, which runs Python's string.Formatter
with an escaping hook; on the report page that is about a hundred attributes per render, the
largest single part of rendering it (bench/README.md, "Where a request's time goes"). This
builds the identical text with escape() and an f-string; tests/public/test_widgets.py compares
both on every kind of value a form passes, and install() is called once by the app factory.
"""

from __future__ import annotations

from markupsafe import Markup, escape
from wtforms import widgets
from wtforms.widgets import core

#: WTForms' own function, kept for the comparison.
WTFORMS_HTML_PARAMS = core.html_params
_QUOTE, _ENTITY = Markup('"'), Markup("&quot;")


def html_params(**kwargs: object) -> Markup:
    """Attributes sorted by name: `attr=True` alone, `attr=False` left out, values escaped."""
    params: list[str] = []
    for key, value in sorted(kwargs.items()):
        name = escape(core.clean_key(key))
        if value is True:
            params.append(name)
        elif value is not False:
            params.append(f'{name}="{escape(value).replace(_QUOTE, _ENTITY)}"')
    # Every part is escaped already.
    return Markup(" ".join(params))  # noqa: S704  # nosec B704 - every part escaped above


def install() -> None:
    """Use html_params wherever WTForms looks it up (module globals and widget classes)."""
    core.html_params = html_params
    widgets.html_params = html_params
    core.Input.html_params = staticmethod(html_params)
    core.Button.html_params = staticmethod(html_params)

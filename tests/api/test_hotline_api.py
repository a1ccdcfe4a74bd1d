"""The hotline API: happy path, every error, idempotency, and what a token cannot do."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crypto.receipts import damm_is_valid
from intake.domain.cases.content import LIMITS
from intake.domain.keys import hotline
from intake.domain.models import Report
from intake.platform import context, db
from tests.helpers import VALID_REPORT, check_status, hidden_tokens

CALL = {
    "transcript": "来电人反映某诊所虚构医疗服务骗取医保基金(虚构测试数据)",
    "hotline": "12345热线",
    "call_date": "2026-11-20",
    "category": "insurance_fraud",
    "institution": "某诊所(虚构)",
}


def post(client: FlaskClient, token: str | None, body: Any = None, **kwargs: Any):
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if "data" not in kwargs:
        kwargs["data"] = json.dumps(CALL if body is None else body, ensure_ascii=False)
        kwargs.setdefault("content_type", "application/json")
    return client.post("/api/v1/reports", headers=headers, **kwargs)


def count_reports(app: Flask) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Report))


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert " / " in body["title"]  # Chinese / English
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_a_transcript_is_stored_routed_and_opens_with_its_receipt(
    client: FlaskClient, app: Flask, token: str
) -> None:
    response = post(client, token)
    assert response.status_code == 201
    body = response.get_json()
    code = body["receipt_code"].replace(" ", "")
    assert damm_is_valid(code)
    assert body["bureau"]["code"] == "healthcare_security"
    assert body["status_url"].endswith("/status")
    assert body["received_on"] == "2026-11-20"
    with app.app_context():
        report = db.session().scalars(select(Report)).one()
        assert report.channel == "hotline"
        assert report.source == "12345热线"
    page = check_status(client, code).get_data(as_text=True)
    assert CALL["transcript"] in page


@pytest.mark.parametrize("category", [None, "no_such_thing", ""])
def test_unknown_or_missing_category_goes_to_the_intake_desk(
    client: FlaskClient, token: str, category: str | None
) -> None:
    body = {k: v for k, v in CALL.items() if k != "category"}
    if category is not None:
        body["category"] = category
    response = post(client, token, body)
    assert response.status_code == 201
    assert response.get_json()["bureau"]["code"] == "intake"


def test_a_real_name_contact_is_accepted_and_shown_to_the_reporter(
    client: FlaskClient, token: str
) -> None:
    body = {**CALL, "contact": {"name": "钱七(虚构)", "phone": "13700000000"}}
    code = post(client, token, body).get_json()["receipt_code"]
    page = check_status(client, code).get_data(as_text=True)
    assert "钱七(虚构)" in page


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "Authorization"),
        ({"Authorization": "Bearer qfh_nope"}, "not known"),
        ({"Authorization": "Basic abc"}, "Authorization"),
    ],
)
def test_no_token_or_an_unknown_one_is_401(
    client: FlaskClient, app: Flask, headers: dict, detail: str
) -> None:
    response = post(client, None, headers=headers)
    body = assert_problem(response, 401)
    assert detail in body["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert count_reports(app) == 0


def test_a_revoked_token_is_refused(client: FlaskClient, app: Flask, token: str) -> None:
    with app.test_request_context():
        assert hotline.revoke_token(db.session(), "call-centre-a", context.today())
    body = assert_problem(post(client, token), 401)
    assert "revoked" in body["detail"]


def test_wrong_content_type_is_415(client: FlaskClient, token: str) -> None:
    response = post(client, token, data="transcript=x", content_type="text/plain")
    assert_problem(response, 415)


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe{}", b"[1, 2]", b'"text"', b"[" * 5000])
def test_malformed_json_is_400(client: FlaskClient, token: str, raw: bytes) -> None:
    assert_problem(post(client, token, data=raw, content_type="application/json"), 400)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"transcript": None}, "transcript"),
        ({"transcript": "  \n "}, "transcript"),
        ({"transcript": 42}, "transcript"),
        ({"hotline": None}, "hotline"),
        ({"call_date": None}, "call_date"),
        ({"call_date": "2026-13-01"}, "call_date"),
        ({"call_date": "2999-01-01"}, "call_date"),
        ({"call_date": "2026-11-20T10:31:00"}, "call_date"),
        ({"official_involved": "yes"}, "official_involved"),
        ({"when": None, "keep_null": True}, "when"),
        ({"caller_number": "13800000000"}, "caller_number"),
        ({"contact": {"name": "x"}}, "contact.phone"),
        ({"contact": "13800000000"}, "contact"),
    ],
)
def test_missing_or_invalid_fields_are_422(
    client: FlaskClient, app: Flask, token: str, change: dict, field: str
) -> None:
    change = dict(change)  # the parameter is shared between runs; do not mutate it
    keep_null = change.pop("keep_null", False)
    body = {**CALL, **change}
    body = {k: v for k, v in body.items() if v is not None or keep_null}
    problem = assert_problem(post(client, token, body), 422)
    assert field in {e["field"] for e in problem["errors"]}
    assert count_reports(app) == 0


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("transcript", 20_000),
        ("institution", 500),
        ("people", 500),
        ("place", 300),
        ("when", 200),
        ("amount", 100),
        ("hotline", 100),
        ("category", 100),
    ],
)
def test_every_field_at_its_limit_and_one_over(
    client: FlaskClient, app: Flask, token: str, field: str, limit: int
) -> None:
    assert post(client, token, {**CALL, field: "测" * limit}).status_code == 201
    problem = assert_problem(post(client, token, {**CALL, field: "测" * (limit + 1)}), 422)
    assert problem["errors"][0]["field"] == field
    assert str(limit) in problem["errors"][0]["detail"]


@pytest.mark.parametrize("padded", ["  {}", "{}\n\t ", "\u3000{}\u3000"])
def test_surrounding_whitespace_is_trimmed_before_counting_as_the_form_does(
    client: FlaskClient, app: Flask, token: str, padded: str
) -> None:
    # Naughty strings with leading or trailing whitespace: within the limit once trimmed, so
    # the web form takes them, and so must the API.
    institution = padded.format("医" * LIMITS["institution"])
    assert len(institution) > LIMITS["institution"]
    form = {**VALID_REPORT, **hidden_tokens(client, "/report"), "institution": institution}
    assert client.post("/report", data=form).status_code == 200
    response = post(client, token, {**CALL, "institution": institution})
    assert response.status_code == 201, response.get_data(as_text=True)
    page = check_status(client, response.get_json()["receipt_code"]).get_data(as_text=True)
    assert "医" * LIMITS["institution"] in page
    over = padded.format("医" * (LIMITS["institution"] + 1))
    assert assert_problem(post(client, token, {**CALL, "institution": over}), 422)["errors"]


def test_a_body_over_the_limit_is_413(client: FlaskClient, app: Flask, token: str) -> None:
    limit = app.extensions["qingfeng.settings"].max_body_bytes
    body = {**CALL, "transcript": "x" * limit}
    assert_problem(post(client, token, body), 413)


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_a_wrong_method_is_405_with_allow(client: FlaskClient, token: str, method: str) -> None:
    response = getattr(client, method)(
        "/api/v1/reports", headers={"Authorization": f"Bearer {token}"}
    )
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_an_unknown_api_path_is_a_problem_404(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/nothing"), 404)


def test_too_many_requests_is_429_with_retry_after(make_app: Callable[..., Flask]) -> None:
    app = make_app(api_rate_limit="2 per minute")
    client = app.test_client()
    with app.test_request_context():
        token = hotline.create_token(db.session(), "busy", context.today())
    assert post(client, token).status_code == 201
    assert post(client, token).status_code == 201
    response = post(client, token)
    assert_problem(response, 429)
    assert int(response.headers["Retry-After"]) > 0


def test_a_retry_with_the_same_key_returns_the_same_answer(
    client: FlaskClient, app: Flask, token: str
) -> None:
    first = post(client, token, headers={"Idempotency-Key": "call-0001"})
    second = post(client, token, headers={"Idempotency-Key": "call-0001"})
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert count_reports(app) == 1
    third = post(client, token, headers={"Idempotency-Key": "call-0002"})
    assert third.get_json()["receipt_code"] != first.get_json()["receipt_code"]
    assert count_reports(app) == 2


def test_the_same_key_with_another_body_is_refused(
    client: FlaskClient, app: Flask, token: str
) -> None:
    post(client, token, headers={"Idempotency-Key": "call-0003"})
    other = post(
        client,
        token,
        {**CALL, "transcript": "另一通电话"},
        headers={"Idempotency-Key": "call-0003"},
    )
    assert_problem(other, 422)
    assert count_reports(app) == 1


@pytest.mark.parametrize("key", ["", "x" * 201, "键"])
def test_an_invalid_idempotency_key_is_400(client: FlaskClient, token: str, key: str) -> None:
    response = post(client, token, headers={"Idempotency-Key": key})
    assert_problem(response, 400)


def test_the_stored_answer_holds_no_readable_receipt(
    client: FlaskClient, app: Flask, token: str
) -> None:
    from tests.security.dump import dump_database

    code = post(client, token, headers={"Idempotency-Key": "call-0004"}).get_json()["receipt_code"]
    dump = dump_database(app)
    assert code.encode() not in dump
    assert code.replace(" ", "").encode() not in dump
    assert token.encode() not in dump


def test_a_token_cannot_read_or_list_anything(client: FlaskClient, token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    for path in ("/api/v1/reports", "/api/v1/reports/1", "/api/v1/reports?list=1"):
        assert client.get(path, headers=auth).status_code in (404, 405)


def test_nothing_secret_reaches_the_logs(
    client: FlaskClient, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code = post(client, token, headers={"Idempotency-Key": "call-0005"}).get_json()["receipt_code"]
    post(client, token, {**CALL, "transcript": None})
    for secret in (token, code, code.replace(" ", ""), CALL["transcript"]):
        assert secret not in caplog.text


def test_answers_older_than_a_day_are_deleted(client: FlaskClient, app: Flask, token: str) -> None:
    import datetime as dt

    from intake.domain.models import IdempotencyRecord

    post(client, token, headers={"Idempotency-Key": "old-call"})
    with app.app_context():
        session = db.session()
        record = session.scalars(select(IdempotencyRecord)).one()
        record.created_on = record.created_on - dt.timedelta(days=3)
        session.commit()
    post(client, token, headers={"Idempotency-Key": "new-call"})
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(IdempotencyRecord)) == 1

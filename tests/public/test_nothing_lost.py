"""Nothing is lost: an installation not ready yet, or an unexpected fault, gives the citizen
their form back filled in, with a clear message, and stores nothing (README.md, "Nothing is
lost")."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crypto.receipts import format_receipt, generate_receipt
from intake.domain.cases import casework
from intake.domain.keys import hotline
from intake.domain.models import Message, Report
from intake.platform import context, db
from intake.public import views
from tests.helpers import VALID_REPORT, check_status, form_values, hidden_tokens, receipt_of
from tests.installation import founder_staff, real_installation

FAULT = "injected fault 7f3a"


def count(app: Flask, model: type = Report) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model))


def test_before_the_intake_desk_is_ready_the_form_comes_back_filled_in(tmp_path: Path) -> None:
    with real_installation(tmp_path) as (app, founders, _admin):
        reporter = app.test_client()
        tokens = hidden_tokens(reporter, "/report")
        refused = reporter.post("/report", data={**VALID_REPORT, **tokens})
        assert refused.status_code == 503
        page = refused.get_data(as_text=True)
        assert "尚在建设" in page or "still being set up" in page
        kept = form_values(page)
        assert kept["what_happened"] == VALID_REPORT["what_happened"]
        assert kept["institution"] == VALID_REPORT["institution"]
        assert count(app) == 0
        english = reporter.post("/report?lang=en", data={**VALID_REPORT, **tokens})
        assert "this service is still being set up" in english.get_data(as_text=True)

        # The desk's founder enrols; the very form given back is sent again, and taken.
        founder_staff(app, founders["intake"]).enrol_through_the_pages()
        chosen = {"category": "kickbacks", "official_involved": "no"}  # a select, a radio
        again = reporter.post("/report", data={**kept, **chosen})
        assert again.status_code == 200, again.get_data(as_text=True)
        receipt_of(again)
        assert count(app) == 1


def test_before_the_intake_desk_is_ready_the_api_answers_503_and_stores_nothing(
    tmp_path: Path,
) -> None:
    with real_installation(tmp_path) as (app, _founders, _admin):
        with app.test_request_context():
            token = hotline.create_token(db.session(), "call-centre", context.today())
        call = {"transcript": "来电反映(虚构)", "hotline": "12345", "call_date": "2026-11-20"}
        response = app.test_client().post(
            "/api/v1/reports",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"},
            data=json.dumps(call, ensure_ascii=False),
            content_type="application/json",
        )
        assert response.status_code == 503
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        assert "Nothing was stored" in body["detail"]
        assert " / " in body["detail"]
        assert count(app) == 0


def test_an_unexpected_fault_on_the_report_form_keeps_everything_typed(
    client: FlaskClient,
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(FAULT)

    tokens = hidden_tokens(client, "/report")
    monkeypatch.setattr(views, "submit_report", broken)
    with caplog.at_level(logging.ERROR, logger="qingfeng.errors"):
        response = client.post("/report", data={**VALID_REPORT, **tokens})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert FAULT not in page
    assert "出了问题" in page
    values = form_values(page)
    for name in ("what_happened", "institution", "people", "place", "when", "amount"):
        assert values[name] == VALID_REPORT[name]
    assert '<option selected value="kickbacks">' in page
    assert count(app) == 0
    # The log names the fault's type and place, never its text (which may quote a report).
    assert "unhandled RuntimeError at public.report" in caplog.text
    assert FAULT not in caplog.text


def test_an_unexpected_fault_on_the_status_form_keeps_the_code(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(FAULT)

    monkeypatch.setattr(views, "open_with_receipt", broken)
    typed = format_receipt(generate_receipt())
    token = hidden_tokens(client, "/status")["csrf_token"]
    response = client.post("/status", data={"csrf_token": token, "code": typed})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert form_values(page)["code"] == typed
    assert "出了问题" in page


def test_an_unexpected_fault_on_a_reply_keeps_the_text(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = receipt_of(
        client.post("/report", data={**VALID_REPORT, **hidden_tokens(client, "/report")})
    )
    values = form_values(check_status(client, code).get_data(as_text=True))

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(FAULT)

    monkeypatch.setattr(casework, "reporter_writes", broken)
    text = "补充:院长的车牌号(虚构)"
    response = client.post(
        "/status/reply",
        data={"csrf_token": values["csrf_token"], "token": values["token"], "text": text},
    )
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert form_values(page)["text"] == text
    assert "出了问题" in page
    assert count(app, Message) == 0
    monkeypatch.undo()
    retry = form_values(page)
    again = client.post(
        "/status/reply", data={"csrf_token": retry["csrf_token"], "code": code, "text": text}
    )
    assert again.status_code == 200
    assert count(app, Message) == 1

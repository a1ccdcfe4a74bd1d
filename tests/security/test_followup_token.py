"""A captured status page opens its case for one hour after the code was typed, never longer.

The attacker holds a copy of the page the reporter saw (a shared computer, a screenshot of
the HTML, a proxy log) with its follow-up token, but not the receipt code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from intake.domain.models import Message
from intake.platform import context, db
from tests.console.console import Staff
from tests.helpers import check_status, form_values

Submit = Callable[..., tuple[str, str]]
CASE_TEXT = "心内科主任"  # in the demo report's text, on every page that shows the case


class Clock:
    """The server's clock, moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = dt.datetime.now(dt.UTC)
        monkeypatch.setattr(context, "now", lambda: self.now)

    def forward(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def _reply(client: FlaskClient, page: str, text: str) -> tuple[int, str]:
    values = form_values(page)
    response = client.post(
        "/status/reply",
        data={"csrf_token": values["csrf_token"], "token": values["token"], "text": text},
    )
    return response.status_code, response.get_data(as_text=True)


def _messages(app: Flask) -> int:
    with app.app_context():
        return db.session().query(Message).count()


def test_a_captured_page_stops_an_hour_after_the_code_was_typed(
    app: Flask, client: FlaskClient, submit: Submit, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch)
    code, _ref = submit()
    page = check_status(client, code).get_data(as_text=True)
    # The reporter keeps writing for 50 minutes; each answer carries a token of the same hour.
    for minute in (10, 20, 30, 40, 50):
        clock.forward(minutes=10)
        status, page = _reply(client, page, f"补充 {minute}(虚构)")
        assert status == 200
        assert CASE_TEXT in page
    # The last page, captured and replayed 11 minutes later: 61 minutes after the code.
    clock.forward(minutes=11)
    status, replayed = _reply(client, page, "攻击者的回复")
    assert status == 409
    assert CASE_TEXT not in replayed
    assert not form_values(replayed).get("token")
    assert _messages(app) == 5
    # The reporter, with the code, goes on.
    assert CASE_TEXT in check_status(client, code).get_data(as_text=True)


def test_a_refused_post_shows_no_case_and_gives_no_token(
    app: Flask, client: FlaskClient, submit: Submit, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch)
    code, _ref = submit()
    page = check_status(client, code).get_data(as_text=True)
    clock.forward(minutes=5)
    status, empty = _reply(client, page, "")
    assert status == 422
    assert CASE_TEXT not in empty
    assert not form_values(empty).get("token")
    assert "code" in form_values(empty)  # the reporter may type the code and send
    forged = client.post(
        "/status/reply",
        data={"csrf_token": form_values(page)["csrf_token"], "token": "A" * 120, "text": "x"},
    )
    assert forged.status_code == 409
    assert CASE_TEXT not in forged.get_data(as_text=True)
    assert not form_values(forged.get_data(as_text=True)).get("token")
    assert _messages(app) == 0


def test_a_staff_answer_read_through_an_old_page_needs_the_code(
    app: Flask, client: FlaskClient, submit: Submit, staff: Callable[[str], Staff],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    clock = Clock(monkeypatch)
    code, ref = submit()
    page = check_status(client, code).get_data(as_text=True)
    clock.forward(hours=5, minutes=30)
    health = staff("health")
    health.act(ref, "message", text="请提供更多细节(虚构)")
    status, replayed = _reply(client, page, "")
    assert status in (409, 422)
    assert "请提供更多细节" not in replayed
    status, replayed = _reply(client, page, "攻击者")
    assert status == 409
    assert "请提供更多细节" not in replayed

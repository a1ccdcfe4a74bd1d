"""Promise 1: the public side stores and logs no client address, user agent or time of day."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.domain.models import Event, Report
from intake.platform import db
from tests.helpers import check_status, post_report, receipt_of

ADDRESS = "203.0.113.77"
USER_AGENT = "QingfengTestAgent/9.9 (unique-ua-marker-4f1c)"


@pytest.fixture
def traced_client(client: FlaskClient) -> FlaskClient:
    client.environ_base.update(
        {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": USER_AGENT, "HTTP_X_FORWARDED_FOR": ADDRESS}
    )
    return client


def database_bytes(app: Flask) -> bytes:
    """Every byte the database holds: the SQLite file (and its journal), or a full SQL dump."""
    url = app.extensions["qingfeng.settings"].database_url
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    from tests.security.dump import dump_database

    return dump_database(app)


def test_no_address_or_user_agent_in_logs_or_database(
    traced_client: FlaskClient, app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code = receipt_of(post_report(traced_client))
    assert check_status(traced_client, code).status_code == 200
    traced_client.get("/")
    traced_client.get("/nonexistent")
    logged = caplog.text
    stored = database_bytes(app)
    for needle in (ADDRESS, USER_AGENT, "unique-ua-marker"):
        assert needle not in logged
        assert needle.encode() not in stored
    # Nor the receipt code, in any spacing.
    assert code not in logged
    assert code.encode() not in stored


def test_reports_carry_a_date_and_no_time(traced_client: FlaskClient, app: Flask) -> None:
    post_report(traced_client)
    with app.app_context():
        report = db.session().scalars(select(Report)).one()
        event = db.session().scalars(select(Event)).one()
        assert event.occurred_at is None
        assert event.actor_staff_id is None
        columns = {c.name: c.type.python_type for c in Report.__table__.columns}
        assert not any(t.__name__ == "datetime" for t in columns.values()), (
            "a report row must not carry a time"
        )
        assert report.received_on.isoformat() in str(report.received_on)


def test_no_cookie_identifies_the_visitor_beyond_the_form(traced_client: FlaskClient) -> None:
    response = traced_client.get("/report")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) <= 1
    for cookie in cookies:
        assert cookie.startswith("session=")
        assert "HttpOnly" in cookie
        assert "SameSite=Strict" in cookie
        assert not re.search(r"Expires=", cookie), "the form session ends with the browser"

"""Console fixtures: every demo member logged in, and a report submitted on the web form."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from intake.domain.installation import DemoAccount
from tests.console.console import Staff, enrol_quickly
from tests.helpers import VALID_REPORT, post_report, receipt_of


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A reporter's client that keeps no request context after a request.

    pytest-flask's own `client` keeps the last context pushed, and while it is, every other
    client's request runs in that app context and shares its `g` (and its CSRF token).
    """
    return app.test_client()


@pytest.fixture
def staff(app: Flask, accounts: dict[str, DemoAccount]) -> Callable[[str], Staff]:
    """Log in a demo member by bureau code or role ("supervisor", "admin"); one login each."""
    logged_in: dict[str, Staff] = {}

    def get(key: str) -> Staff:
        if key not in logged_in:
            member = Staff(app, accounts[key])
            member.secret = enrol_quickly(app, member.username)
            response = member.login()
            assert response.status_code == 303, response.get_data(as_text=True)
            logged_in[key] = member
        return logged_in[key]

    return get


@pytest.fixture
def submit(client: FlaskClient, app: Flask) -> Callable[..., tuple[str, str]]:
    """Submit a web report; returns (receipt code, case reference)."""

    def do(**fields: str) -> tuple[str, str]:
        from sqlalchemy import select

        from crypto.receipts import derive_receipt_keys
        from intake.domain.models import Report
        from intake.platform import db

        response = post_report(client, **{**VALID_REPORT, **fields})
        assert response.status_code == 200, response.get_data(as_text=True)
        code = receipt_of(response)
        settings = app.extensions["qingfeng.settings"]
        tag = derive_receipt_keys(code, settings.receipt_salt, settings.receipt_kdf).lookup_tag
        with app.app_context():
            report = db.session().scalars(select(Report).where(Report.lookup_tag == tag)).one()
            return code, report.reference

    return do

"""The hotline API and units: a call is filed with its token's unit, or a unit below it that
the call names (docs/design.md, "Units"); a receipt code works wherever it is typed."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from crypto.receipts import derive_receipt_keys, normalise_receipt
from intake.domain import units
from intake.domain.keys import hotline
from intake.domain.models import Report
from intake.platform import context, db
from tests.api.test_hotline_api import CALL, post
from tests.console.units import CITY, COUNTY, add_county
from tests.helpers import check_status


def _unit_of(app: Flask, response: TestResponse) -> str:
    """The unit whose bureau leads the report the API just took."""
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        session = db.session()
        code = normalise_receipt(response.get_json()["receipt_code"])
        settings = context.settings()
        tag = derive_receipt_keys(code, settings.receipt_salt, settings.receipt_kdf).lookup_tag
        report = session.scalars(select(Report).where(Report.lookup_tag == tag)).one()
        return report.lead_bureau.unit.code


def _token(app: Flask, name: str, unit: str) -> str:
    with app.test_request_context():
        session = db.session()
        return hotline.create_token(session, name, context.today(), units.by_code(session, unit))


def test_a_call_is_filed_with_the_token_s_unit_or_a_unit_below_it(
    app: Flask, client: FlaskClient, token: str
) -> None:
    add_county(app)
    city_token = _token(app, "city-12345", CITY)
    county_token = _token(app, "county-12345", COUNTY)
    # The home unit's token, as before units: no unit named, the home unit's bureaus.
    assert _unit_of(app, post(client, token)) == units.HOME
    assert _unit_of(app, post(client, county_token)) == COUNTY
    # A city's hotline names the county the call is about.
    assert _unit_of(app, post(client, city_token, {**CALL, "unit": COUNTY})) == COUNTY
    # Never sideways or upwards: a unit the token may not file with, or one that does not
    # exist, leaves the call with the token's own unit, whose intake desk passes it on.
    for sent, unit, filed in (
        (county_token, units.HOME, COUNTY),
        (county_token, CITY, COUNTY),
        (token, "nowhere", units.HOME),
    ):
        answer = post(client, sent, {**CALL, "unit": unit})
        assert _unit_of(app, answer) == filed
        assert answer.get_json()["unit"] == filed


def test_the_receipt_code_of_a_county_s_report_works_on_the_one_status_page(
    app: Flask, client: FlaskClient
) -> None:
    add_county(app)
    county_token = _token(app, "county-12345", COUNTY)
    answer = post(client, county_token)
    assert answer.status_code == 201
    page = check_status(client, answer.get_json()["receipt_code"])
    assert page.status_code == 200
    assert CALL["transcript"] in page.get_data(as_text=True)

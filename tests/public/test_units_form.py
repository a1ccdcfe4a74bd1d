"""The report form and units (docs/design.md, "Units"): one county shows no chooser; several
are offered in a plain <select> grouped under their city, which works without JavaScript."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from crypto.receipts import derive_receipt_keys
from intake.domain import units
from intake.domain.models import Report
from intake.platform import db
from tests.console.units import COUNTY, add_county
from tests.helpers import check_status, post_report, receipt_of


def _unit_of(app: Flask, code: str) -> str:
    settings = app.extensions["qingfeng.settings"]
    tag = derive_receipt_keys(code, settings.receipt_salt, settings.receipt_kdf).lookup_tag
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.lookup_tag == tag)).one()
        return report.lead_bureau.unit.code


def test_a_single_county_installation_shows_no_chooser_and_files_as_before(
    app: Flask, client: FlaskClient
) -> None:
    page = client.get("/report").get_data(as_text=True)
    assert 'name="unit"' not in page
    assert "反映的是哪个县的问题" not in page
    # A unit posted anyway changes nothing: there is only one.
    response = post_report(client, unit=COUNTY)
    assert response.status_code == 200
    assert _unit_of(app, receipt_of(response)) == units.HOME


def test_several_counties_are_offered_grouped_under_their_city(
    app: Flask, client: FlaskClient
) -> None:
    add_county(app)
    page = client.get("/report").get_data(as_text=True)
    assert '<select id="unit" name="unit"' in page
    assert '<option value="">' in page  # nothing chosen for the reporter
    assert '<optgroup label="示范市（虚构）">' in page
    county = page.index(f'<option value="{COUNTY}">乙县（虚构）</option>')
    assert page.index('<optgroup label="示范市（虚构）">') < county
    assert f'<option value="{units.HOME}">' in page
    # A county's own link chooses it beforehand.
    linked = client.get(f"/report?unit={COUNTY}").get_data(as_text=True)
    assert f'<option value="{COUNTY}" selected>' in linked


def test_the_report_goes_to_the_chosen_county_and_its_code_works_on_the_one_status_page(
    app: Flask, client: FlaskClient
) -> None:
    add_county(app)
    response = post_report(client, unit=COUNTY)
    assert response.status_code == 200, response.get_data(as_text=True)
    code = receipt_of(response)
    assert _unit_of(app, code) == COUNTY
    # The receipt and the status page name the county's own bureau.
    assert "乙县（虚构）卫生健康局" in response.get_data(as_text=True)
    status = check_status(client, code)
    assert status.status_code == 200
    assert "乙县（虚构）卫生健康局" in status.get_data(as_text=True)
    assert _unit_of(app, receipt_of(post_report(client, unit=units.HOME))) == units.HOME


def test_without_a_county_chosen_the_form_comes_back_filled_in(
    client: FlaskClient, app: Flask
) -> None:
    add_county(app)
    for unit in ("", "no-such-county"):
        response = post_report(client, unit=unit, what_happened="写好的内容（虚构）")
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "请选择所在的县。" in page
        assert "写好的内容（虚构）" in page
        assert 'aria-invalid="true"' in page


def test_a_county_chosen_while_the_units_cannot_be_read_is_kept(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_county(app)

    def down(_db: object) -> None:
        raise OperationalError("SELECT", {}, Exception("database down"))

    page = client.get("/report").get_data(as_text=True)
    monkeypatch.setattr(units, "offered", down)
    drawn = client.get(f"/report?unit={COUNTY}").get_data(as_text=True)
    assert f'<input type="hidden" name="unit" value="{COUNTY}">' in drawn
    assert '<select id="unit"' in page
    response = post_report(client, unit=COUNTY)
    assert response.status_code == 200
    assert _unit_of(app, receipt_of(response)) == COUNTY

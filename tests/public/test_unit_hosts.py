"""A unit's own host name (docs/design.md, "Units"): on it the form chooses the unit and every
public page shows the unit's identity, field by field over the installation's; any other host
is the installation's, exactly as before; a page kept for one host is never served on another."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crypto.receipts import derive_receipt_keys
from intake.domain import units
from intake.domain.models import Report
from intake.platform import db
from intake.public import kept_pages, unit_site
from tests.console.units import COUNTY, add_county
from tests.helpers import VALID_REPORT, form_values, receipt_of

#: Invented host names of the county and of the home unit.
COUNTY_HOST, HOME_HOST = "yixian.example.test", "benji.example.test"
COUNTY_ISSUER, COUNTY_ISSUER_EN = "乙县医疗保障局（虚构）", "Yixian Healthcare Security (invented)"
COUNTY_ADDRESS, COUNTY_HOTLINE = "乙县人民路1号（虚构）", "0000-1234567"
HOME_ISSUER = "本级纪委监委（虚构）"
ISSUER = re.compile(r'<span class="issuer">([^<]*)</span>')


def _give(app: Flask, code: str, **fields: str) -> None:
    with app.app_context():
        session = db.session()
        unit = units.by_code(session, code)
        assert unit is not None
        units.set_identity(session, unit, fields)
        session.commit()
        unit_site.forget()


@pytest.fixture
def hosts(app: Flask) -> Flask:
    """The county with its own host and identity; the home unit with a host and an issuer."""
    add_county(app)
    _give(
        app,
        COUNTY,
        host=COUNTY_HOST,
        issuer=COUNTY_ISSUER,
        issuer_en=COUNTY_ISSUER_EN,
        address=COUNTY_ADDRESS,
        hotline_number=COUNTY_HOTLINE,
    )
    _give(app, units.HOME, host=HOME_HOST, issuer=HOME_ISSUER)
    return app


def _page(client: FlaskClient, path: str, host: str = "localhost") -> str:
    response = client.get(path, base_url=f"http://{host}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _issuer(page: str) -> str:
    match = ISSUER.search(page)
    assert match, "no issuer in the page's header"
    return match.group(1)


def _unit_of(app: Flask, code: str) -> str:
    settings = app.extensions["qingfeng.settings"]
    tag = derive_receipt_keys(code, settings.receipt_salt, settings.receipt_kdf).lookup_tag
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.lookup_tag == tag)).one()
        return report.lead_bureau.unit.code


def test_the_county_s_host_chooses_it_and_its_report_goes_to_its_bureaus(
    hosts: Flask, client: FlaskClient
) -> None:
    # The Host header as a browser may send it: any case, with a port.
    host = "YiXian.Example.Test:8443"
    page = _page(client, "/report", host)
    assert f'<option value="{COUNTY}" selected>' in page
    # The host says the unit; a link's ?unit= does not override it.
    assert f'<option value="{COUNTY}" selected>' in _page(client, "/report?unit=home", host)
    tokens = {k: v for k, v in form_values(page).items() if k in ("csrf_token", "form_token")}
    response = client.post(
        "/report", data={**tokens, **VALID_REPORT, "unit": COUNTY}, base_url=f"http://{host}"
    )
    assert response.status_code == 200
    assert _unit_of(hosts, receipt_of(response)) == COUNTY
    assert COUNTY_ISSUER in response.get_data(as_text=True)  # the receipt is the county's too


def test_each_host_shows_its_own_identity_over_the_installation_s(
    hosts: Flask, client: FlaskClient
) -> None:
    settings = hosts.extensions["qingfeng.settings"]
    county = _page(client, "/", COUNTY_HOST)
    assert _issuer(county) == COUNTY_ISSUER
    assert f"<dd>{COUNTY_ISSUER}</dd>" in county
    assert COUNTY_ADDRESS in county
    assert f'href="tel:{COUNTY_HOTLINE}"' in county
    assert settings.address not in county
    assert settings.icp in county  # one site, one licence
    # The home unit gave only its issuer: the rest is the installation's.
    home = _page(client, "/", HOME_HOST)
    assert _issuer(home) == HOME_ISSUER
    assert settings.address in home
    assert f'href="tel:{settings.hotline_number}"' in home
    assert settings.icp in home
    # In English: the unit's English name; without one, its Chinese name, not another's.
    assert _issuer(_page(client, "/?lang=en", COUNTY_HOST)) == COUNTY_ISSUER_EN
    assert _issuer(_page(client, "/?lang=en", HOME_HOST)) == HOME_ISSUER


def test_every_public_page_names_the_hotline_in_the_footer(
    hosts: Flask, client: FlaskClient
) -> None:
    for path in ("/status", "/figures", "/receipt"):
        page = _page(client, path, COUNTY_HOST)
        assert f'<dt>举报电话</dt><dd><a href="tel:{COUNTY_HOTLINE}">' in page
    english = _page(client, "/status?lang=en", COUNTY_HOST)
    assert f'<dt>Reporting hotline</dt><dd><a href="tel:{COUNTY_HOTLINE}">' in english


def test_an_unknown_host_is_the_installation_s(hosts: Flask, client: FlaskClient) -> None:
    settings = hosts.extensions["qingfeng.settings"]
    plain = _page(client, "/")
    assert _issuer(plain) == settings.issuer
    for host in ("elsewhere.example.test", "127.0.0.1:8000", "[::1]:8000", "yixian.example"):
        assert _page(client, "/", host) == plain, host
        form = _page(client, "/report", host)
        assert " selected>" not in form.split('id="unit"', 1)[1].split("</select>", 1)[0]
        assert _issuer(form) == settings.issuer
    # A unit's link still chooses it on the installation's host, under its identity.
    linked = _page(client, f"/report?unit={COUNTY}")
    assert f'<option value="{COUNTY}" selected>' in linked
    assert _issuer(linked) == settings.issuer


def test_a_page_kept_for_one_host_is_never_served_on_another(
    hosts: Flask, client: FlaskClient
) -> None:
    settings = hosts.extensions["qingfeng.settings"]
    hosts.extensions.pop(kept_pages.EXTENSION, None)
    expected = {COUNTY_HOST: COUNTY_ISSUER, HOME_HOST: HOME_ISSUER, "localhost": settings.issuer}
    for _round in range(2):  # the first round keeps each page, the second is served kept ones
        for path in ("/status", "/report"):
            for host, issuer in expected.items():
                assert _issuer(_page(client, path, host)) == issuer, (path, host)
    # A unit's identity changed: its pages show the new one, not the page kept before.
    _give(hosts, COUNTY, issuer="乙县新名称（虚构）")
    assert _issuer(_page(client, "/status", COUNTY_HOST)) == "乙县新名称（虚构）"


def test_each_process_reads_the_hosts_again_after_a_while(
    hosts: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _issuer(_page(client, "/", COUNTY_HOST)) == COUNTY_ISSUER  # the table is read
    with hosts.app_context():
        session = db.session()
        unit = units.by_code(session, COUNTY)
        assert unit is not None
        units.set_identity(session, unit, {"host": "", "issuer": ""})  # as another process would
        session.commit()
    # Kept for HOSTS_TTL: not asked again on every request …
    assert _issuer(_page(client, "/", COUNTY_HOST)) == COUNTY_ISSUER
    # … and read again once it is over: the host is the installation's again.
    monkeypatch.setattr(unit_site, "HOSTS_TTL", 0.0)
    settings = hosts.extensions["qingfeng.settings"]
    assert _issuer(_page(client, "/", COUNTY_HOST)) == settings.issuer

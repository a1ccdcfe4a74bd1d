"""Letters, visits and handed-down cases recorded by the intake desk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from intake.domain import units
from intake.domain.models import Report
from intake.platform import db
from intake.platform.context import today as china_today
from tests.console.console import Staff
from tests.helpers import RECEIPT_PATTERN, VALID_REPORT, check_status

LETTER = {**VALID_REPORT, "channel": "letter", "source": "县长信箱转来(虚构)"}


def test_a_letter_is_recorded_with_its_channel_and_a_receipt_slip(
    app: Flask, staff: Callable[[str], Staff]
) -> None:
    desk = staff("intake")
    received = (china_today() - dt.timedelta(days=3)).isoformat()
    response = desk.post("/admin/record", {**LETTER, "received_on": received})
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    match = RECEIPT_PATTERN.search(page)
    assert match, "no receipt code on the slip"
    # The slip names the site's status page: a visitor has no address bar to read.
    assert "http://localhost/status" in page
    assert "本网站" not in page
    code = match.group(1).replace(" ", "")
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.channel == "letter")).one()
        assert report.received_on.isoformat() == received
        assert report.source == "县长信箱转来(虚构)"
    # The reporter follows it like any other report.
    status = check_status(app.test_client(), code)
    assert status.status_code == 200
    assert "心内科主任收取支架供应商回扣" in status.get_data(as_text=True)


def test_a_date_in_the_future_is_refused_and_the_form_kept(
    app: Flask, staff: Callable[[str], Staff]
) -> None:
    future = (china_today() + dt.timedelta(days=5)).isoformat()
    response = staff("intake").post("/admin/record", {**LETTER, "received_on": future})
    assert response.status_code == 422
    assert "心内科主任收取支架供应商回扣" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalars(select(Report)).all() == []


def test_the_slip_prints_without_the_console_around_it() -> None:
    from intake.config import ROOT

    css = (ROOT / "static" / "qingfeng.css").read_text(encoding="utf-8")
    assert "@media print" in css
    assert ".no-print" in css


def test_a_scanned_letter_is_recorded_with_its_file(
    app: Flask, staff: Callable[[str], Staff]
) -> None:
    import io

    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import stream_encode_multipart

    from intake.domain.models import Attachment
    from tests.console.console import csrf

    desk = staff("intake")
    fields = {**LETTER, "received_on": china_today().isoformat()}
    parts = MultiDict([*fields.items(), ("csrf_token", csrf(desk.client, "/admin/record"))])
    parts.add("attachments", FileStorage(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="letter.pdf"))
    stream, _length, boundary = stream_encode_multipart(parts, use_tempfile=False)
    response = desk.client.post(
        "/admin/record",
        data=stream.read(),
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        (attachment,) = db.session().scalars(select(Attachment)).all()
        assert (attachment.author, attachment.kind) == ("intake", "pdf")


def test_the_slip_names_the_desk_s_unit_s_own_hotline_and_site(
    app: Flask, staff: Callable[[str], Staff]
) -> None:
    """A county with its own host and hotline (intake/public/unit_site.py) prints them."""
    with app.app_context():
        session = db.session()
        home = units.home(session)
        units.set_identity(session, home, {"host": "qx.example.cn", "hotline_number": "0311-1234"})
        session.commit()
    desk = staff("intake")
    received = china_today().isoformat()
    page = desk.post("/admin/record", {**LETTER, "received_on": received}).get_data(as_text=True)
    assert "http://qx.example.cn/status" in page
    assert "0311-1234" in page

"""The hotline API takes files too: multipart/form-data with the JSON in a part named report
and files in parts named attachment. Same checks, same sealing, same idempotency."""

from __future__ import annotations

import io
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from crypto.receipts import normalise_receipt
from intake.domain.cases.reports import open_with_receipt
from intake.domain.evidence import attachments
from intake.domain.keys import hotline
from intake.domain.models import Attachment, Report
from intake.platform import context, db
from tests.api.test_hotline_api import CALL, assert_problem, count_reports
from tests.evidence import files


@pytest.fixture
def token(app: Flask) -> str:
    with app.test_request_context():
        return hotline.create_token(db.session(), "call-centre-files", context.today())


def post_files(
    client: FlaskClient,
    token: str,
    uploads: list[tuple[str, bytes]],
    report: dict | None = None,
    key: str | None = None,
):
    parts = MultiDict()
    if report is not False:
        parts.add("report", json.dumps(report or CALL, ensure_ascii=False))
    for name, body in uploads:
        parts.add("attachment", FileStorage(io.BytesIO(body), filename=name))
    stream, _length, boundary = stream_encode_multipart(parts, use_tempfile=False)
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return client.post(
        "/api/v1/reports",
        data=stream.read(),
        headers=headers,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_a_call_with_a_photo_and_a_recording(app: Flask, client: FlaskClient, token: str) -> None:
    response = post_files(
        client,
        token,
        [("scene.jpg", files.jpeg_with_gps()), ("call.amr", files.SAMPLES["phone.amr"]())],
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["attachments"] == [
        {"filename": "scene.jpg", "kind": "jpeg", "cleaned": True},
        {"filename": "call.amr", "kind": "amr", "cleaned": False},
    ]
    with app.app_context():
        session = db.session()
        opened = open_with_receipt(
            session, context.settings(), normalise_receipt(answer["receipt_code"])
        )
        photo = next(a for a in opened.report.attachments if a.kind == "jpeg")
        body = b"".join(attachments.read(session, photo, opened.report, opened.data_key))
        assert photo.author == "hotline"
    assert dict(Image.open(io.BytesIO(body)).getexif()) == {}
    assert files.GPS_MARKER.encode() not in body


def test_a_refused_file_stores_nothing(app: Flask, client: FlaskClient, token: str) -> None:
    response = post_files(client, token, [("virus.exe", b"MZ" + b"\0" * 64)])
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "attachment"
    assert "virus.exe" in body["errors"][0]["detail"]
    assert count_reports(app) == 0


def test_a_multipart_body_needs_its_report_part(client: FlaskClient, token: str) -> None:
    response = post_files(client, token, [("a.pdf", files.pdf())], report=False)  # type: ignore[arg-type]
    assert_problem(response, 400)


def test_idempotency_covers_the_files(app: Flask, client: FlaskClient, token: str) -> None:
    first = post_files(client, token, [("a.pdf", files.pdf())], key="call-77")
    again = post_files(client, token, [("a.pdf", files.pdf())], key="call-77")
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    other = post_files(client, token, [("a.pdf", files.pdf() + b"% changed\n")], key="call-77")
    assert_problem(other, 422)
    assert count_reports(app) == 1
    with app.app_context():
        assert len(db.session().scalars(select(Attachment)).all()) == 1
        assert db.session().scalars(select(Report)).one().channel == "hotline"

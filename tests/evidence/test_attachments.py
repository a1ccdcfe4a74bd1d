"""Evidence files on the form and on /status: accepted by content, cleaned, sealed in chunks,
downloaded by staff only as attachments; every bad file refused with the text kept."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from intake.domain.evidence import archives, attachments
from intake.domain.models import Attachment, AttachmentChunk, Report
from intake.platform import db
from intake.platform.context import today as china_today
from tests.console.console import Staff
from tests.evidence import files
from tests.helpers import VALID_REPORT, form_values, hidden_tokens, receipt_of
from tests.security.test_anonymity import database_bytes

Upload = tuple[str, bytes]


def multipart(fields: dict[str, str], uploads: list[Upload]) -> tuple[bytes, str]:
    """A multipart body built in memory (the test client would spool a large one to a file
    it never closes)."""
    parts = MultiDict(list(fields.items()))
    for name, body in uploads:
        parts.add("attachments", FileStorage(io.BytesIO(body), filename=name))
    stream, _length, boundary = stream_encode_multipart(parts, use_tempfile=False)
    return stream.read(), f"multipart/form-data; boundary={boundary}"


def send(client: FlaskClient, uploads: list[Upload], english: bool = False, **fields: str):
    body, content_type = multipart(
        {**hidden_tokens(client, "/report"), **VALID_REPORT, **fields}, uploads
    )
    path = "/report?lang=en" if english else "/report"
    return client.post(path, data=body, content_type=content_type)


def stored(app: Flask) -> list[Attachment]:
    with app.app_context():
        return list(db.session().scalars(select(Attachment)))


def reports(app: Flask) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Report)) or 0


def download(staff: Callable[[str], Staff], app: Flask) -> tuple[bytes, dict[str, str]]:
    with app.app_context():
        report = db.session().scalars(select(Report)).one()
        attachment = db.session().scalars(select(Attachment)).one()
        reference, attachment_id = report.reference, attachment.id
    response = staff("health").client.get(f"/admin/cases/{reference}/files/{attachment_id}")
    assert response.status_code == 200
    return response.get_data(), dict(response.headers)


def test_a_photo_loses_its_location_and_camera(
    app: Flask, client: FlaskClient, staff: Callable[[str], Staff]
) -> None:
    original = files.jpeg_with_gps()
    assert files.GPS_MARKER.encode() in original
    response = send(client, [("IMG_2041.jpg", original)])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "IMG_2041.jpg" in response.get_data(as_text=True)
    body, headers = download(staff, app)
    image = Image.open(io.BytesIO(body))
    assert image.format == "JPEG"
    assert image.size == (120, 80)
    assert dict(image.getexif()) == {}
    assert files.GPS_MARKER.encode() not in body
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''IMG_2041.jpg" in headers["Content-Disposition"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]


def test_png_text_chunks_and_heic_are_cleaned(
    app: Flask, client: FlaskClient, staff: Callable[[str], Staff]
) -> None:
    response = send(client, [("shot.png", files.png_with_text()), ("live.heic", files.heic())])
    assert response.status_code == 200, response.get_data(as_text=True)
    kinds = sorted((a.kind, a.cleaned) for a in stored(app))
    assert kinds == [("jpeg", True), ("png", True)]


@pytest.mark.parametrize("name", sorted(files.SAMPLES))
def test_every_accepted_kind_is_stored_as_sent(
    app: Flask, client: FlaskClient, staff: Callable[[str], Staff], name: str
) -> None:
    body = files.SAMPLES[name]()
    response = send(client, [(name, body)])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "could not be cleaned" in response.get_data(as_text=True) or "无法清除" in (
        response.get_data(as_text=True)
    )
    downloaded, _headers = download(staff, app)
    assert downloaded == body
    (attachment,) = stored(app)
    assert attachment.cleaned is False


@pytest.mark.parametrize(
    ("uploads", "message"),
    [
        ([("empty.pdf", b"")], "is empty"),
        ([("program.exe", b"MZ\x90\x00" + b"\0" * 100)], "not a kind of file we accept"),
        ([("photo.jpg", files.pdf())], "named like another kind of file"),
        ([("bomb.png", files.huge_png())], "too large to process"),
        ([("cut.jpg", files.jpeg_with_gps()[:300])], "damaged or incomplete"),
        ([(f"n{i}.pdf", files.pdf()) for i in range(6)], "At most 5 files"),
    ],
)
def test_bad_files_are_refused_and_the_text_is_kept(
    app: Flask, client: FlaskClient, uploads: list[Upload], message: str
) -> None:
    response = send(client, uploads, english=True, what_happened="保留我写的内容(虚构)")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "保留我写的内容(虚构)" in page
    assert message in page
    assert reports(app) == 0
    assert stored(app) == []


@pytest.mark.parametrize("size", [1000, 1001])
def test_the_size_limit_is_exact(make_app: Callable[..., Flask], size: int) -> None:
    app = make_app(attachment_max_bytes=1000)
    client = app.test_client()
    body = b"a" * (size - 1) + b"\n"
    response = send(client, [("note.txt", body)], english=True)
    assert response.status_code == (200 if size == 1000 else 422)
    assert len(stored(app)) == (1 if size == 1000 else 0)


def test_five_files_are_accepted(app: Flask, client: FlaskClient) -> None:
    response = send(client, [(f"n{i}.pdf", files.pdf()) for i in range(5)])
    assert response.status_code == 200
    assert len(stored(app)) == 5


def test_a_body_larger_than_every_file_allowed_is_refused(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(max_body_bytes=10_000, attachment_max_bytes=1000, attachments_max_files=2)
    client = app.test_client()
    # The body may be as large as the text limit, every file allowed and some overhead.
    response = send(client, [("big.txt", b"a" * 200_000 + b"\n")])
    assert response.status_code == 413
    assert reports(app) == 0


def test_a_truncated_upload_stores_nothing(app: Flask, client: FlaskClient) -> None:
    tokens = hidden_tokens(client, "/report")
    boundary = "qingfengboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in {**tokens, **VALID_REPORT}.items()
    ]
    body = (
        "".join(parts).encode()
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
            'filename="half.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + files.pdf()[:20]
    )
    response = client.post(
        "/report", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code in (400, 422)
    assert "Traceback" not in response.get_data(as_text=True)
    assert reports(app) == 0


def test_files_are_sealed_in_chunks_and_nothing_readable_rests(
    app: Flask, make_app: Callable[..., Flask], client: FlaskClient
) -> None:
    secret = ("举报证据原文" * 120_000).encode()  # about 2 MB of text, several chunks
    response = send(client, [("evidence.txt", secret)])
    assert response.status_code == 200
    (attachment,) = stored(app)
    assert attachment.chunks == -(-len(secret) // attachments.CHUNK)
    dump = database_bytes(app)
    assert "举报证据原文".encode() not in dump
    assert b"evidence.txt" not in dump


def test_a_moved_chunk_fails_to_open(app: Flask, client: FlaskClient) -> None:
    body = b"x" * (attachments.CHUNK * 2 + 10) + b"\n"
    send(client, [("a.txt", body)])
    with app.app_context():
        session = db.session()
        report = session.scalars(select(Report)).one()
        attachment = report.attachments[0]
        first, second = session.scalars(
            select(AttachmentChunk)
            .where(AttachmentChunk.attachment_id == attachment.id)
            .order_by(AttachmentChunk.position)
        ).all()[:2]
        first.body, second.body = second.body, first.body
        session.commit()
        from crypto.receipts import derive_receipt_keys  # noqa: F401

        with pytest.raises(Exception, match=report.reference):
            list(attachments.read(session, attachment, report, b"\0" * 32))


def test_the_spool_keeps_no_plaintext_on_disk(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from intake.platform.spool import EncryptedSpool

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    created: list = []
    original = tempfile.TemporaryFile

    def keep(*args, **kwargs):
        handle = original(*args, **kwargs)
        created.append(handle)
        return handle

    monkeypatch.setattr(tempfile, "TemporaryFile", keep)
    spool = EncryptedSpool()
    plain = "证据原文不得明文落盘".encode() * 1000
    spool.write(plain)
    (handle,) = created
    handle.seek(0)
    assert "证据原文".encode() not in handle.read()
    spool.seek(0)
    out = bytearray(len(plain))
    assert spool.readinto(out) == len(plain)
    assert bytes(out) == plain
    spool.close()


def test_the_reporter_adds_files_later(
    app: Flask, client: FlaskClient, staff: Callable[[str], Staff]
) -> None:
    code = receipt_of(send(client, []))
    token = hidden_tokens(client, "/status")["csrf_token"]
    page = client.post("/status", data={"csrf_token": token, "code": code}).get_data(as_text=True)
    values = form_values(page)
    body, content_type = multipart(
        {"csrf_token": values["csrf_token"], "token": values["token"]},
        [("later.pdf", files.pdf())],
    )
    response = client.post("/status/attach", data=body, content_type=content_type)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "later.pdf" in response.get_data(as_text=True)
    with app.app_context():
        report = db.session().scalars(select(Report)).one()
        assert report.awaiting_staff
        assert [a.author for a in report.attachments] == ["reporter"]
    body, _headers = download(staff, app)
    assert body == files.pdf()


def test_retention_destroys_the_files_too(
    app: Flask, client: FlaskClient, staff: Callable[[str], Staff]
) -> None:
    import datetime as dt

    from intake.domain.oversight import retention

    send(client, [("evidence.pdf", files.pdf())])
    with app.app_context():
        report = db.session().scalars(select(Report)).one()
        report.state = "concluded"
        report.concluded_on = dt.date(2020, 1, 1)
        db.session().commit()
        retention.purge(db.session(), china_today(), 730)
        assert db.session().scalars(select(Attachment)).all() == []
        assert db.session().scalars(select(AttachmentChunk)).all() == []


def docx_of(document: bytes, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A real DOCX archive whose document part is `document`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def test_a_docx_of_zeros_is_refused_naming_the_file(app: Flask, client: FlaskClient) -> None:
    bomb = docx_of(bytes(64 * 1024 * 1024))  # 64 MiB of zeros: about 64 KB sent
    assert len(bomb) < 200_000
    response = send(client, [("会议纪要.docx", bomb)], english=True, what_happened="保留(虚构)")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "“会议纪要.docx” unpacks to far more than its size" in page
    assert "保留(虚构)" in page
    assert stored(app) == []


@pytest.mark.parametrize("over", [0, 1])
def test_the_unpacked_size_limit_is_exact(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, over: int
) -> None:
    plain = os.urandom(200_000)  # incompressible: the ratio stays near one
    document = docx_of(plain, zipfile.ZIP_STORED)
    monkeypatch.setattr(archives, "MAX_UNPACKED", len(plain) + len(b"<Types/>") - over)
    response = send(client, [("表格.docx", document)], english=True)
    assert response.status_code == (200 if over == 0 else 422)
    assert len(stored(app)) == (1 if over == 0 else 0)


@pytest.mark.parametrize("over", [0, 1])
def test_the_expansion_ratio_limit_is_exact(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, over: int
) -> None:
    document = docx_of(b"0" * 2_000_000)
    unpacked = 2_000_000 + len(b"<Types/>")
    # The largest whole ratio the file stays within, then one less.
    monkeypatch.setattr(archives, "MAX_RATIO", unpacked // len(document) + 1 - over)
    response = send(client, [("笔录.docx", document)], english=True)
    assert response.status_code == (200 if over == 0 else 422)
    assert len(stored(app)) == (1 if over == 0 else 0)


def test_a_part_that_lies_about_its_size_is_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    honest = docx_of(bytes(3_000_000))
    # The directory says the zeros unpack to 3 bytes; the office suite would unpack 3 MB.
    lying = honest.replace(struct.pack("<I", 3_000_000), struct.pack("<I", 3))
    assert lying != honest
    monkeypatch.setattr(archives, "MAX_UNPACKED", 1_000_000)
    with pytest.raises(attachments.AttachmentRefused) as refused:
        attachments.check(io.BytesIO(lying), "证据.docx", 10 * 1024 * 1024)
    assert refused.value.reason == "overexpanding"

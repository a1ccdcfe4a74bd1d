"""Promise 2: a stolen database reveals no report.

The dump holds no report text in any encoding, nothing stored at rest opens a report, and it
opens only with the receipt code or a staff password of its bureau.
"""

from __future__ import annotations

import base64
import itertools
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crypto import aead, keywrap, locking
from crypto.errors import CryptoError, DecryptionError
from intake.domain.cases.reports import field_aad, open_for_bureau
from intake.domain.installation import DemoAccount
from intake.domain.keys import keyring
from intake.domain.models import Report, StaffMember
from intake.platform import db
from tests.helpers import check_status, post_report, receipt_of
from tests.security.test_anonymity import database_bytes

SECRET_TEXT = "院长王某某收受器械商红包二十万元(虚构测试文本)"
SECRET_NAME = "举报人赵六(虚构)"


def encodings(text: str) -> list[bytes]:
    raw = text.encode("utf-8")
    return [
        raw,
        text.encode("utf-16-le"),
        text.encode("utf-16-be"),
        json.dumps(text).encode(),  # \u escapes
        raw.hex().encode(),
        base64.b64encode(raw),
        text[:6].encode("utf-8"),  # a fragment
    ]


@pytest.fixture
def stored(client: FlaskClient) -> str:
    response = post_report(
        client,
        category="red_envelopes",
        what_happened=SECRET_TEXT,
        real_name="y",
        name=SECRET_NAME,
        phone="13912345678",
    )
    return receipt_of(response)


def test_a_full_dump_contains_no_report_text(app: Flask, stored: str) -> None:
    dump = database_bytes(app)
    for secret in (SECRET_TEXT, SECRET_NAME, "13912345678"):
        for encoded in encodings(secret):
            assert encoded not in dump, (secret, encoded[:20])


def every_stored_secret(app: Flask) -> list[bytes]:
    """Every byte string the server holds at rest: each value of each row, and its secrets."""
    settings = app.extensions["qingfeng.settings"]
    values = [settings.secret_key, settings.receipt_salt]
    from tests.security.dump import dump_database

    # Candidate keys: every 32-byte window at the start of any stored value.
    for chunk in dump_database(app).split(b"\n"):
        values.append(chunk[:32])
        values.append(chunk[-32:])
    return [v for v in values if len(v) == 32]


def test_nothing_stored_at_rest_opens_a_report(app: Flask, stored: str) -> None:
    candidates = every_stored_secret(app)
    assert len(candidates) > 10
    with app.app_context():
        report = db.session().scalars(select(Report)).one()
        for wrap, key in itertools.product(report.key_wraps, candidates):
            aad = keyring.wrap_aad(report.id, wrap.holder)
            opener = aead.open_sealed if wrap.holder == "reporter-key" else keywrap.open_sealed_to
            with pytest.raises(CryptoError):
                opener(key, wrap.wrapped, aad)
        for key in candidates:
            with pytest.raises(DecryptionError):
                aead.open_sealed(key, report.content, field_aad(report.id, "content"))


def test_the_receipt_code_opens_the_report(client: FlaskClient, stored: str) -> None:
    page = check_status(client, stored).get_data(as_text=True)
    assert SECRET_TEXT in page
    assert SECRET_NAME in page


def open_as_staff(app: Flask, account: DemoAccount, password: str, bureau: str) -> str:
    with app.app_context():
        session = db.session()
        member = session.scalars(
            select(StaffMember).where(StaffMember.username == account.username)
        ).one()
        staff_private = keyring.unlock_staff_key(member, password)
        bureau_private = keyring.bureau_private_key(session, member, staff_private, bureau)
        report = session.scalars(select(Report)).one()
        return open_for_bureau(report, bureau, bureau_private).content.what_happened


def test_a_staff_password_of_the_holding_bureau_opens_it(
    app: Flask, accounts: dict[str, DemoAccount], stored: str
) -> None:
    health = accounts["health"]
    assert open_as_staff(app, health, health.password, "health") == SECRET_TEXT
    intake = accounts["intake"]
    assert open_as_staff(app, intake, intake.password, "intake") == SECRET_TEXT


def test_a_wrong_password_opens_nothing(
    app: Flask, accounts: dict[str, DemoAccount], stored: str
) -> None:
    with pytest.raises(DecryptionError):
        open_as_staff(app, accounts["health"], "not-the-password", "health")


def test_the_recovery_key_unlocks_the_same_private_key(
    app: Flask, accounts: dict[str, DemoAccount]
) -> None:
    account = accounts["health"]
    with app.app_context():
        member = (
            db.session()
            .scalars(select(StaffMember).where(StaffMember.username == account.username))
            .one()
        )
        by_password = keyring.unlock_staff_key(member, account.password)
        assert member.private_key_recovery is not None
        by_recovery = locking.unlock_with_recovery_key(
            member.private_key_recovery, account.recovery_key
        )
        assert by_password == by_recovery


def test_another_bureau_cannot_open_it(
    app: Flask, accounts: dict[str, DemoAccount], stored: str
) -> None:
    police = accounts["public_security"]
    with pytest.raises(KeyError):
        open_as_staff(app, police, police.password, "public_security")
    with pytest.raises(KeyError):
        # A police officer is no member of the health bureau either.
        open_as_staff(app, police, police.password, "health")


def test_a_ciphertext_moved_to_another_report_fails_to_open(
    app: Flask, client: FlaskClient, accounts: dict[str, DemoAccount]
) -> None:
    first = receipt_of(post_report(client, what_happened="第一份"))
    second = receipt_of(post_report(client, what_happened="第二份"))
    with app.app_context():
        session = db.session()
        reports = session.scalars(select(Report)).all()
        one, two = reports
        two.content = one.content
        session.commit()
    statuses = {check_status(client, code).status_code for code in (first, second)}
    # One of the two still opens; the one carrying the moved ciphertext must not.
    assert 200 in statuses
    assert statuses != {200}

"""A database writer who swaps a public key gets nothing sealed to theirs (issue: public keys
were read from the database unchecked, so one UPDATE diverted every new report).

The attacker here has write access to the database and nothing else: no secret key. They put
their own key in a bureau's or a member's row (or a key and MAC copied from another row), wait
for a report or a grant, and try their private key on everything stored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import suppress

import click
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

import intake.platform.cli
from admin.auth.keycheck import fingerprint
from crypto import aead, keywrap
from crypto.errors import CryptoError
from intake.domain.installation import DemoAccount
from intake.domain.keys import hotline
from intake.domain.models import Bureau, BureauMembership, Report, StaffMember
from intake.platform import context, db
from intake.public.views import ANOTHER
from tests.console.console import Staff
from tests.helpers import VALID_REPORT, form_values, hidden_tokens, receipt_of
from tests.security.attack import database_values

# Each post here is a new report from the same browser, said so as a citizen would on the
# "already sent" page (the same text again is otherwise taken for Back, then Send).
NEW_REPORT = {**VALID_REPORT, "another": ANOTHER}

Login = Callable[[str], Staff]


def reports(app: Flask) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Report)) or 0


def write(app: Flask, statement: object) -> None:
    """What the attacker does: one statement, straight to the database."""
    with app.app_context(), db.database().engine.begin() as connection:
        connection.execute(statement)  # type: ignore[call-overload]


def bureau_row(app: Flask, code: str) -> tuple[bytes, bytes]:
    with app.app_context():
        row = db.session().execute(
            select(Bureau.public_key, Bureau.public_key_mac).where(Bureau.code == code)
        )
        key, mac = row.one()
        return bytes(key), bytes(mac)


def opens_anything(private: bytes, values: list[bytes]) -> bool:
    """Whether `private` unseals any stored value, whatever associated data is tried: the
    attacker knows the formats, so every (report, holder) pair of the database is tried."""
    from intake.domain.keys.keyring import wrap_aad

    with db.session() as session:
        pairs = [(r.id, w.holder) for r in session.scalars(select(Report)) for w in r.key_wraps]
    for value in values:
        for report_id, holder in pairs:
            with suppress(CryptoError):
                keywrap.open_sealed_to(private, value, wrap_aad(report_id, holder))
                return True
    return False


def swap_and_submit(app: Flask, client: FlaskClient, key: bytes, mac: bytes | None) -> None:
    write(app, update(Bureau).where(Bureau.code == "health").values(public_key=key))
    if mac is not None:
        write(app, update(Bureau).where(Bureau.code == "health").values(public_key_mac=mac))
    before = reports(app)
    tokens = hidden_tokens(client, "/report")
    refused = client.post("/report?lang=en", data={**NEW_REPORT, **tokens})
    assert refused.status_code == 503
    page = refused.get_data(as_text=True)
    assert "Reports cannot be received right now" in page
    kept = form_values(page)
    assert kept["what_happened"] == VALID_REPORT["what_happened"]
    assert kept["institution"] == VALID_REPORT["institution"]
    assert reports(app) == before


def test_a_swapped_bureau_key_is_refused_and_the_attacker_opens_nothing(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    real_key, real_mac = bureau_row(app, "health")
    receipt_of(client.post("/report", data={**NEW_REPORT, **hidden_tokens(client, "/report")}))
    attacker_private, attacker_public = keywrap.generate_keypair()

    with caplog.at_level(logging.WARNING, logger="qingfeng.errors"):
        swap_and_submit(app, client, attacker_public, None)
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "bureau health" in warning
    assert "changed outside Qingfeng" in warning
    assert "QF-" not in warning  # names the bureau, never a report

    # The attacker's key opens nothing stored (the report before the swap, nor any other).
    with app.app_context():
        assert not opens_anything(attacker_private, database_values(app))

    # The attacker restores the row: reports are taken again, sealed to the real key.
    write(app, update(Bureau).where(Bureau.code == "health").values(public_key=real_key))
    assert bureau_row(app, "health") == (real_key, real_mac)
    again = client.post("/report", data={**NEW_REPORT, **hidden_tokens(client, "/report")})
    assert again.status_code == 200
    with app.app_context():
        assert not opens_anything(attacker_private, database_values(app))


def test_a_key_and_mac_copied_from_another_bureau_are_refused(
    app: Flask, client: FlaskClient
) -> None:
    # Another bureau's key and its genuine MAC: the MAC names its bureau, so it fails here.
    other_key, other_mac = bureau_row(app, "market_regulation")
    swap_and_submit(app, client, other_key, other_mac)
    # The attacker's own key with the MAC of another row fails too.
    _private, attacker_public = keywrap.generate_keypair()
    swap_and_submit(app, client, attacker_public, other_mac)


def test_the_api_answers_503_with_a_json_error_under_a_swapped_key(app: Flask) -> None:
    with app.test_request_context():
        token = hotline.create_token(db.session(), "call-centre", context.today())
    _private, attacker_public = keywrap.generate_keypair()
    write(app, update(Bureau).where(Bureau.code == "health").values(public_key=attacker_public))
    call = {
        "transcript": "来电反映某医院收受回扣(虚构)",
        "hotline": "12345",
        "call_date": "2026-11-20",
        "category": "kickbacks",
    }
    response = app.test_client().post(
        "/api/v1/reports",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-swap"},
        data=json.dumps(call, ensure_ascii=False),
        content_type="application/json",
    )
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "send the same request again later" in response.get_json()["detail"]
    assert reports(app) == 0


def test_a_swapped_member_key_gets_no_bureau_key_and_their_key_check_differs(
    app: Flask, staff: Login, accounts: dict[str, DemoAccount]
) -> None:
    admin_member, health = staff("admin"), staff("health")
    page = admin_member.post("/admin/accounts", {"username": "newcomer", "role": "handler"})
    password = page.get_data(as_text=True).split('<p class="code">')[1].split("<")[0]
    newcomer = Staff(app, DemoAccount("newcomer", password, None, "", "handler"))
    newcomer.enrol_through_the_pages()
    with app.app_context():
        newcomer_id = (
            db.session()
            .scalars(select(StaffMember.id).where(StaffMember.username == "newcomer"))
            .one()
        )
    # The newcomer's key check, from their own unlocked key.
    own_page = newcomer.client.get("/admin/password").get_data(as_text=True)
    own_check = own_page.split('<code class="keycheck">')[1].split("<")[0]

    # The database writer puts their key in the newcomer's row.
    attacker_private, attacker_public = keywrap.generate_keypair()
    write(app, update(StaffMember).where(StaffMember.id == newcomer_id).values(
        public_key=attacker_public))  # fmt: skip
    # The key check the newcomer reads still comes from their private key: it differs from
    # the swapped column, so a colleague reading it aloud would not match the attacker's key.
    again = newcomer.client.get("/admin/password").get_data(as_text=True)
    assert again.split('<code class="keycheck">')[1].split("<")[0] == own_check
    assert fingerprint(attacker_public) != own_check

    # Even a colleague who typed the attacker's key check grants nothing.
    for typed in (fingerprint(attacker_public), own_check):
        refused = health.post(
            "/admin/bureaus/health/grant", {"staff_id": newcomer_id, "fingerprint": typed}
        )
        assert refused.status_code == 503
        assert "A key failed its check" in refused.get_data(as_text=True) or "密钥未通过校验" in (
            refused.get_data(as_text=True)
        )
    with app.app_context():
        assert (
            not db.session()
            .scalars(select(BureauMembership).where(BureauMembership.staff_id == newcomer_id))
            .all()
        )
        codes = list(db.session().scalars(select(Bureau.code)))
        for value in database_values(app):
            for code in codes:
                aad = aead.associated_data("bureau-key", code, attacker_public)
                with suppress(CryptoError):
                    keywrap.open_sealed_to(attacker_private, value, aad)
                    raise AssertionError(f"the attacker's key opened the key of {code}")


def test_keys_stored_before_macs_wait_for_the_operator_command(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake.platform.cli, "create_app", lambda: app)
    runner = CliRunner()
    # As the migration leaves them: every key without its MAC; nothing is sealed to them.
    write(app, update(Bureau).values(public_key_mac=None))
    write(app, update(StaffMember).values(public_key_mac=None))
    tokens = hidden_tokens(client, "/report?lang=en")
    waiting = client.post("/report?lang=en", data={**NEW_REPORT, **tokens})
    assert waiting.status_code == 503
    assert form_values(waiting.get_data(as_text=True))["what_happened"]

    # `qingfeng serve` refuses to start meanwhile, naming the command.
    with pytest.raises(click.ClickException, match="run `qingfeng keys authenticate`"):
        intake.platform.cli.check_ready(app)
    first = runner.invoke(intake.platform.cli.main, ["keys", "authenticate"])
    assert first.exit_code == 0, first.output
    assert "bureau health: public key authenticated" in first.output
    assert "staff demo-health: public key authenticated" in first.output
    assert "public key(s) authenticated now, 0 already were." in first.output
    receipt_of(client.post("/report", data={**NEW_REPORT, **hidden_tokens(client, "/report")}))
    intake.platform.cli.check_ready(app)

    # Once authenticated, a key changed in the database is never authenticated again.
    _private, attacker_public = keywrap.generate_keypair()
    write(app, update(Bureau).where(Bureau.code == "health").values(public_key=attacker_public))
    second = runner.invoke(intake.platform.cli.main, ["keys", "authenticate"])
    assert second.exit_code == 1
    assert "bureau health: MAC does not match; left as it is" in second.output
    assert "0 public key(s) authenticated now" in second.output
    assert "changed outside Qingfeng (bureau health)" in second.output
    refused = client.post("/report", data={**NEW_REPORT, **hidden_tokens(client, "/report")})
    assert refused.status_code == 503


def test_a_transfer_to_a_swapped_key_seals_nothing(
    app: Flask, staff: Login, submit: Callable[..., tuple[str, str]]
) -> None:
    _code, ref = submit()
    health = staff("health")
    attacker_private, attacker_public = keywrap.generate_keypair()
    write(
        app,
        update(Bureau).where(Bureau.code == "market_regulation").values(public_key=attacker_public),
    )
    response = health.act(ref, "transfer", bureau="market_regulation")
    assert response.status_code == 422
    assert "failed its check" in response.get_data(as_text=True) or "校验" in response.get_data(
        as_text=True
    )
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        assert report.lead_bureau.code == "health"
        assert {w.holder for w in report.key_wraps} == {
            "reporter",
            "reporter-key",
            "bureau:health",
            "bureau:intake",
        }
        assert not opens_anything(attacker_private, database_values(app))


def test_after_the_secret_key_changed_the_old_one_carries_the_macs_over(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intake.domain.keys import authentic

    monkeypatch.setattr(intake.platform.cli, "create_app", lambda: app)
    old_secret = bytes(range(32))
    # The keys as a previous secret key authenticated them.
    with app.app_context():
        session = db.session()
        for bureau in session.scalars(select(Bureau)):
            bureau.public_key_mac = authentic.key_mac(
                old_secret, authentic.BUREAU, bureau.code, bureau.public_key
            )
        session.commit()
    tokens = hidden_tokens(client, "/report")
    assert client.post("/report", data={**NEW_REPORT, **tokens}).status_code == 503
    runner = CliRunner()
    guessed = runner.invoke(
        intake.platform.cli.main, ["keys", "authenticate", "--previous-secret-key", "00" * 32]
    )
    assert guessed.exit_code == 1
    assert "bureau health: MAC does not match; left as it is" in guessed.output
    carried = runner.invoke(
        intake.platform.cli.main,
        ["keys", "authenticate", "--previous-secret-key", old_secret.hex()],
    )
    assert carried.exit_code == 0, carried.output
    assert "bureau health: public key authenticated" in carried.output
    receipt_of(client.post("/report", data={**NEW_REPORT, **hidden_tokens(client, "/report")}))

"""Login, enrolment, second factor, lockout, session cookie and time-outs."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable

import pyotp
from flask import Flask
from sqlalchemy import select, update

from crypto import locking
from crypto.errors import DecryptionError
from intake.domain.installation import DemoAccount
from intake.domain.models import AuditEvent, LoginThrottle, StaffSession
from intake.platform import db
from tests.console.console import Staff, enrol_quickly, let_a_minute_pass, member, post
from tests.helpers import form_values


def test_first_login_leads_to_enrolment_with_qr_code_and_recovery_key(
    app: Flask, accounts: dict[str, DemoAccount]
) -> None:
    health = Staff(app, accounts["health"])
    page = health.enrol_through_the_pages().get_data(as_text=True)
    recovery_key = page.split('<p class="code"')[1].split(">", 1)[1].split("<")[0].strip()
    row = member(app, health.username)
    assert row.enrolled
    # The new password and the new recovery key both unlock the same private key.
    by_password = locking.unlock_with_passphrase(row.private_key_locked, health.password)
    assert row.private_key_recovery is not None
    assert locking.unlock_with_recovery_key(row.private_key_recovery, recovery_key) == by_password
    # The temporary password no longer opens anything.
    try:
        locking.unlock_with_passphrase(row.private_key_locked, accounts["health"].password)
    except DecryptionError:
        pass
    else:
        raise AssertionError("the temporary password still unlocks the key")


def test_the_enrolment_page_shows_the_secret_as_qr_code_and_text(
    app: Flask, accounts: dict[str, DemoAccount]
) -> None:
    health = Staff(app, accounts["health"])
    post(health.client, "/admin/login", {"username": health.username, "password": health.password})
    page = health.client.get("/admin/enrol").get_data(as_text=True)
    assert '<svg class="qr" role="img"' in page
    secret = page.split('<code class="secret">')[1].split("<")[0]
    assert len(secret) == 32
    # The page is reachable only by this member, and every other console page sends them here.
    response = health.client.get("/admin/queue")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/enrol")


def test_enrolment_refuses_a_wrong_code_and_keeps_what_was_typed(
    app: Flask, accounts: dict[str, DemoAccount]
) -> None:
    health = Staff(app, accounts["health"])
    post(health.client, "/admin/login", {"username": health.username, "password": health.password})
    page = health.client.get("/admin/enrol").get_data(as_text=True)
    response = post(
        health.client,
        "/admin/enrol",
        {"new_password": "a-long-new-password", "confirm": "a-long-new-password", "code": "000000"},
        page="/admin/enrol",
    )
    assert response.status_code == 422
    assert "This code is wrong" in response.get_data(as_text=True) or "验证码" in response.get_data(
        as_text=True
    )
    assert not member(app, health.username).enrolled
    del page


def test_enrolment_refuses_a_short_password(app: Flask, accounts: dict[str, DemoAccount]) -> None:
    health = Staff(app, accounts["health"])
    post(health.client, "/admin/login", {"username": health.username, "password": health.password})
    health.client.get("/admin/enrol")
    response = post(
        health.client,
        "/admin/enrol",
        {"new_password": "short", "confirm": "short", "code": "123456"},
        page="/admin/enrol",
    )
    assert response.status_code == 422
    assert not member(app, health.username).enrolled


def test_login_needs_password_and_code(app: Flask, accounts: dict[str, DemoAccount]) -> None:
    health = Staff(app, accounts["health"])
    health.secret = enrol_quickly(app, health.username)
    no_code = post(
        health.client, "/admin/login", {"username": health.username, "password": health.password}
    )
    assert no_code.status_code == 401
    wrong_password = post(
        health.client,
        "/admin/login",
        {"username": health.username, "password": "wrong-password", "code": health.code()},
    )
    assert wrong_password.status_code == 401
    page = wrong_password.get_data(as_text=True)
    assert f'value="{health.username}"' in page
    assert "wrong-password" not in page
    assert health.login().status_code == 303
    assert health.client.get("/admin/queue").status_code == 200


def test_a_code_cannot_be_used_twice(app: Flask, accounts: dict[str, DemoAccount]) -> None:
    health = Staff(app, accounts["health"])
    health.secret = enrol_quickly(app, health.username)
    code = health.code()
    data = {"username": health.username, "password": health.password, "code": code}
    assert post(health.client, "/admin/login", data).status_code == 303
    other = app.test_client()
    assert post(other, "/admin/login", data).status_code == 401


def test_unknown_username_is_refused_like_a_wrong_password(app: Flask) -> None:
    client = app.test_client()
    response = post(client, "/admin/login", {"username": "nobody", "password": "x" * 20})
    assert response.status_code == 401
    with app.app_context():
        events = db.session().scalars(select(AuditEvent.action)).all()
    assert "login_failed" in events


def test_failures_lock_the_account_from_that_address_only_and_not_for_ever(
    app: Flask, accounts: dict[str, DemoAccount]
) -> None:
    health = Staff(app, accounts["health"])
    health.secret = enrol_quickly(app, health.username)
    attacker = app.test_client()
    for _ in range(5):
        response = post(
            attacker, "/admin/login", {"username": health.username, "password": "guess-guess-guess"}
        )
        assert response.status_code == 401
    # Now even the right password is refused from the attacker's address, with a time given.
    right = {"username": health.username, "password": health.password, "code": health.code()}
    locked = post(attacker, "/admin/login", right)
    assert locked.status_code == 401
    assert "Too many failed attempts" in locked.get_data(
        as_text=True
    ) or "失败次数" in locked.get_data(as_text=True)
    # The member at their own desk (another address) is not locked out.
    desk = app.test_client()
    desk.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    ok = post(desk, "/admin/login", {**right, "code": health.code()})
    assert ok.status_code == 303
    # The delay ends: once it has passed, the right credentials work from anywhere.
    with app.app_context():
        db.session().execute(
            update(LoginThrottle).values(
                locked_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            )
        )
        db.session().commit()
    assert post(attacker, "/admin/login", {**right, "code": health.code()}).status_code == 303


def test_session_cookie_flags(app: Flask, staff: Callable[[str], Staff]) -> None:
    health = Staff(app, staff("health").account)
    health.secret = staff("health").secret
    response = health.login()
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("qf_console="))
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Path=/admin" in cookie


def test_secure_flag_when_configured(make_app: Callable[..., Flask]) -> None:
    app = make_app(session_cookie_secure=True)
    with app.app_context():
        from intake.domain.keys.keyring import create_demo_staff

        settings = app.extensions["qingfeng.settings"]
        create_demo_staff(
            db.session(),
            "secure-user",
            "handler",
            "secure-user-password",
            settings.password_kdf,
            settings.secret_key,
        )
        db.session().commit()
    user = Staff(app, DemoAccount("secure-user", "secure-user-password", None, "", "handler"))
    user.secret = enrol_quickly(app, "secure-user")
    response = user.login()
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("qf_console="))
    assert "Secure" in cookie


def test_idle_and_absolute_time_outs_end_the_session(
    app: Flask, staff: Callable[[str], Staff]
) -> None:
    health = staff("health")
    assert health.client.get("/admin/queue").status_code == 200
    with app.app_context():
        db.session().execute(
            update(StaffSession).values(
                last_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)
            )
        )
        db.session().commit()
    response = health.client.get("/admin/queue")
    assert response.status_code == 303
    assert "/admin/login" in response.headers["Location"]
    with app.app_context():
        assert db.session().scalars(select(StaffSession)).all() == []

    assert health.login().status_code == 303
    with app.app_context():
        db.session().execute(
            update(StaffSession).values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=13))
        )
        db.session().commit()
    assert health.client.get("/admin/queue").status_code == 303


def test_logout_deletes_the_session(app: Flask, staff: Callable[[str], Staff]) -> None:
    health = staff("health")
    response = health.post("/admin/logout", {})
    assert response.status_code == 303
    with app.app_context():
        assert db.session().scalars(select(StaffSession)).all() == []
    assert health.client.get("/admin/queue").status_code == 303


def test_a_stolen_session_row_without_the_cookie_unlocks_nothing(
    app: Flask, staff: Callable[[str], Staff]
) -> None:
    health = staff("health")
    cookie = health.client.get_cookie("qf_console", path="/admin")
    assert cookie is not None
    with app.app_context():
        row = db.session().scalars(select(StaffSession)).one()
        staff_row = member(app, health.username)
        private = locking.unlock_with_passphrase(staff_row.private_key_locked, health.password)
        assert private not in row.sealed_key
    # A forged cookie with the right session id but another key finds no session.
    raw = base64.urlsafe_b64decode(cookie.value)
    forged = base64.urlsafe_b64encode(raw[:32] + bytes(32)).decode("ascii")
    other = app.test_client()
    other.set_cookie("qf_console", forged, path="/admin")
    assert other.get("/admin/queue").status_code == 303


def test_password_change_relocks_the_key_and_ends_other_sessions(
    app: Flask, staff: Callable[[str], Staff]
) -> None:
    health = staff("health")
    second = Staff(app, health.account)
    second.secret, second.password = health.secret, health.password
    assert second.login().status_code == 303
    let_a_minute_pass(app, health.username)
    new = "a-brand-new-password-2026"
    response = health.post(
        "/admin/password",
        {"password": health.password, "code": health.code(), "new_password": new, "confirm": new},
    )
    assert response.status_code == 200
    assert "recovery" in response.get_data(as_text=True).lower() or "恢复" in response.get_data(
        as_text=True
    )
    row = member(app, health.username)
    locking.unlock_with_passphrase(row.private_key_locked, new)
    # The other session ended; this one goes on with a new cookie.
    assert second.client.get("/admin/queue").status_code == 303
    assert health.client.get("/admin/queue").status_code == 200


def test_recovery_key_and_code_set_a_new_password(
    app: Flask, accounts: dict[str, DemoAccount]
) -> None:
    health = Staff(app, accounts["health"])
    page = health.enrol_through_the_pages().get_data(as_text=True)
    recovery_key = page.split('<p class="code"')[1].split(">", 1)[1].split("<")[0].strip()
    client = app.test_client()
    new = "recovered-password-2026"
    wrong = post(
        client,
        "/admin/recover",
        {
            "username": health.username,
            "recovery_key": "0000-0000-0000-0000-0000-0000-0000-0000",
            "code": health.code(),
            "new_password": new,
            "confirm": new,
        },
    )
    assert wrong.status_code == 401
    response = post(
        client,
        "/admin/recover",
        {
            "username": health.username,
            "recovery_key": recovery_key,
            "code": health.code(),
            "new_password": new,
            "confirm": new,
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    row = member(app, health.username)
    locking.unlock_with_passphrase(row.private_key_locked, new)
    assert client.get("/admin/queue").status_code == 200


def test_totp_codes_follow_rfc_6238(app: Flask, accounts: dict[str, DemoAccount]) -> None:
    from admin.auth import totp

    secret = pyotp.random_base32()
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    code = pyotp.TOTP(secret).at(now)
    step = totp.verify(secret, code, None, now)
    assert step is not None
    assert totp.verify(secret, code, step, now) is None
    assert totp.verify(secret, code, None, now + dt.timedelta(minutes=2)) is None
    assert totp.verify(secret, "12345", None, now) is None
    del app, accounts


def test_login_renews_the_session_cookie_that_holds_the_csrf_secret(
    app: Flask, accounts: dict[str, DemoAccount]
) -> None:
    # The attacker opens the login page, keeps its session cookie and CSRF token, and plants
    # the cookie in the member's browser (a shared computer, a sibling subdomain).
    attacker = app.test_client()
    planted_token = form_values(attacker.get("/admin/login").get_data(as_text=True))["csrf_token"]
    planted = attacker.get_cookie("session")
    assert planted is not None
    health = Staff(app, accounts["health"])
    health.secret = enrol_quickly(app, health.username)
    health.client.set_cookie("session", planted.value)
    assert health.login().status_code == 303
    renewed = health.client.get_cookie("session")
    assert renewed is not None
    assert renewed.value != planted.value
    page = health.client.get("/admin/password").get_data(as_text=True)
    assert form_values(page)["csrf_token"] != planted_token

    def forged_logout() -> int:
        return health.client.post("/admin/logout", data={"csrf_token": planted_token}).status_code

    # A form forged with the planted token is refused, and so is the planted cookie itself.
    assert forged_logout() == 400
    health.client.set_cookie("session", planted.value)
    assert forged_logout() == 400
    assert health.client.get("/admin/password").status_code == 200  # still logged in
    assert post(health.client, "/admin/logout", {}, page="/admin/password").status_code == 303

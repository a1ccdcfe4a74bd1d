"""Drive the console as a browser does: log in with a password and a TOTP code, post forms."""

from __future__ import annotations

import datetime as dt

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from admin.auth import totp
from intake.domain.installation import DemoAccount
from intake.domain.models import StaffMember
from intake.platform import db
from tests.helpers import form_values

PASSWORD_SUFFIX = "-enrolled-pass"


def member(app: Flask, username: str) -> StaffMember:
    """A staff row, read in its own app context."""
    with app.app_context():
        return (
            db.session().scalars(select(StaffMember).where(StaffMember.username == username)).one()
        )


def next_code(app: Flask, username: str, secret: str) -> str:
    """A TOTP code the server will accept: the current step, or the next unused one."""
    last = member(app, username).totp_last_step
    current = pyotp.TOTP(secret).timecode(dt.datetime.now(dt.UTC))
    step = current if last is None or last < current else last + 1
    return pyotp.TOTP(secret).generate_otp(step)


def csrf(client: FlaskClient, path: str = "/admin/login") -> str:
    """A CSRF token from a console page (the token lives in the Flask session cookie)."""
    return form_values(client.get(path).get_data(as_text=True))["csrf_token"]


def post(
    client: FlaskClient, path: str, data: dict[str, object], page: str | None = None
) -> TestResponse:
    """POST a form with a fresh CSRF token."""
    token = csrf(client, page or "/admin/login")
    return client.post(path, data={"csrf_token": token, **data})


class Staff:
    """A logged-in demo staff member: their client, password and TOTP secret."""

    def __init__(self, app: Flask, account: DemoAccount) -> None:
        self.app = app
        self.account = account
        self.username = account.username
        self.password = account.password
        self.secret: str | None = None
        self.client = app.test_client()

    def enrol_through_the_pages(self) -> TestResponse:
        """First login with the temporary password, then the enrolment form."""
        response = post(
            self.client,
            "/admin/login",
            {"username": self.username, "password": self.password, "code": ""},
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        assert response.headers["Location"].endswith("/admin/enrol")
        page = self.client.get("/admin/enrol").get_data(as_text=True)
        self.secret = page.split('<code class="secret">')[1].split("<")[0]
        new_password = self.password + PASSWORD_SUFFIX
        response = self.client.post(
            "/admin/enrol",
            data={
                "csrf_token": form_values(page)["csrf_token"],
                "new_password": new_password,
                "confirm": new_password,
                "code": next_code(self.app, self.username, self.secret),
            },
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        self.password = new_password
        return response

    def login(self) -> TestResponse:
        """Log in with password and a fresh code; enrols first if needed."""
        if self.secret is None:
            self.enrol_through_the_pages()
            return self.client.get("/admin/")
        return post(
            self.client,
            "/admin/login",
            {
                "username": self.username,
                "password": self.password,
                "code": next_code(self.app, self.username, self.secret),
            },
        )

    def code(self) -> str:
        """The next usable TOTP code."""
        assert self.secret is not None
        return next_code(self.app, self.username, self.secret)

    def post(self, path: str, data: dict[str, object]) -> TestResponse:
        """POST a console form as this member."""
        return post(self.client, path, data, page="/admin/password")

    def act(
        self, reference: str, action: str, *, confirm: bool = True, **fields: object
    ) -> TestResponse:
        """A case action; form fields are prefixed as the case page prefixes them.

        `confirm` answers the confirmation page of a consequential action at once.
        """
        data = {f"{action}-{k}": v for k, v in fields.items()}
        if confirm:
            data["confirm"] = "yes"
        return self.post(f"/admin/cases/{reference}/{action}", data)


def enrol_quickly(app: Flask, username: str) -> str:
    """Enrol a member straight in the database (the page flow has its own tests)."""
    secret = totp.new_secret()
    with app.app_context():
        session = db.session()
        row = session.scalars(select(StaffMember).where(StaffMember.username == username)).one()
        row.totp_secret_sealed = totp.seal_secret(
            app.extensions["qingfeng.settings"].secret_key, row, secret
        )
        row.enrolled = True
        session.commit()
    return secret


def let_a_minute_pass(app: Flask, username: str) -> None:
    """Forget which TOTP step was used last, as if the next codes had come round.

    A real member gets a new code every 30 s; a test that logs in twice and then re-proves
    its identity would otherwise need codes from the future.
    """
    with app.app_context():
        session = db.session()
        row = session.scalars(select(StaffMember).where(StaffMember.username == username)).one()
        row.totp_last_step = None
        session.commit()


def add_colleague(app: Flask, account: DemoAccount, bureau: str, username: str) -> None:
    """Give `bureau` a second key holder straight in the database (the grant page has its own
    tests), so the first one may be deactivated or reset. The colleague's key is made as the
    demo makes them (under a known password), which only a test may do."""
    from intake.domain.keys.keyring import (
        bureau_private_key,
        create_demo_staff,
        grant_bureau,
        unlock_staff_key,
    )
    from intake.domain.models import Bureau

    with app.app_context():
        session = db.session()
        holder = session.scalars(
            select(StaffMember).where(StaffMember.username == account.username)
        ).one()
        private = bureau_private_key(
            session, holder, unlock_staff_key(holder, account.password), bureau
        )
        settings = app.extensions["qingfeng.settings"]
        colleague, _ = create_demo_staff(
            session,
            username,
            "handler",
            f"{username}-password",
            settings.password_kdf,
            settings.secret_key,
        )
        row = session.scalars(select(Bureau).where(Bureau.code == bureau)).one()
        grant_bureau(session, row, private, colleague, settings.secret_key)
        session.commit()

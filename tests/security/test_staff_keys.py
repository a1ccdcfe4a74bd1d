"""An administrator who saw a temporary password can never hold a bureau key.

The attacker here is an administrator with read access to the database at any time: they
handed over the temporary password (so they know it), and they keep a copy of the database
from before the member enrolled. They try the password on every value of every copy, and
every key that gives them on every bureau key sealed to a member. They must get nothing; the
member's own password, on the same data, must open the bureau key (so the attack would see
it if it were there).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from intake.domain.installation import DemoAccount
from intake.domain.models import StaffMember
from intake.platform import db
from tests.console.console import Staff, add_colleague, csrf, let_a_minute_pass, member
from tests.installation import founder_staff, real_installation
from tests.security.attack import attack, database_values


def created_by_the_administrator(admin: Staff, username: str) -> str:
    """An account made on the Accounts page; its temporary password as the page shows it."""
    page = admin.post("/admin/accounts", {"username": username, "role": "handler"})
    assert page.status_code == 200
    return page.get_data(as_text=True).split('<p class="code">')[1].split("<")[0]


def grant(app: Flask, granter: Staff, bureau: str, newcomer: Staff) -> None:
    """The key ceremony, through the pages: re-authenticate, read the key check, grant."""
    let_a_minute_pass(app, granter.username)
    assert (
        granter.post(
            "/admin/reauth", {"password": granter.password, "code": granter.code()}
        ).status_code
        == 303
    )
    page = newcomer.client.get("/admin/password").get_data(as_text=True)
    key_check = page.split('<code class="keycheck">')[1].split("<")[0]
    staff_id = member(app, newcomer.username).id
    response = granter.post(
        f"/admin/bureaus/{bureau}/grant", {"staff_id": staff_id, "fingerprint": key_check}
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def test_a_temporary_account_holds_no_key(app: Flask, staff: Callable[[str], Staff]) -> None:
    password = created_by_the_administrator(staff("admin"), "newcomer")
    row = member(app, "newcomer")
    assert row.public_key is None
    assert row.private_key_locked is None
    assert row.private_key_recovery is None
    assert row.password_verifier is not None
    assert password.encode() not in row.password_verifier
    # It logs in with the temporary password, and only reaches enrolment.
    newcomer = Staff(app, DemoAccount("newcomer", password, None, "", "handler"))
    login = newcomer.client.post(
        "/admin/login",
        data={
            "csrf_token": csrf(newcomer.client),
            "username": "newcomer",
            "password": password,
        },
    )
    assert login.headers["Location"].endswith("/admin/enrol")
    assert newcomer.client.get("/admin/queue").headers["Location"].endswith("/admin/enrol")


def test_the_temporary_password_and_an_old_copy_open_nothing_after_enrolment_and_a_grant(
    app: Flask, staff: Callable[[str], Staff], submit: Callable[..., tuple[str, str]]
) -> None:
    _code, reference = submit()  # a health case
    temporary = created_by_the_administrator(staff("admin"), "newcomer")
    before_enrolment = database_values(app)
    assert attack(app, [before_enrolment], temporary) == []

    newcomer = Staff(app, DemoAccount("newcomer", temporary, None, "", "handler"))
    newcomer.enrol_through_the_pages()
    grant(app, staff("health"), "health", newcomer)
    assert newcomer.client.get(f"/admin/cases/{reference}").status_code == 200

    now = database_values(app)
    # The copy from before enrolment and today's database, with the temporary password.
    assert attack(app, [before_enrolment, now], temporary) == []
    # The member's own password opens the bureau key: the attack would have seen it.
    assert attack(app, [now], newcomer.password) == ["health"]


def test_a_reset_account_is_keyless_again_and_its_new_temporary_password_opens_nothing(
    app: Flask,
    staff: Callable[[str], Staff],
    accounts: dict[str, DemoAccount],
    submit: Callable[..., tuple[str, str]],
) -> None:
    _code, reference = submit()
    admin = staff("admin")
    temporary = created_by_the_administrator(admin, "newcomer")
    newcomer = Staff(app, DemoAccount("newcomer", temporary, None, "", "handler"))
    newcomer.enrol_through_the_pages()
    grant(app, staff("health"), "health", newcomer)
    # The member lost password and recovery key: an administrator resets the account.
    add_colleague(app, accounts["health"], "health", "health-colleague")
    page = admin.post(f"/admin/accounts/{member(app, 'newcomer').id}/reset-password", {})
    assert page.status_code == 200
    reset_password = page.get_data(as_text=True).split('<p class="code">')[1].split("<")[0]
    row = member(app, "newcomer")
    assert (row.public_key, row.private_key_locked, row.private_key_recovery) == (None, None, None)
    before_enrolment = database_values(app)
    assert attack(app, [before_enrolment], reset_password) == []

    again = Staff(app, DemoAccount("newcomer", reset_password, None, "", "handler"))
    again.enrol_through_the_pages()
    assert again.client.get(f"/admin/cases/{reference}").status_code == 404
    grant(app, staff("health"), "health", again)
    assert again.client.get(f"/admin/cases/{reference}").status_code == 200

    now = database_values(app)
    for password in (temporary, reset_password):
        assert attack(app, [before_enrolment, now], password) == []
    assert attack(app, [now], again.password) == ["health"]


def test_a_founder_s_temporary_password_never_opens_the_bureau_key(tmp_path: Path) -> None:
    with real_installation(tmp_path) as (app, founders, _admin_password):
        health = founders["health"]
        with app.app_context():
            assert all(
                m.public_key is None for m in db.session().scalars(select(StaffMember)).all()
            )
        before_enrolment = database_values(app)
        assert attack(app, [before_enrolment], health.password) == []

        founder = founder_staff(app, health)
        page = founder.enrol_through_the_pages().get_data(as_text=True)
        assert "县卫生健康局" in page  # "you are the first member of …"
        now = database_values(app)
        assert attack(app, [before_enrolment, now], health.password) == []
        assert attack(app, [now], founder.password) == ["health"]

"""Accounts, the bureau key ceremony, hotline tokens, and the staff commands."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select, update

import admin.cli
from admin.cli import main
from intake.domain.installation import DemoAccount
from intake.domain.models import BureauMembership, HotlineToken, StaffMember, StaffSession
from intake.platform import db
from tests.console.console import Staff, add_colleague, let_a_minute_pass, member, post

Login = Callable[[str], Staff]


def test_an_administrator_creates_an_account_that_must_enrol(app: Flask, staff: Login) -> None:
    admin_member = staff("admin")
    response = admin_member.post("/admin/accounts", {"username": "new-handler", "role": "handler"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    password = page.split('<p class="code">')[1].split("<")[0]
    newcomer = Staff(app, DemoAccount("new-handler", password, None, "", "handler"))
    newcomer.enrol_through_the_pages()
    # Enrolled, but no bureau key yet: an empty queue and no case.
    queue = newcomer.client.get("/admin/queue").get_data(as_text=True)
    assert "not a member of any bureau" in queue or "尚未" in queue


def test_a_taken_username_is_refused_and_the_form_kept(app: Flask, staff: Login) -> None:
    response = staff("admin").post(
        "/admin/accounts", {"username": "demo-health", "role": "handler"}
    )
    assert response.status_code == 422
    assert 'value="demo-health"' in response.get_data(as_text=True)


def test_a_member_grants_the_bureau_key_after_proving_it_again(
    app: Flask, staff: Login, submit: Callable[..., tuple[str, str]]
) -> None:
    _code, ref = submit()
    admin_member, health = staff("admin"), staff("health")
    page = admin_member.post("/admin/accounts", {"username": "newcomer", "role": "handler"})
    password = page.get_data(as_text=True).split('<p class="code">')[1].split("<")[0]
    newcomer = Staff(app, DemoAccount("newcomer", password, None, "", "handler"))
    newcomer.enrol_through_the_pages()
    assert newcomer.client.get(f"/admin/cases/{ref}").status_code == 404

    with app.app_context():
        newcomer_id = (
            db.session()
            .scalars(select(StaffMember.id).where(StaffMember.username == "newcomer"))
            .one()
        )
    # Logged in a while ago: the ceremony asks for the password and a fresh code first.
    with app.app_context():
        db.session().execute(
            update(StaffSession).values(
                authenticated_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
            )
        )
        db.session().commit()
    first = health.post(
        "/admin/bureaus/health/grant", {"staff_id": newcomer_id, "fingerprint": "x"}
    )
    assert first.status_code == 303
    assert "/admin/reauth" in first.headers["Location"]
    assert newcomer.client.get(f"/admin/cases/{ref}").status_code == 404
    let_a_minute_pass(app, health.username)
    reauth = health.post("/admin/reauth", {"password": health.password, "code": health.code()})
    assert reauth.status_code == 303
    # The key check must be the newcomer's own, read from their screen.
    wrong = health.post(
        "/admin/bureaus/health/grant", {"staff_id": newcomer_id, "fingerprint": "0000 0000"}
    )
    assert wrong.status_code == 422
    assert newcomer.client.get(f"/admin/cases/{ref}").status_code == 404
    page = newcomer.client.get("/admin/password").get_data(as_text=True)
    key_check = page.split('<code class="keycheck">')[1].split("<")[0]
    granted = health.post(
        "/admin/bureaus/health/grant",
        {"staff_id": newcomer_id, "fingerprint": key_check.lower().replace(" ", "")},
    )
    assert granted.status_code == 303
    assert newcomer.client.get(f"/admin/cases/{ref}").status_code == 200


def test_an_administrator_can_never_be_given_a_bureau_key(app: Flask, staff: Login) -> None:
    health = staff("health")
    with app.app_context():
        admin_id = (
            db.session()
            .scalars(select(StaffMember.id).where(StaffMember.username == "demo-admin"))
            .one()
        )
    let_a_minute_pass(app, health.username)
    health.post("/admin/reauth", {"password": health.password, "code": health.code()})
    response = health.post("/admin/bureaus/health/grant", {"staff_id": admin_id})
    assert response.status_code == 422
    with app.app_context():
        assert db.session().get(BureauMembership, {"staff_id": admin_id, "bureau_id": 1}) is None
        memberships = (
            db.session()
            .scalars(select(BureauMembership).where(BureauMembership.staff_id == admin_id))
            .all()
        )
    assert memberships == []


def test_deactivation_ends_sessions_and_logins(
    app: Flask, staff: Login, accounts: dict[str, DemoAccount]
) -> None:
    health = staff("health")
    refused = staff("admin").post(f"/admin/accounts/{member_id(app, health)}/deactivate", {})
    assert "last active member" in refused.get_data(as_text=True) or "最后" in refused.get_data(
        as_text=True
    )
    assert health.client.get("/admin/queue").status_code == 200
    add_colleague(app, accounts["health"], "health", "health-colleague")
    with app.app_context():
        health_id = (
            db.session()
            .scalars(select(StaffMember.id).where(StaffMember.username == health.username))
            .one()
        )
    response = staff("admin").post(f"/admin/accounts/{health_id}/deactivate", {})
    assert response.status_code == 303
    assert health.client.get("/admin/queue").status_code == 303
    let_a_minute_pass(app, health.username)
    assert health.login().status_code == 401


def test_resetting_the_second_factor_sends_the_member_to_enrol_again(
    app: Flask, staff: Login
) -> None:
    health = staff("health")
    with app.app_context():
        health_id = (
            db.session()
            .scalars(select(StaffMember.id).where(StaffMember.username == health.username))
            .one()
        )
    staff("admin").post(f"/admin/accounts/{health_id}/reset-2fa", {})
    response = post(
        health.client, "/admin/login", {"username": health.username, "password": health.password}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/enrol")


def test_hotline_tokens_are_shown_once_and_can_be_revoked(app: Flask, staff: Login) -> None:
    admin_member = staff("admin")
    page = admin_member.post("/admin/tokens", {"name": "county-12345"}).get_data(as_text=True)
    token = page.split('<p class="code">')[1].split("<")[0]
    assert len(token) > 20
    assert token not in admin_member.client.get("/admin/tokens").get_data(as_text=True)
    with app.app_context():
        row = (
            db.session()
            .scalars(select(HotlineToken).where(HotlineToken.name == "county-12345"))
            .one()
        )
    assert admin_member.post(f"/admin/tokens/{row.id}/revoke", {}).status_code == 303
    with app.app_context():
        assert db.session().get(HotlineToken, row.id).revoked_on is not None


@pytest.fixture
def cli(app: Flask, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(admin.cli, "create_app", lambda: app)
    return CliRunner()


def member_id(app: Flask, member: Staff) -> int:
    with app.app_context():
        return (
            db.session()
            .scalars(select(StaffMember.id).where(StaffMember.username == member.username))
            .one()
        )


def test_staff_commands_create_reset_and_deactivate(app: Flask, cli: CliRunner) -> None:
    created = cli.invoke(main, ["staff", "create-admin", "first-admin"])
    assert created.exit_code == 0, created.output
    assert "Temporary password" in created.output
    again = cli.invoke(main, ["staff", "create", "first-admin", "--role", "handler"])
    assert again.exit_code == 1
    assert "taken" in again.output
    handler = cli.invoke(main, ["staff", "create", "desk-7", "--role", "intake"])
    assert handler.exit_code == 0, handler.output
    assert cli.invoke(main, ["staff", "reset-2fa", "desk-7"]).exit_code == 0
    assert cli.invoke(main, ["staff", "deactivate", "desk-7"]).exit_code == 0
    assert cli.invoke(main, ["staff", "deactivate", "desk-7"]).exit_code == 1
    with app.app_context():
        rows = {m.username: (m.role, m.active) for m in db.session().scalars(select(StaffMember))}
    assert rows["first-admin"] == ("admin", True)
    assert rows["desk-7"] == ("intake", False)


#: The line `staff create-admin`, `staff create` and `staff reset-password` print the secret on.
PRINTED_PASSWORD = re.compile(r"shown only now: (\S+)$", re.MULTILINE)


@pytest.mark.parametrize(
    ("command", "role"),
    [
        (["staff", "create-admin", "printed-1"], "admin"),
        (["staff", "create", "printed-1", "--role", "intake"], "intake"),
        (["staff", "create", "printed-1", "--role", "handler"], "handler"),
        (["staff", "create", "printed-1", "--role", "supervisor"], "supervisor"),
    ],
)
def test_an_account_a_command_creates_logs_in_with_exactly_the_printed_password(
    app: Flask, cli: CliRunner, command: list[str], role: str
) -> None:
    result = cli.invoke(main, command)
    assert result.exit_code == 0, result.output
    printed = PRINTED_PASSWORD.findall(result.output)
    assert len(printed) == 1, result.output
    newcomer = Staff(app, DemoAccount("printed-1", printed[0], None, "", role))
    newcomer.enrol_through_the_pages()  # fails unless the printed password logs in
    assert newcomer.client.get("/admin/password").status_code == 200
    assert member(app, "printed-1").role == role


def test_a_member_who_lost_everything_gets_new_keys_and_must_be_granted_again(
    app: Flask,
    staff: Login,
    submit: Callable[..., tuple[str, str]],
    accounts: dict[str, DemoAccount],
) -> None:
    _code, ref = submit()
    health = staff("health")
    add_colleague(app, accounts["health"], "health", "health-colleague")
    with app.app_context():
        health_id = (
            db.session()
            .scalars(select(StaffMember.id).where(StaffMember.username == health.username))
            .one()
        )
    page = staff("admin").post(f"/admin/accounts/{health_id}/reset-password", {})
    assert page.status_code == 200
    password = page.get_data(as_text=True).split('<p class="code">')[1].split("<")[0]
    with app.app_context():
        memberships = (
            db.session()
            .scalars(select(BureauMembership).where(BureauMembership.staff_id == health_id))
            .all()
        )
    assert memberships == []
    again = Staff(app, DemoAccount(health.username, password, "health", "", "handler"))
    again.enrol_through_the_pages()
    assert again.client.get(f"/admin/cases/{ref}").status_code == 404


def test_reset_password_command(
    app: Flask, cli: CliRunner, accounts: dict[str, DemoAccount]
) -> None:
    last = cli.invoke(main, ["staff", "reset-password", "demo-health"])
    assert last.exit_code == 1
    assert "last active holder" in last.output
    add_colleague(app, accounts["health"], "health", "health-colleague")
    result = cli.invoke(main, ["staff", "reset-password", "demo-health"])
    assert result.exit_code == 0, result.output
    assert "a colleague in each" in result.output
    with app.app_context():
        row = (
            db.session()
            .scalars(select(StaffMember).where(StaffMember.username == "demo-health"))
            .one()
        )
        assert not row.enrolled
        assert row.memberships == []
    # The password printed is the one that now opens the account: log in with it.
    (printed,) = PRINTED_PASSWORD.findall(result.output)
    again = Staff(app, DemoAccount("demo-health", printed, "health", "", "handler"))
    again.enrol_through_the_pages()  # fails unless the printed password logs in
    assert again.client.get("/admin/password").status_code == 200

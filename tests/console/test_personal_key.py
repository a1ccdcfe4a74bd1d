"""A member rotates their own key pair on the Password page: every bureau key they hold is
sealed again to the new key, and the old key (or an old copy of its lock) opens nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from crypto import locking
from crypto.errors import DecryptionError
from intake.domain.installation import DemoAccount
from tests.console.console import Staff, let_a_minute_pass, member
from tests.security.attack import attack, database_values


def key_check(user: Staff) -> str:
    page = user.client.get("/admin/password").get_data(as_text=True)
    return page.split('<code class="keycheck">')[1].split("<")[0]


def test_a_new_personal_key_reseals_the_bureau_keys_and_the_old_one_opens_nothing(
    app: Flask,
    staff: Callable[[str], Staff],
    accounts: dict[str, DemoAccount],
    submit: Callable[..., tuple[str, str]],
) -> None:
    _code, reference = submit()
    health = staff("health")
    other_session = Staff(app, health.account)
    other_session.secret, other_session.password = health.secret, health.password
    let_a_minute_pass(app, health.username)
    assert other_session.login().status_code == 303
    before = database_values(app)
    old_check = key_check(health)
    assert attack(app, [before], health.password) == ["health"]

    let_a_minute_pass(app, health.username)
    response = health.post(
        "/admin/password/key", {"rotate-password": health.password, "rotate-code": health.code()}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    recovery_key = page.split('<p class="code"')[1].split(">", 1)[1].split("<")[0].strip()
    new_check = key_check(health)
    assert new_check != old_check
    assert new_check in page
    assert old_check in page

    # Still a member: the case opens with the new key, in this session only.
    assert health.client.get(f"/admin/cases/{reference}").status_code == 200
    assert other_session.client.get("/admin/queue").status_code == 303
    # An old copy of the lock, with the password, opens no bureau key any more; today's does.
    now = database_values(app)
    assert attack(app, [before], health.password) == []
    assert attack(app, [now], health.password) == ["health"]
    # The recovery key printed at the start (demo) is dead; the new one opens the new key.
    row = member(app, health.username)
    assert row.private_key_recovery is not None
    with pytest.raises(DecryptionError):
        locking.unlock_with_recovery_key(row.private_key_recovery, accounts["health"].recovery_key)
    assert locking.unlock_with_recovery_key(
        row.private_key_recovery, recovery_key
    ) == locking.unlock_with_passphrase(row.private_key_locked or b"", health.password)


def test_a_wrong_password_rotates_nothing(app: Flask, staff: Callable[[str], Staff]) -> None:
    health = staff("health")
    before = member(app, health.username).public_key
    response = health.post(
        "/admin/password/key", {"rotate-password": "not-my-password", "rotate-code": health.code()}
    )
    assert response.status_code == 401
    assert member(app, health.username).public_key == before
    assert health.client.get("/admin/queue").status_code == 200

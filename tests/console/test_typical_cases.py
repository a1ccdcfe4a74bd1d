"""典型案例 (docs/rules.md §7): a bureau writes a sanitised summary of a concluded case, a
supervisor approves it, and only then does the public page list it."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.console.console import Staff, csrf
from tests.helpers import form_values

Login = Callable[[str], Staff]
Submit = Callable[..., tuple[str, str]]
TITLE = "某县医院违规收费被查处(虚构)"


def test_a_typical_case_is_public_only_once_approved(
    app: Flask, client: FlaskClient, staff: Login, submit: Submit
) -> None:
    _c, ref = submit()
    health, supervisor = staff("health"), staff("supervisor")
    health.act(ref, "accept")
    assert health.act(ref, "typical", title=TITLE, summary="x").status_code == 409  # open case
    health.act(ref, "conclude", outcome="结论(虚构)", finding="substantiated", disposal="handled")
    response = health.act(
        ref, "typical", title=TITLE, summary="经查,该院存在重复收费问题,已责令整改并罚款。(虚构)"
    )
    assert response.status_code == 303
    assert TITLE not in client.get("/typical-cases").get_data(as_text=True)

    page = supervisor.client.get("/admin/typical").get_data(as_text=True)
    assert TITLE in page
    action = page[page.index("/admin/typical/") :].split('"')[0]
    token = form_values(page)["csrf_token"]
    # A bureau member cannot publish it.
    own = csrf(health.client, "/admin/password")
    assert health.post(action, {"csrf_token": own}).status_code in (403, 404)
    assert TITLE not in client.get("/typical-cases").get_data(as_text=True)
    assert supervisor.post(action, {"csrf_token": token}).status_code == 303
    assert TITLE in client.get("/typical-cases").get_data(as_text=True)

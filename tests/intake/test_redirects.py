"""`?next=` never leads off the site."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from intake.platform.redirects import local_path


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/%09/evil.example".replace("%09", "\t"),
        "/\n/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "",
        None,
        "/" + "a" * 2001,
    ],
)
def test_anything_that_could_leave_the_site_is_refused(target: str | None) -> None:
    assert local_path(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/", "/report", "/admin/queue?view=overdue&page=2"])
def test_plain_paths_are_kept(target: str) -> None:
    assert local_path(target, "/home") == target


def test_the_language_switch_and_login_refuse_a_tab_trick(client: FlaskClient) -> None:
    response = client.get("/lang/en?next=/%09/evil.example")
    assert response.headers["Location"] == "/"

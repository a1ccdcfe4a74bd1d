"""X-Forwarded-* headers count only when a trusted proxy is configured."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from tests.helpers import check_status

FORWARDED = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(status_rate_limit="1 per minute")
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/", headers=FORWARDED).headers
    assert check_status(client, "1234").status_code == 422
    # A forged X-Forwarded-For does not buy a fresh limit.
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.99"
    assert check_status(client, "1234").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_and_scheme_count(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(status_rate_limit="1 per minute", trusted_proxies=1)
    client = app.test_client()
    assert "Strict-Transport-Security" in client.get("/", headers=FORWARDED).headers
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    assert check_status(client, "1234").status_code == 422
    assert check_status(client, "1234").status_code == 429
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.8"
    assert check_status(client, "1234").status_code == 422

"""Security headers and caching, asserted on real responses (docs/design.md, Habits 8)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

PAGES = ["/", "/report", "/status", "/receipt", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_over_tls(client: FlaskClient) -> None:
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_another_origin(client: FlaskClient, path: str) -> None:
    import re

    page = client.get(path).get_data(as_text=True)
    for url in re.findall(r'(?:src|href|action)="([^"]+)"', page):
        assert not re.match(r"^(https?:)?//", url), url
    # One script, self-hosted and optional (the live character count): nothing inline.
    scripts = re.findall(r"<script[^>]*>", page)
    assert set(scripts) <= {'<script src="/static/counter.js" defer>'}, scripts
    assert "<script>" not in page
    assert "style=" not in page


def test_the_stylesheet_is_served_and_cacheable(client: FlaskClient) -> None:
    response = client.get("/static/qingfeng.css")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")

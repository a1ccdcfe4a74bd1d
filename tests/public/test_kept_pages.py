"""Empty form pages are kept per language: the page rendering gives, with new tokens each time."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from intake.public import kept_pages
from tests.helpers import VALID_REPORT, check_status, form_values, post_report, receipt_of

TOKENS = re.compile(r'(name="(?:csrf_token|form_token)" type="hidden" value=")[^"]*')


def _without_tokens(page: str) -> str:
    return TOKENS.sub(r"\1", page)


def _rendered_afresh(app: Flask, client: FlaskClient, path: str) -> str:
    app.extensions.pop(kept_pages.EXTENSION, None)
    return client.get(path).get_data(as_text=True)


def test_the_kept_report_page_is_the_rendered_page_with_new_tokens(
    app: Flask, client: FlaskClient
) -> None:
    rendered = _rendered_afresh(app, client, "/report")
    first = form_values(rendered)
    kept = client.get("/report").get_data(as_text=True)
    again = form_values(kept)
    assert _without_tokens(kept) == _without_tokens(rendered)
    assert again["form_token"]
    assert again["form_token"] != first["form_token"]
    assert again["csrf_token"]
    # The kept page's tokens are this browser's own: the report is taken with them.
    tokens = {"csrf_token": again["csrf_token"], "form_token": again["form_token"]}
    response = client.post("/report", data={**VALID_REPORT, **tokens})
    assert response.status_code == 200
    assert len(receipt_of(response)) == 20


def test_each_language_keeps_its_own_page(app: Flask, client: FlaskClient) -> None:
    zh = _rendered_afresh(app, client, "/report")
    en = client.get("/report?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in en
    assert "What happened?" in en
    assert client.get("/report", headers={"Cookie": "lang=zh_CN"}).status_code == 200
    zh_again = client.get("/report?lang=zh_CN").get_data(as_text=True)
    assert _without_tokens(zh_again) == _without_tokens(zh)
    assert '<html lang="zh-CN">' in zh_again


def test_the_kept_status_page_takes_a_code(app: Flask, client: FlaskClient) -> None:
    rendered = _rendered_afresh(app, client, "/status")
    kept = client.get("/status").get_data(as_text=True)
    assert _without_tokens(kept) == _without_tokens(rendered)
    token = form_values(kept)["csrf_token"]
    answer = client.post("/status", data={"csrf_token": token, "code": "1234 5678 9012 3456 7890"})
    assert answer.status_code in (404, 422)  # checked, not refused as a forged form (400)


def test_a_page_is_cut_only_where_each_token_stands_once() -> None:
    page = '<p>a</p><input value="T1"><input value="T2"><p>b</p>'
    cut = kept_pages.cut(page, ["T2", "T1"])
    assert cut is not None
    assert cut.fill(["T2", "T1"]) == page
    assert cut.fill(["y", "x"]) == '<p>a</p><input value="x"><input value="y"><p>b</p>'
    assert kept_pages.cut(page + "T1", ["T1", "T2"]) is None  # twice: never kept
    assert kept_pages.cut(page, ["T3"]) is None  # absent
    assert kept_pages.cut('<input value="a&amp;b">', ["a&b"]) is None  # needs escaping


def test_a_kept_receipt_page_shows_each_report_its_own_code(
    app: Flask, client: FlaskClient
) -> None:
    app.extensions.pop(kept_pages.EXTENSION, None)
    first, second = post_report(client), post_report(client)
    codes = [receipt_of(first), receipt_of(second)]
    assert codes[0] != codes[1]
    pages = [r.get_data(as_text=True) for r in (first, second)]
    spaced = [" ".join(c[i : i + 4] for i in range(0, 20, 4)) for c in codes]
    assert pages[1] == pages[0].replace(spaced[0], spaced[1])
    assert spaced[0] not in pages[1]
    for code in codes:
        assert check_status(client, code).status_code == 200

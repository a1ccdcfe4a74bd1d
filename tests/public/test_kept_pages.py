"""Empty form pages are kept per language: the page rendering gives, with new tokens each time."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from intake.public import kept_pages
from tests.helpers import VALID_REPORT, form_values, receipt_of

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

"""The status page: finding a report by its receipt code, and telling typos from unknown codes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from crypto.receipts import damm_check_digit, format_receipt
from tests.helpers import check_status, post_report, receipt_of


def test_spaces_dashes_and_full_width_digits_are_accepted(client: FlaskClient) -> None:
    code = receipt_of(post_report(client))
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    for typed in (
        format_receipt(code),
        "-".join(code[i : i + 4] for i in range(0, 20, 4)),
        full_width,
    ):
        assert check_status(client, typed).status_code == 200, typed


def test_status_shows_state_bureau_dates_in_the_chosen_language(client: FlaskClient) -> None:
    code = receipt_of(post_report(client, category="insurance_fraud"))
    client.get("/lang/en")
    page = check_status(client, code).get_data(as_text=True)
    assert "received, awaiting a decision" in page
    assert "County Healthcare Security Bureau" in page or "Healthcare Security" in page
    assert "Next time limit" in page


def test_a_mistyped_code_is_told_apart_from_an_unknown_one(client: FlaskClient) -> None:
    code = receipt_of(post_report(client))
    wrong_digit = code[:5] + str((int(code[5]) + 1) % 10) + code[6:]
    mistyped = check_status(client, wrong_digit)
    assert mistyped.status_code == 422
    assert "可能输错了" in mistyped.get_data(as_text=True)
    # The sixth digit was changed: the message must not point at the last one.
    assert "某一位有误" in mistyped.get_data(as_text=True)
    assert "最后一位" not in mistyped.get_data(as_text=True)

    body = "1234567890123456789"
    unknown = check_status(client, body + damm_check_digit(body))
    assert unknown.status_code == 404
    assert "没有与此查询码对应的举报" in unknown.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["", "123", "abcd efgh", "1" * 21, "x" * 64])
def test_malformed_codes_get_a_clear_message(client: FlaskClient, typed: str) -> None:
    response = check_status(client, typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "查询码" in page
    assert 'role="alert"' in page


def test_an_overlong_code_field_is_refused(client: FlaskClient) -> None:
    response = check_status(client, "1" * 65)
    assert response.status_code == 422
    assert "最多 64 个字" in response.get_data(as_text=True)


def test_status_checks_are_rate_limited(make_app: Callable[..., Flask]) -> None:
    app = make_app(status_rate_limit="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert check_status(client, "1234").status_code == 422
    limited = check_status(client, "1234")
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
    assert "请等几分钟后重新提交" in limited.get_data(as_text=True)


def test_the_limit_is_per_client(make_app: Callable[..., Flask]) -> None:
    app = make_app(status_rate_limit="1 per minute")
    one = app.test_client()
    two = app.test_client()
    assert check_status(one, "1234").status_code == 422
    two.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    assert check_status(two, "1234").status_code == 422
    assert check_status(one, "1234").status_code == 429


def test_the_status_page_reads_as_one_report_with_its_files(client: FlaskClient) -> None:
    page = check_status(client, receipt_of(post_report(client))).get_data(as_text=True)
    # One heading for the files, and leaving the page does not read as withdrawing the report.
    assert page.count(">您的附件<") == 1
    assert "补充文件" in page
    assert '<label for="attachments">附件' not in page
    assert "关闭此举报" not in page
    assert "退出查询" in page

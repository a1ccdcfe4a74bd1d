"""The report form: happy path, the receipt, and every kind of bad input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crypto.receipts import damm_is_valid
from intake.domain.cases.content import LIMITS
from intake.domain.models import Report
from intake.platform import db
from tests.helpers import (
    VALID_REPORT,
    check_status,
    form_values,
    hidden_tokens,
    post_report,
    receipt_of,
)


def count_reports(app: Flask) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Report))


def test_form_is_chinese_by_default_and_english_on_request(client: FlaskClient) -> None:
    zh = client.get("/report").get_data(as_text=True)
    assert '<html lang="zh-CN">' in zh
    assert "发生了什么" in zh
    en = client.get("/report?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in en
    assert "What happened?" in en


def test_language_switch_sets_a_cookie_and_returns_to_the_page(client: FlaskClient) -> None:
    response = client.get("/lang/en?next=/report")
    assert response.status_code == 303
    assert response.headers["Location"] == "/report"
    assert "What happened?" in client.get("/report").get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_language_switch_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    response = client.get("/lang/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_a_valid_report_shows_a_receipt_once(client: FlaskClient, app: Flask) -> None:
    response = post_report(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    code = receipt_of(response)
    assert len(code) == 20
    assert damm_is_valid(code)
    assert count_reports(app) == 1
    page = response.get_data(as_text=True)
    assert "只显示这一次" in page
    # The receipt's page says where the case went.
    assert "县卫生健康局" in page
    # /receipt never shows a code again.
    again = client.get("/receipt").get_data(as_text=True)
    assert code[:4] not in again.replace("20 ", "")


def test_the_receipt_opens_the_report_as_written(client: FlaskClient) -> None:
    code = receipt_of(post_report(client))
    page = check_status(client, code).get_data(as_text=True)
    for value in (
        "某医院心内科主任收取支架供应商回扣(测试数据,虚构)",
        "某县人民医院(虚构)",
        "约3万元",
    ):
        assert value in page
    assert "已提交，待受理" in page


def test_routing_is_recorded_with_the_taxonomy_version(client: FlaskClient, app: Flask) -> None:
    post_report(client, category="insurance_fraud", official_involved="yes")
    with app.app_context():
        report = db.session().scalars(select(Report)).one()
        assert report.lead_bureau.code == "healthcare_security"
        assert report.routing["lead"] == "healthcare_security"
        assert "discipline" in report.routing["co"]
        assert report.routing["taxonomy_version"] == app.extensions["qingfeng.taxonomy"].version
        assert report.routing["rule"].endswith("+official_involved")
        assert report.channel == "web"
        holders = {w.holder for w in report.key_wraps}
        assert holders == {
            "reporter",
            "reporter-key",
            "bureau:healthcare_security",
            "bureau:intake",
        }


def test_other_goes_to_the_intake_desk(client: FlaskClient, app: Flask) -> None:
    post_report(client, category="other")
    with app.app_context():
        assert db.session().scalars(select(Report)).one().lead_bureau.code == "intake"


def test_real_name_contact_is_kept_and_shown_to_the_reporter(client: FlaskClient) -> None:
    response = post_report(client, real_name="y", name="张三(虚构)", phone="138 0000 0000")
    page = check_status(client, receipt_of(response)).get_data(as_text=True)
    assert "张三(虚构)" in page
    assert "138 0000 0000" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"real_name": "y", "name": "", "phone": "13800000000"}, "实名举报需要填写姓名"),
        ({"real_name": "y", "name": "李四", "phone": ""}, "实名举报需要填写电话号码"),
        ({"real_name": "y", "name": "李四", "phone": "call me"}, "只能使用数字"),
    ],
)
def test_real_name_needs_name_and_phone(client: FlaskClient, fields: dict, message: str) -> None:
    response = post_report(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def assert_kept(response, fields: dict[str, str]) -> None:
    """Everything typed comes back in the form."""
    values = form_values(response.get_data(as_text=True))
    for name, value in fields.items():
        if name in ("category", "official_involved", "csrf_token"):
            continue
        assert values.get(name) == value, name


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"what_happened": ""}, "此项必填"),
        ({"what_happened": "   \n\t  "}, "此项必填"),
        ({"category": ""}, "请选择举报的类别"),
        ({"category": "no_such_category"}, "请从列出的类别中选择一个"),
        ({"official_involved": "maybe"}, "请选择一个选项"),
    ],
)
def test_bad_input_is_refused_with_the_form_kept(
    client: FlaskClient, app: Flask, fields: dict, message: str
) -> None:
    response = post_report(client, **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'role="alert"' in page
    assert count_reports(app) == 0
    kept = {**VALID_REPORT, **fields}
    kept.pop("what_happened") if not kept["what_happened"].strip() else None
    assert_kept(response, kept)


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_every_field_accepts_its_limit_and_refuses_one_more(
    client: FlaskClient, app: Flask, name: str
) -> None:
    filler = "9" if name == "phone" else "测"
    extra = {"real_name": "y", "name": "王五", "phone": "13800000000"}
    at_limit = post_report(client, **{**extra, name: filler * LIMITS[name]})
    assert at_limit.status_code == 200, name
    over = post_report(client, **{**extra, name: filler * (LIMITS[name] + 1)})
    assert over.status_code == 422
    assert f"最多 {LIMITS[name]} 个字" in over.get_data(as_text=True)
    assert form_values(over.get_data(as_text=True))[name] == filler * (LIMITS[name] + 1)
    assert count_reports(app) == 1


def test_a_pasted_text_over_the_limit_is_refused_whole_with_its_count(
    client: FlaskClient, app: Flask
) -> None:
    form = client.get("/report").get_data(as_text=True)
    # No maxlength anywhere: a browser would cut a pasted text at it without a word.
    assert "maxlength" not in form
    # Without JavaScript nothing counts while typing: the page states the limit only.
    assert "最多 20,000 字" in form
    pasted = "测" * 30_000
    over = post_report(client, what_happened=pasted)
    assert over.status_code == 422
    page = over.get_data(as_text=True)
    assert form_values(page)["what_happened"] == pasted
    assert "最多 20000 个字" in page
    assert "30000" in page
    assert "已输入 30,000 字，上限 20,000 字：超出 10,000 字" in page
    assert count_reports(app) == 0


def test_markup_is_stored_as_text_and_shown_escaped(client: FlaskClient) -> None:
    attack = '<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"'
    code = receipt_of(post_report(client, what_happened=attack, institution=attack))
    page = check_status(client, code).get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page


def test_line_breaks_survive_and_control_and_bidi_characters_are_removed(
    client: FlaskClient,
) -> None:
    text = "第一行\r\n第二行\x00\x07\u202e倒置\u2066隔离\u2069"
    code = receipt_of(post_report(client, what_happened=text))
    page = check_status(client, code).get_data(as_text=True)
    assert "第一行<br>\n第二行倒置隔离" in page
    for removed in ("\x00", "\x07", "\u202e", "\u2066"):
        assert removed not in page


def test_invalid_utf8_is_refused_with_a_message(client: FlaskClient, app: Flask) -> None:
    tokens = hidden_tokens(client, "/report")
    body = (
        f"csrf_token={tokens['csrf_token']}&form_token={tokens['form_token']}"
        "&category=kickbacks&official_involved=no&what_happened=%E6%B5%8B%FF%FE"
    )
    response = client.post("/report", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "无法识别" in page
    assert form_values(page)["what_happened"].startswith("测")
    assert count_reports(app) == 0


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_missing_or_wrong_csrf_token_keeps_the_text(
    client: FlaskClient, app: Flask, token: str | None
) -> None:
    client.get("/report")
    data = {**VALID_REPORT, "what_happened": "保留我写的内容"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/report", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "表单已过期" in page
    assert form_values(page)["what_happened"] == "保留我写的内容"
    assert count_reports(app) == 0
    # The page carries a fresh token, so sending it again works.
    values = form_values(page)
    retry = client.post("/report", data={**data, **values})
    assert retry.status_code == 200


def test_an_expired_csrf_token_keeps_the_text(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    app = make_app(csrf_time_limit_seconds=60)
    client = app.test_client()
    tokens = hidden_tokens(client, "/report")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 3600)
    response = client.post("/report", data={**VALID_REPORT, **tokens})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert (
        form_values(response.get_data(as_text=True))["what_happened"]
        == VALID_REPORT["what_happened"]
    )


def test_a_body_over_the_limit_gets_a_clear_413(client: FlaskClient, app: Flask) -> None:
    tokens = hidden_tokens(client, "/report")
    huge = "x" * (app.extensions["qingfeng.settings"].max_body_bytes + 1)
    response = client.post("/report", data={**VALID_REPORT, **tokens, "what_happened": huge})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "内容超过了可接收的长度" in page
    assert "Traceback" not in page
    assert count_reports(app) == 0


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_a_wrong_method_gets_405_with_allow(client: FlaskClient, method: str) -> None:
    response = getattr(client, method)("/report")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert "此网址不接受这种请求" in response.get_data(as_text=True)


def test_sending_the_same_form_twice_makes_one_report(client: FlaskClient, app: Flask) -> None:
    tokens = hidden_tokens(client, "/report")
    first = client.post("/report", data={**VALID_REPORT, **tokens})
    assert first.status_code == 200
    second = client.post("/report", data={**VALID_REPORT, **tokens})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "此表单已经提交过" in page
    assert form_values(page)["what_happened"] == VALID_REPORT["what_happened"]
    assert form_values(page)["form_token"] != tokens["form_token"]
    assert count_reports(app) == 1


def test_back_then_send_again_is_recognised_and_a_new_report_needs_a_yes(
    client: FlaskClient, app: Flask
) -> None:
    first = post_report(client, another=None)
    assert first.status_code == 200
    # Back: the browser fetches a fresh form (a new one-time token) and restores the words.
    again = post_report(client, another=None)
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert "此表单已经提交过" in page
    assert form_values(page)["what_happened"] == VALID_REPORT["what_happened"]
    assert "作为新举报再次提交" in page
    assert count_reports(app) == 1
    # Different words from the same browser are a new report without a question.
    assert post_report(client, another=None, what_happened="另一件事(虚构)").status_code == 200
    # The reporter says it is a new report: it is stored, and Back after it is caught again.
    kept = {**VALID_REPORT, **form_values(page), "another": "new-report"}
    second = client.post("/report", data=kept)
    assert second.status_code == 200
    assert receipt_of(second) != receipt_of(first)
    assert post_report(client, another=None).status_code == 409
    assert count_reports(app) == 3


def test_what_recognises_a_resubmission_confirms_nothing_without_the_browser(
    client: FlaskClient, app: Flask
) -> None:
    from intake.domain.cases.reports import form_token_hash
    from intake.domain.models import UsedFormToken

    post_report(client, another=None)
    with app.app_context():
        kept = set(db.session().scalars(select(UsedFormToken.token_hash)))
    # The attacker holds the database and knows the words; without the nonce in the reporter's
    # session cookie, no hash of the words (keyed or not) matches what is kept.
    import hashlib
    import json

    words = json.dumps(VALID_REPORT, ensure_ascii=False).encode()
    guesses = {
        hashlib.sha256(words).digest(),
        form_token_hash(VALID_REPORT["what_happened"]),
        form_token_hash(hashlib.sha256(VALID_REPORT["what_happened"].encode()).hexdigest()),
    }
    assert len(kept) == 2
    assert not kept & guesses


def test_a_name_typed_without_ticking_real_name_brings_a_question(
    client: FlaskClient, app: Flask
) -> None:
    asked = post_report(client, name="王五(虚构)", phone="13800000000")
    assert asked.status_code == 422
    page = asked.get_data(as_text=True)
    assert "没有勾选“实名举报”" in page
    assert 'aria-describedby="real_name-error"' in page
    assert form_values(page)["name"] == "王五(虚构)"
    assert form_values(page)["phone"] == "13800000000"
    assert count_reports(app) == 0
    # Ticked: sent with the name.
    code = receipt_of(post_report(client, real_name="y", name="王五(虚构)", phone="13800000000"))
    assert "王五(虚构)" in check_status(client, code).get_data(as_text=True)


def test_the_rate_limit_on_reports_keeps_the_text(make_app: Callable[..., Flask]) -> None:
    app = make_app(report_rate_limit="2 per hour")
    client = app.test_client()
    assert post_report(client).status_code == 200
    assert post_report(client).status_code == 200
    third = post_report(client, what_happened="第三份举报")
    assert third.status_code == 429
    assert int(third.headers["Retry-After"]) > 0
    assert "请等几分钟后重新提交" in third.get_data(as_text=True)
    assert form_values(third.get_data(as_text=True))["what_happened"] == "第三份举报"
    assert count_reports(app) == 2


def test_a_database_failure_keeps_the_text_and_stores_nothing(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    def broken_commit(self: Session) -> None:
        raise OperationalError("COMMIT", {}, Exception("database is down"))

    tokens = hidden_tokens(client, "/report")
    monkeypatch.setattr(Session, "commit", broken_commit)
    response = client.post("/report", data={**VALID_REPORT, **tokens})
    monkeypatch.undo()
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "未能保存" in page
    assert "database is down" not in page
    assert form_values(page)["what_happened"] == VALID_REPORT["what_happened"]
    assert count_reports(app) == 0


@pytest.mark.parametrize("path", ["/", "/report", "/status", "/receipt", "/figures", "/nowhere"])
def test_every_public_page_names_who_runs_it(make_app: Callable[..., Flask], path: str) -> None:
    client = make_app(
        issuer="某市卫生健康委员会（测试，虚构）",
        address="某市某路 9 号（虚构）",
        icp="某ICP备12345678号（虚构）",
    ).test_client()
    page = client.get(path).get_data(as_text=True)
    header = page.split("</header>", 1)[0]
    footer = page.split('<footer class="site">', 1)[1]
    assert "某市卫生健康委员会（测试，虚构）" in header
    for value in (
        "某市卫生健康委员会（测试，虚构）",
        "某市某路 9 号（虚构）",
        "某ICP备12345678号（虚构）",
    ):
        assert value in footer
    assert 'src="/emblem"' in header
    emblem = client.get("/emblem")
    emblem.close()
    assert emblem.mimetype == "image/svg+xml"


def test_the_demonstration_values_say_they_are_invented(client: FlaskClient) -> None:
    footer = client.get("/").get_data(as_text=True).split('<footer class="site">', 1)[1]
    assert footer.count("虚构") == 3
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "(demonstration, invented)" in english.split("</header>", 1)[0]

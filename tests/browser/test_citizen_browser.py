"""A citizen in a real browser (Debian's Chromium): JavaScript off, a 360 px phone, Chinese.

Screenshots of each page land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.chromium import shot
from tests.live import LiveServer, start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("browser"), tier_database=True)
    yield live
    live.stop()


def test_report_and_follow_up_with_javascript_off_on_a_phone(
    server: LiveServer, browser: Browser
) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 360, "height": 740}, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(server.base + "/")
    shot(page, "home-360-zh")
    page.get_by_role("link", name="我要举报").first.click()
    page.get_by_label("举报类别").select_option("overtreatment")
    page.get_by_label("发生了什么？").fill("某医院对所有住院病人做同一套检查(浏览器测试,虚构)")
    page.get_by_label("涉及的医院、药店、企业或单位").fill("某县医院(虚构)")
    shot(page, "report-360-zh")
    # Submit with the keyboard, from a text field.
    page.get_by_label("地点").fill("某县")
    page.get_by_label("地点").press("Enter")
    page.wait_for_load_state()
    shot(page, "receipt-360-zh")
    code = page.locator("p.code").inner_text()
    assert re.fullmatch(r"\d{4}( \d{4}){4}", code)

    page.goto(server.base + "/status")
    page.get_by_label("查询码").fill(code.replace(" ", "-"))
    page.get_by_role("button", name="查看我的举报").click()
    page.wait_for_load_state()
    shot(page, "status-360-zh")
    assert "某医院对所有住院病人做同一套检查" in page.content()
    assert "已提交，待受理" in page.content()
    context.close()


def test_a_refused_form_keeps_the_text_and_points_at_the_field(
    server: LiveServer, browser: Browser
) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(server.base + "/report?lang=en")
    page.get_by_label("Where").fill("Some county")
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_load_state()
    shot(page, "report-errors-1280-en")
    assert page.get_by_label("Where").input_value() == "Some county"
    description = page.get_by_label("What happened?")
    assert description.get_attribute("aria-invalid") == "true"
    assert "what_happened-error" in (description.get_attribute("aria-describedby") or "")
    assert page.get_by_role("alert").count() == 1
    context.close()


@pytest.mark.parametrize("path", ["/", "/report", "/status", "/receipt", "/report?lang=en"])
def test_no_page_scrolls_sideways_at_360_px(
    server: LiveServer, browser: Browser, path: str
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server.base + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width}px wide"
    assert all(url.startswith(server.base) for url in requests), requests
    context.close()


def test_a_long_paste_is_counted_and_refused_whole_never_cut(
    server: LiveServer, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.goto(server.base + "/report")
    page.get_by_label("举报类别").select_option("kickbacks")
    description = page.locator("#what_happened")
    pasted = "回扣" * 15_000  # 30,000 characters, pasted in one go
    description.fill(pasted)
    counter = page.locator("#what_happened-count")
    assert "已输入 30,000 字，上限 20,000 字：超出 10,000 字" in counter.inner_text()
    shot(page, "report-too-long-360-zh")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#what_happened").input_value() == pasted
    assert "最多 20000 个字" in page.get_by_role("alert").inner_text()
    page.locator("#what_happened").fill("回扣" * 10)
    assert page.locator("#what_happened-count").inner_text() == "已输入 20 字，上限 20,000 字"
    context.close()


def test_back_then_send_again_says_it_was_already_sent(
    server: LiveServer, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(server.base + "/report")
    page.get_by_label("举报类别").select_option("kickbacks")
    page.locator("#what_happened").fill("返回后再次提交的测试(浏览器测试,虚构)")
    page.locator("#name").fill("赵六(虚构)")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    # A name typed without ticking 实名举报: the form comes back with a question.
    assert "没有勾选“实名举报”" in page.get_by_role("alert").inner_text()
    assert page.locator("#name").input_value() == "赵六(虚构)"
    shot(page, "report-real-name-question-1280-zh")
    page.goto(server.base + "/report")
    page.get_by_label("举报类别").select_option("kickbacks")
    page.locator("#what_happened").fill("返回后再次提交的测试(浏览器测试,虚构)")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    first = page.locator("p.code").inner_text()
    page.go_back()
    page.wait_for_load_state()
    page.get_by_label("举报类别").select_option("kickbacks")
    page.locator("#what_happened").fill("返回后再次提交的测试(浏览器测试,虚构)")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert "此表单已经提交过" in page.get_by_role("alert").inner_text()
    assert page.locator("p.code").count() == 0
    shot(page, "report-already-sent-1280-zh")
    page.get_by_role("button", name="作为新举报再次提交").click()
    page.wait_for_load_state()
    assert page.locator("p.code").inner_text() != first
    context.close()

"""A case worked end to end in a real browser: the citizen on a phone with JavaScript off,
a bureau member on a desktop who enrols with TOTP, asks a question, reads the answer and
concludes. Screenshots land in test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.chromium import horizontal_overflow, shot
from tests.live import LiveServer, start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("staff-browser"), tier_database=True)
    yield live
    live.stop()


def demo_password(server: LiveServer, username: str) -> str:
    log = server.log_path.read_text(encoding="utf-8")
    match = re.search(rf"^\s+{re.escape(username)}\s+password (\S+)", log, re.MULTILINE)
    assert match, log
    return match.group(1)


def citizen(browser: Browser) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 360, "height": 740}, locale="zh-CN"
    )
    return context, context.new_page()


def test_a_bureau_member_enrols_asks_reads_the_answer_and_concludes(
    server: LiveServer,
    browser: Browser,
) -> None:
    reporter_context, reporter = citizen(browser)
    reporter.goto(server.base + "/report")
    reporter.get_by_label("举报类别").select_option("kickbacks")
    reporter.get_by_label("发生了什么？").fill("某医院骨科主任按用量收取耗材回扣(浏览器测试,虚构)")
    reporter.get_by_role("button", name="提交举报").click()
    code = reporter.locator("p.code").inner_text()

    staff_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    staff = staff_context.new_page()
    staff.goto(server.base + "/admin/login")
    shot(staff, "console-login-1280-zh")
    staff.get_by_label("用户名").fill("demo-health")
    staff.get_by_label("密码").fill(demo_password(server, "demo-health"))
    staff.get_by_role("button", name="登录").click()
    staff.wait_for_load_state()
    assert staff.url.endswith("/admin/enrol")
    shot(staff, "console-enrol-1280-zh")
    assert staff.locator("svg.qr").count() == 1
    secret = staff.locator("code.secret").inner_text()
    staff.get_by_label("新密码", exact=True).fill("browser-test-password-2026")
    staff.get_by_label("再次输入新密码").fill("browser-test-password-2026")
    staff.get_by_label("身份验证器中的验证码").fill(pyotp.TOTP(secret).now())
    staff.get_by_role("button", name="保存并继续").click()
    staff.wait_for_load_state()
    assert re.search(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){7}", staff.locator("p.code").inner_text())
    staff.get_by_role("link", name="我已抄写下来").click()
    staff.wait_for_load_state()
    shot(staff, "console-queue-1280-zh")
    # The row says what the case is before it is opened: institution and first line.
    assert "按用量收取耗材回扣" in staff.locator("table.queue td.glimpse").first.inner_text()
    # The first case is a few Tab presses from the top of the page, not thirty.
    presses = 0
    while presses < 40:
        staff.keyboard.press("Tab")
        presses += 1
        href = staff.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.startswith("/admin/cases/"):
            break
    assert presses <= 20, presses
    # On a phone the queue reads as blocks, nothing scrolls sideways.
    staff.set_viewport_size({"width": 360, "height": 740})
    assert horizontal_overflow(staff) == 0
    first_line = staff.locator("table.queue .first-line").first
    assert first_line.bounding_box()["width"] > 200  # not one character per line
    shot(staff, "console-queue-360-zh")
    staff.set_viewport_size({"width": 1280, "height": 900})

    staff.locator("table a[href^='/admin/cases/']").first.click()
    staff.wait_for_load_state()
    assert "按用量收取耗材回扣" in staff.content()
    # The actions sit beside the report, not below the thread.
    report_box = staff.locator("section.case-report").bounding_box()
    actions_box = staff.locator("section.case-actions").bounding_box()
    assert actions_box["x"] > report_box["x"] + report_box["width"] - 1
    assert actions_box["y"] < report_box["y"] + report_box["height"]
    shot(staff, "console-case-1280-zh")
    staff.get_by_role("button", name="受理", exact=True).click()
    staff.wait_for_load_state()
    staff.get_by_label("给举报人的留言").fill("请问回扣按月结算还是按台结算?")
    staff.get_by_role("button", name="发送给举报人").click()
    staff.wait_for_load_state()

    reporter.goto(server.base + "/status")
    reporter.get_by_label("查询码").fill(code)
    reporter.get_by_role("button", name="查看我的举报").click()
    reporter.wait_for_load_state()
    assert "请问回扣按月结算还是按台结算" in reporter.content()
    reporter.get_by_label("您的回复或补充信息").fill("按台结算,每台约五百元。")
    reporter.get_by_role("button", name="发送", exact=True).click()
    reporter.wait_for_load_state()
    shot(reporter, "status-dialogue-360-zh")
    assert "您的留言已发送" in reporter.content()
    assert horizontal_overflow(reporter) == 0

    staff.reload()
    assert "按台结算,每台约五百元" in staff.content()
    staff.get_by_label("处理结果（举报人可见）").fill("经查属实,已责令退还并立案处理。")
    staff.get_by_label("核查结论").select_option("substantiated")
    # The disposal the governing rule allows, chosen explicitly (nothing is preselected).
    staff.locator('select[name="conclude-disposal"]').select_option(index=1)
    staff.get_by_role("button", name="办结", exact=True).click()
    staff.wait_for_load_state()
    # 办结 is asked once more, on a page of its own, with the finding named.
    assert "确定以“属实”办结案件" in staff.content()
    shot(staff, "console-confirm-1280-zh")
    staff.get_by_role("button", name="确认执行").click()
    staff.wait_for_load_state()
    shot(staff, "console-concluded-1280-zh")
    assert "已办结" in staff.content()
    assert staff.get_by_role("status").first.inner_text().endswith("已办结：属实。")

    reporter.goto(server.base + "/status")
    reporter.get_by_label("查询码").fill(code)
    reporter.get_by_role("button", name="查看我的举报").click()
    reporter.wait_for_load_state()
    assert "经查属实,已责令退还并立案处理" in reporter.content()
    reporter_context.close()
    staff_context.close()

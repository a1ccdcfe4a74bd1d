"""Pages as people and their browsers meet them: accessibility (axe-core, WCAG 2.1 AA), no
resource from another origin, keyboard use with visible focus, errors tied to their fields.

axe-core comes from npm (package.json) and is injected into each page; the context that runs
it bypasses the page's CSP for that one script. The origin check runs with CSP enforced.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.chromium import shot
from tests.live import LiveServer, start_server

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("quality"), tier_database=True)
    yield live
    live.stop()


def password_of(server: LiveServer, username: str) -> str:
    log = server.log_path.read_text(encoding="utf-8")
    match = re.search(rf"^\s+{re.escape(username)}\s+password (\S+)", log, re.MULTILINE)
    assert match, log
    return match.group(1)


def serious(page: Page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 AA violations on the page, as text."""
    assert AXE.exists(), "run `npm ci` in the repository (scripts/test does)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def enrol(page: Page, server: LiveServer, username: str) -> None:
    page.goto(server.base + "/admin/login")
    page.fill("#username", username)
    page.fill("#password", password_of(server, username))
    page.click("button[type=submit]")
    page.wait_for_load_state()
    secret = page.locator("code.secret").inner_text()
    page.fill("#new_password", "quality-test-password-2026")
    page.fill("#confirm", "quality-test-password-2026")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main form button[type=submit]")  # not the header's log-out button
    page.wait_for_load_state()


def audited_context(browser: Browser) -> BrowserContext:
    return browser.new_context(
        bypass_csp=True, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )


def test_public_pages_have_no_serious_accessibility_violations(
    server: LiveServer, browser: Browser
) -> None:
    context = audited_context(browser)
    page = context.new_page()
    found: list[str] = []
    for path in ("/", "/report", "/status", "/receipt", "/figures", "/nonexistent"):
        page.goto(server.base + path)
        found += serious(page)
    page.goto(server.base + "/report")
    page.click("form button[type=submit]")  # empty: the page with errors
    page.wait_for_load_state()
    found += serious(page)
    page.select_option("#category", "kickbacks")
    page.fill("#what_happened", "无障碍检查用的举报(虚构)")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    found += serious(page)  # the receipt
    code = page.locator("p.code").inner_text()
    page.goto(server.base + "/status")
    page.fill("#code", code)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    found += serious(page)  # the case as the reporter sees it
    context.close()
    assert found == []


def test_console_pages_have_no_serious_accessibility_violations(
    server: LiveServer, browser: Browser
) -> None:
    found: list[str] = []
    reporter = audited_context(browser)
    page = reporter.new_page()
    page.goto(server.base + "/report")
    page.select_option("#category", "kickbacks")
    page.fill("#what_happened", "控制台无障碍检查(虚构)")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("p.code").count() == 1
    reporter.close()

    for username, paths in (
        ("demo-health", ["/admin/queue", "/admin/bureaus", "/admin/password",
                         "/admin/bureaus/health/grant", "CASE"]),
        ("demo-intake", ["/admin/record"]),
        ("demo-supervisor", ["/admin/overdue", "/admin/stats"]),
        ("demo-admin", ["/admin/accounts", "/admin/tokens"]),
    ):  # fmt: skip
        context = audited_context(browser)
        page = context.new_page()
        page.goto(server.base + "/admin/login")
        found += serious(page)
        enrol(page, server, username)
        found += serious(page)  # the recovery key page
        for path in paths:
            if path == "CASE":
                page.goto(server.base + "/admin/queue?view=all")
                page.locator("table a[href^='/admin/cases/']").first.click()
                page.wait_for_load_state()
                shot(page, "console-case-axe")
            else:
                page.goto(server.base + path)
            found += serious(page)
        context.close()
    assert found == []


def test_no_page_loads_anything_from_another_origin(server: LiveServer, browser: Browser) -> None:
    context = browser.new_context(locale="zh-CN")
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    for path in ("/", "/report", "/status", "/receipt", "/figures", "/admin/login"):
        page.goto(server.base + path)
        page.wait_for_load_state("networkidle")
    context.close()
    others = [url for url in requested if not url.startswith(server.base + "/")]
    assert requested
    assert others == []


def test_the_form_works_by_keyboard_with_visible_focus(
    server: LiveServer, browser: Browser
) -> None:
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(server.base + "/report")
    reached, unfocused = set(), []
    for _ in range(40):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                return {id: e.id || e.name || e.tagName, style: s.outlineStyle,
                        width: parseFloat(s.outlineWidth)}; }"""
        )
        if info["id"] == "BODY":  # past the last control, the browser's own stop
            continue
        reached.add(info["id"])
        if info["style"] == "none" or info["width"] < 2:
            unfocused.append(info["id"])
    # A radio group is one tab stop, on its checked answer ("I don't know" by default).
    for field in ("category", "what_happened", "institution", "official_involved-2", "real_name"):
        assert field in reached, (field, reached)
    assert unfocused == []
    context.close()


def test_each_error_is_tied_to_its_field(server: LiveServer, browser: Browser) -> None:
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(server.base + "/report")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    untied = page.evaluate(
        """() => [...document.querySelectorAll('.field .error')].filter(err => {
              const field = err.closest('.field').querySelector('input,select,textarea');
              return !field || !(field.getAttribute('aria-describedby') || '').split(' ')
                  .includes(err.id) || field.getAttribute('aria-invalid') !== 'true';
           }).map(err => err.id)"""
    )
    errors = page.locator(".field .error").count()
    context.close()
    assert errors >= 2
    assert untied == []


def test_the_accessibility_check_does_see_violations(server: LiveServer, browser: Browser) -> None:
    # Guards the guard: a page with an unlabelled field and an image without text fails.
    context = audited_context(browser)
    page = context.new_page()
    page.goto(server.base + "/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<img src="/static/none.png"><input type="text">\')'
    )
    found = serious(page)
    context.close()
    assert any("image-alt" in line for line in found)
    assert any("label" in line for line in found)

"""The citizen's whole journey in a real browser, in every combination that matters:
JavaScript on and off, a 360 px phone and a 1280 px desktop, Chinese and English.

Each variant opens the home page in a browser set to its language (English through the switch
in the header, as a person would: the site is Chinese until then, README), makes a report,
writes down the receipt code, follows it up on /status, reads the bureau's question and
answers it. The question comes from a real staff member in the console: one demo member logs
in once per module and, per variant, finds the new case by its reference, accepts it and
writes to the reporter. Every page is screenshotted into test-artifacts/ and checked for
sideways scrolling (at both widths), for its language (<html lang>, the labels used, no text
left in the other language), and for console errors, page errors and failed requests (a CSP
violation would show up there with JavaScript on).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests.browser.chromium import horizontal_overflow, shot
from tests.live import LiveServer, start_server

BUREAU = "health"  # the lead bureau of both categories used below
STAFF = "demo-health"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # Eight reporters follow up from one address within a minute; the limit itself is tested
    # elsewhere, so it is raised here rather than made to slow the journeys down.
    live = start_server(
        tmp_path_factory.mktemp("citizen-variants"),
        {"QINGFENG_STATUS_RATE_LIMIT": "1000 per minute"},
        tier_database=True,
    )
    yield live
    live.stop()


@dataclass(frozen=True)
class Variant:
    js: bool
    width: int
    lang: str  # "zh" or "en"

    @property
    def name(self) -> str:
        return f"js-{'on' if self.js else 'off'}-{self.width}-{self.lang}"


VARIANTS = [
    Variant(js, width, lang)
    for js in (True, False)
    for width in (360, 1280)
    for lang in ("zh", "en")
]

#: What the reporter reads and clicks, in each language (the translations as shipped).
UI = {
    "zh": {
        "html_lang": "zh-CN",
        "locale": "zh-CN",
        "current_language": "中文",
        "make_report": "我要举报",
        "category": "举报类别",
        "what_happened": "发生了什么？",
        "institution": "涉及的医院、药店、企业或单位",
        "place": "地点",
        "send_report": "提交举报",
        "received": "您的举报已提交",
        "bureau": "县卫生健康局",
        "follow_up": "查询举报",
        "code": "查询码",
        "show": "查看我的举报",
        "state_received": "已提交，待受理",
        "state_accepted": "已受理",
        "answer": "您的回复或补充信息",
        "send": "发送",
        "sent": "您的留言已发送",
        "from_bureau": "承办单位",
    },
    "en": {
        "html_lang": "en",
        "locale": "en-US",
        "current_language": "English",
        "make_report": "Make a report",
        "category": "What is it about?",
        "what_happened": "What happened?",
        "institution": "Hospital, pharmacy, company or office involved",
        "place": "Where",
        "send_report": "Send the report",
        "received": "Your report was received",
        "bureau": "County Health Commission",
        "follow_up": "Follow up a report",
        "code": "Receipt code (查询码)",
        "show": "Show my report",
        "state_received": "received, awaiting a decision",
        "state_accepted": "accepted",
        "answer": "Your answer or more information",
        "send": "Send",
        "sent": "Your message was sent",
        "from_bureau": "The bureau",
    },
}

#: Both led by the health commission, so one staff member can answer every variant.
CATEGORIES = {
    True: {"zh": "红包礼金", "en": "Red envelopes and gifts"},
    False: {"zh": "药械回扣", "en": "Kickbacks in drug, device and consumable sales"},
}


def story(variant: Variant) -> dict[str, str]:
    """What this variant's reporter and staff member write (tagged, so each case is known)."""
    tag = variant.name
    if variant.lang == "zh":
        return {
            "what_happened": f"住院部医生向病人家属收取红包,不给就拖延手术(浏览器测试 {tag},虚构)",
            "institution": "某县人民医院(虚构)",
            "place": "某县城关镇",
            "question": f"请问红包大约多少钱?是在手术前还是手术后收取的?({tag})",
            "answer": f"手术前收取,每次约两千元。({tag})",
        }
    return {
        "what_happened": (
            f"A ward doctor asks relatives for red envelopes and delays operations without "
            f"them (browser test {tag}, invented)"
        ),
        "institution": "Some county people's hospital (invented)",
        "place": "Some county town",
        "question": f"About how much was asked, and before or after the operation? ({tag})",
        "answer": f"Before the operation, about 2,000 yuan each time. ({tag})",
    }


#: Visible text in the wrong language: untranslated English sentences on a Chinese page,
#: Chinese outside a bracketed gloss such as “(查询码)” on an English page. What people wrote
#: (.text), form fields, and elements marked with another `lang` are left out.
OTHER_LANGUAGE = """(lang) => {
  const html = document.documentElement.lang;
  const wrong = (t) => lang === "en"
    ? /[\\u3400-\\u9fff\\uff01-\\uff5e]/.test(t.replace(/\\([^)]*\\)/g, ""))
    : /[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}/.test(t);
  const found = [];
  if (wrong(document.title)) found.push("<title> " + document.title);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (element.closest("textarea, select, script, style, .text")) continue;
    const marked = element.closest("[lang]");
    if (marked && marked.lang !== html) continue;
    const text = node.textContent.trim();
    if (text && wrong(text)) found.push(text);
  }
  for (const element of document.querySelectorAll("[aria-label]")) {
    const label = element.getAttribute("aria-label");
    if (wrong(label)) found.push("aria-label " + label);
  }
  return found;
}"""


def complaint(message: ConsoleMessage) -> bool:
    """A console error or warning: a CSP violation, a failed load (the icon too), a script error."""
    return message.type in ("error", "warning")


def watch(page: Page) -> list[str]:
    """Everything that goes wrong on `page` from now on, as it happens."""
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            complaint(message) and problems.append(f"console {message.type}: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and problems.append(f"HTTP {response.status} {response.url}")
        ),
    )
    return problems


class Reporter:
    """One variant's browser tab, checking every page it lands on."""

    def __init__(self, browser: Browser, variant: Variant) -> None:
        self.variant = variant
        self.ui = UI[variant.lang]
        self.context: BrowserContext = browser.new_context(
            java_script_enabled=variant.js,
            viewport={"width": variant.width, "height": 740 if variant.width == 360 else 900},
            locale=self.ui["locale"],
        )
        self.page = self.context.new_page()
        self.problems = watch(self.page)
        self.pages = 0

    def check(self, name: str) -> None:
        """Screenshot the page, then: no sideways scrolling, the right language, no errors."""
        page, variant = self.page, self.variant
        page.wait_for_load_state()
        self.pages += 1
        shot(page, f"variant-{variant.name}-{self.pages}-{name}")
        overflow = horizontal_overflow(page)
        assert overflow == 0, f"{name} ({variant.name}) scrolls sideways by {overflow}px"
        expect(page.locator("html")).to_have_attribute("lang", self.ui["html_lang"])
        current = page.locator("nav.lang [aria-current]")
        expect(current).to_have_text(self.ui["current_language"])
        wrong = page.evaluate(OTHER_LANGUAGE, variant.lang)
        assert wrong == [], f"{name} ({variant.name}) shows text in the other language: {wrong}"
        assert self.problems == [], f"{name} ({variant.name}): {self.problems}"

    def open_status(self, code: str) -> None:
        """Type the receipt code on /status as written down."""
        page = self.page
        page.get_by_label(self.ui["code"]).fill(code)
        page.get_by_role("button", name=self.ui["show"]).click()


class StaffDesk:
    """One demo bureau member, logged in once, who answers each variant's case."""

    def __init__(self, server: LiveServer, page: Page) -> None:
        self.server, self.page = server, page
        self.problems = watch(page)
        self.seen: set[str] = set()

    def log_in(self) -> None:
        log = self.server.log_path.read_text(encoding="utf-8")
        match = re.search(rf"^\s+{STAFF}\s+password (\S+)", log, re.MULTILINE)
        assert match, log
        page = self.page
        page.goto(self.server.base + "/admin/login")
        page.get_by_label("用户名").fill(STAFF)
        page.get_by_label("密码").fill(match.group(1))
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        assert page.url.endswith("/admin/enrol"), page.url
        secret = page.locator("code.secret").inner_text()
        page.get_by_label("新密码", exact=True).fill("variants-test-password-2026")
        page.get_by_label("再次输入新密码").fill("variants-test-password-2026")
        page.get_by_label("身份验证器中的验证码").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="保存并继续").click()
        page.get_by_role("link", name="我已抄写下来").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", level=1)).to_have_text("案件")

    def references(self) -> set[str]:
        """Every case the bureau holds, by reference (the queue decrypts nothing)."""
        page = self.page
        page.goto(f"{self.server.base}/admin/queue?bureau={BUREAU}&view=all")
        expect(page.get_by_role("heading", level=1)).to_have_text("案件")
        return set(page.locator("table a[href^='/admin/cases/']").all_inner_texts())

    def ask(self, report_text: str, question: str) -> None:
        """Find the reporter's case among the new ones, accept it and send them a question.

        The reporter never sees the reference, so the member opens each case that was not in
        the queue before and reads it (normally there is exactly one).
        """
        new = sorted(self.references() - self.seen)
        self.seen.update(new)
        page = self.page
        for reference in new:
            page.goto(f"{self.server.base}/admin/cases/{reference}")
            if report_text in page.locator("dl.report").inner_text():
                break
        else:
            raise AssertionError(f"no new case says {report_text!r}; new cases: {new}")
        expect(page.locator("dd.state")).to_have_text("已收到")
        page.get_by_role("button", name="受理", exact=True).click()
        page.wait_for_load_state()
        expect(page.locator("dd.state")).to_have_text("已受理")
        page.get_by_label("给举报人的留言").fill(question)
        page.get_by_role("button", name="发送给举报人").click()
        page.wait_for_load_state()
        expect(page.locator("ol.messages")).to_contain_text(question)


@pytest.fixture(scope="module")
def desk(server: LiveServer, browser: Browser) -> Iterator[StaffDesk]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    staff = StaffDesk(server, context.new_page())
    staff.log_in()
    staff.seen = staff.references()
    yield staff
    context.close()


@pytest.fixture
def reporter(browser: Browser, variant: Variant) -> Iterator[Reporter]:
    person = Reporter(browser, variant)
    yield person
    person.context.close()


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_a_citizen_reports_follows_up_and_answers_the_bureau(
    server: LiveServer, desk: StaffDesk, reporter: Reporter, variant: Variant
) -> None:
    ui, text = UI[variant.lang], story(variant)
    page = reporter.page

    # Home, in the language the person reads.
    page.goto(server.base + "/")
    if variant.lang == "en":
        # The browser asks for English; the site stays Chinese until the person chooses.
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        page.locator("nav.lang").get_by_role("link", name="English").click()
    reporter.check("home")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # The form.
    page.locator("main").get_by_role("link", name=ui["make_report"]).click()
    page.wait_for_load_state()
    page.get_by_label(ui["category"]).select_option(label=CATEGORIES[variant.js][variant.lang])
    page.get_by_label(ui["what_happened"]).fill(text["what_happened"])
    page.get_by_label(ui["institution"]).fill(text["institution"])
    page.get_by_label(ui["place"]).fill(text["place"])
    reporter.check("report")
    page.get_by_role("button", name=ui["send_report"]).click()

    # The receipt, written down.
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(ui["received"])
    expect(page.locator("main")).to_contain_text(ui["bureau"])
    reporter.check("receipt")
    code = page.locator("p.code").inner_text()
    assert re.fullmatch(r"\d{4}( \d{4}){4}", code), code

    # Follow it up: the report as written, waiting for a decision.
    page.locator("main").get_by_role("link", name=ui["follow_up"]).click()
    reporter.check("status")
    reporter.open_status(code)
    reporter.check("status-result")
    expect(page.locator("dd.state")).to_have_text(ui["state_received"])
    expect(page.locator("dl.report")).to_contain_text(text["what_happened"])
    expect(page.locator("dl.report")).to_contain_text(CATEGORIES[variant.js][variant.lang])
    expect(page.locator("ol.messages")).to_have_count(0)

    # The bureau finds the new case by its reference, accepts it and asks a question; nothing
    # goes wrong in the console's tab either.
    desk.ask(text["what_happened"], text["question"])
    problems = desk.problems.copy()
    desk.problems.clear()
    assert problems == [], problems

    # The reporter comes back with the code, reads the question and answers it.
    page.locator("nav.main-nav").get_by_role("link", name=ui["follow_up"]).click()
    page.wait_for_load_state()
    reporter.open_status(code.replace(" ", "-") if variant.width == 360 else code)
    reporter.check("status-question")
    expect(page.locator("dd.state")).to_have_text(ui["state_accepted"])
    question = page.locator("ol.messages li.staff")
    expect(question).to_have_count(1)
    expect(question).to_contain_text(text["question"])
    expect(question.locator("p.meta")).to_contain_text(ui["from_bureau"])
    page.get_by_label(ui["answer"]).fill(text["answer"])
    page.get_by_role("button", name=ui["send"], exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text(ui["sent"])
    answer = page.locator("ol.messages li.reporter")
    expect(answer).to_contain_text(text["answer"])
    # A reporter's message carries a date, never a time of day.
    expect(answer.locator("p.meta")).to_have_text(re.compile(r"^\S+ · \d{4}-\d{2}-\d{2}$"))
    reporter.check("status-answered")
    assert reporter.pages == 7

"""Rule-true casework end to end (issue 18, docs/rules.md §8-§10), across the 2026 National Day
holiday (1-7 Oct; Sat 10 Oct is a 调休 workday):

(a) each profile's real-name feedback limits (its decision, conclusion and extension deadlines
    are walked in tests/oversight/test_deadline_profiles.py);
(b) a real-name case through its 受理告知书 and the notice, the conclusion, its 答复意见书 and
    the result, and a return visit whose objection with new evidence reopens checking;
(c) a case handed down (上级交办) through its order's deadline, a progress report and its
    办结报告, recorded and read on the 交办 board;
and every document of (b) and (c) opened in LibreOffice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from intake.domain.cases.content import Contact, ReportContent
from intake.domain.cases.reports import Submission, submit_report
from intake.domain.models import CaseDocument, Report
from intake.platform import context, db
from tests.console.console import Staff
from tests.console.test_documents_libreoffice import fetch, to_pdf
from tests.console.test_valid_html import validate
from tests.helpers import VALID_REPORT

Login = Callable[[str], Staff]

RECEIVED = dt.date(2026, 9, 30)  # the day before the holiday
ACCEPTED = dt.date(2026, 10, 9)  # the first working day after it
DISCIPLINE = "《纪检监察机关处理检举控告工作规则》"
INSURANCE = "《医疗保障基金使用监督管理举报处理暂行办法》"
PETITION = "《信访工作条例》"
OUTCOME = "经核查，反映的问题基本属实，已责令退还并给予处分（虚构）"
OBJECTION = "举报人在回访时提交了新的转账记录，认为金额远不止于此（虚构）"
PROGRESS = "已调取该院近两年采购台账，正在逐笔核对（虚构）"
COMPLETION = "经查属实，已立案处罚并责令整改（虚构）"


def _on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(context, "today", lambda: day)


def _receive(app: Flask, category: str, official: bool, channel: str = "web") -> str:
    """A real-name report received on RECEIVED."""
    with app.test_request_context():
        receipt = submit_report(
            db.session(),
            context.settings(),
            context.taxonomy(),
            Submission(
                category,
                official,
                ReportContent("收受回扣（虚构）"),
                channel=channel,
                contact=Contact("测试实名举报人（虚构）", "13800000000"),
            ),
            RECEIVED,
        )
        return receipt.report.reference


def _row(app: Flask, reference: str) -> Report:
    with app.app_context():
        return db.session().scalars(select(Report).where(Report.reference == reference)).one()


def _documents(app: Flask, reference: str) -> dict[str, tuple[int, str]]:
    """The documents issued on a case: kind -> (id, 文号)."""
    report_id = _row(app, reference).id
    with app.app_context():
        rows = db.session().scalars(select(CaseDocument).where(CaseDocument.report_id == report_id))
        return {d.kind: (d.id, d.reference) for d in rows}


def _duties(member: Staff, reference: str) -> str:
    page = member.client.get(f"/admin/cases/{reference}").get_data(as_text=True)
    return page.split('class="duties"')[1].split("</ul>")[0]


#: A disposal each rule allows (outcomes.DISPOSALS), by the bureau's rule.
DISPOSAL = {DISCIPLINE: "preliminary_check", INSURANCE: "case_opened", PETITION: "handled"}


def _conclude(member: Staff, reference: str, rule: str = PETITION) -> None:
    done = member.act(
        reference, "conclude", outcome=OUTCOME, finding="substantiated", disposal=DISPOSAL[rule]
    )
    assert done.status_code == 303, done.get_data(as_text=True)


@pytest.mark.parametrize(
    ("category", "official", "channel", "bureau", "rule", "notice", "result"),
    [
        # 纪检: 15 working days from receipt; the result 15 working days from conclusion.
        ("red_envelopes", True, "web", "health", DISCIPLINE,
         ("2026-10-27", "15个工作日"), ("2026-10-29", "15个工作日")),
        # 医保: 5 working days from the decision to accept (立案), not from receipt.
        ("insurance_fraud", False, "web", "healthcare_security", INSURANCE,
         ("2026-10-15", "5个工作日"), ("2026-10-29", "15个工作日")),
        # 信访 and the default: calendar days, the holiday counting like any other day.
        ("kickbacks", False, "letter", "health", PETITION,
         ("2026-10-15", "15日"), ("2026-10-24", "15日")),
        ("kickbacks", False, "web", "health", PETITION,
         ("2026-10-15", "15日"), ("2026-10-24", "15日")),
    ],
)  # fmt: skip
def test_each_profile_owes_a_real_name_reporter_feedback_by_its_own_days(
    app: Flask,
    staff: Login,
    monkeypatch: pytest.MonkeyPatch,
    category: str,
    official: bool,
    channel: str,
    bureau: str,
    rule: str,
    notice: tuple[str, str],
    result: tuple[str, str],
) -> None:
    reference = _receive(app, category, official, channel)
    member = staff(bureau)
    _on(monkeypatch, ACCEPTED)
    assert member.act(reference, "accept").status_code == 303
    _conclude(member, reference, rule)
    duties = _duties(member, reference)
    for due, count in (notice, result):
        assert f'应于 {due} 前 <span class="basis">依据：{rule}，{count}</span>' in duties
    # The day after each limit, the feedback not given is late on the overdue board.
    _on(monkeypatch, dt.date.fromisoformat(max(notice[0], result[0])) + dt.timedelta(days=1))
    board = staff("supervisor").client.get("/admin/overdue").get_data(as_text=True)
    assert reference in board.split('id="feedback-overdue"')[1]


def test_a_real_name_case_is_told_in_writing_and_an_objection_reopens_it(
    app: Flask, staff: Login, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reference = _receive(app, "red_envelopes", True)
    health = staff("health")

    # The notice: the 受理告知书, sent by letter, recorded as what told the reporter.
    _on(monkeypatch, ACCEPTED)
    assert health.act(reference, "accept").status_code == 303
    assert health.act(reference, "document", kind="acceptance").status_code == 303
    notice_id, notice_number = _documents(app, reference)["acceptance"]
    told = health.act(
        reference, "feedback", kind="notice", given_on=ACCEPTED.isoformat(), way="letter",
        document=str(notice_id),
    )  # fmt: skip
    assert told.status_code == 303
    assert "应于 2026-10-27 前" in _duties(health, reference)
    assert "已于 2026-10-09 反馈" in _duties(health, reference)

    # The conclusion, then the 答复意见书 as the result, within 15 working days of it.
    concluded = dt.date(2026, 11, 2)
    _on(monkeypatch, concluded)
    _conclude(health, reference, DISCIPLINE)
    assert "应于 2026-11-23 前" in _duties(health, reference)
    assert health.act(reference, "document", kind="reply").status_code == 303
    reply_id, reply_number = _documents(app, reference)["reply"]
    _on(monkeypatch, dt.date(2026, 11, 5))
    answered = health.act(
        reference, "feedback", kind="result", given_on="2026-11-05", way="letter",
        document=str(reply_id),
    )  # fmt: skip
    assert answered.status_code == 303
    page = health.client.get(f"/admin/cases/{reference}").get_data(as_text=True)
    assert f">{notice_number} 受理告知书</a>" in page
    assert f">{reply_number} 答复意见书</a>" in page
    assert "已于 2026-11-05 反馈" in _duties(health, reference)
    assert validate({"case-with-feedback": page}, tmp_path) == []

    # A return visit: the reporter objects and brings new evidence; checking starts again.
    _on(monkeypatch, dt.date(2026, 11, 12))
    visit = health.act(
        reference, "feedback", kind="visit", given_on="2026-11-12", way="phone",
        satisfaction="dissatisfied", objection=OBJECTION, new_evidence="y",
    )  # fmt: skip
    assert visit.status_code == 303
    reopened = _row(app, reference)
    assert (reopened.state, reopened.concluded_on) == ("under_review", None)
    page = health.client.get(f"/admin/cases/{reference}").get_data(as_text=True)
    assert OBJECTION in page
    assert "有新证据，已重新核查" in page

    sources = tmp_path / "in"
    sources.mkdir()
    for kind, (document_id, _number) in _documents(app, reference).items():
        fetch(health, reference, document_id, kind, sources)
    pdfs = {p.name for p in to_pdf(sources, tmp_path).glob("*.pdf")}
    assert pdfs == {f"{k}-{s}.pdf" for k in ("acceptance", "reply") for s in ("docx", "html")}


def test_a_handed_down_case_runs_to_its_order_s_deadline_and_its_办结报告_is_on_the_board(
    app: Flask, staff: Login, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    desk, health, supervisor = staff("intake"), staff("health"), staff("supervisor")
    arrived, due = dt.date(2026, 9, 28), dt.date(2026, 10, 16)
    _on(monkeypatch, arrived)
    order = {
        **VALID_REPORT,
        "channel": "referred",
        "source": "市纪委监委（虚构）",
        "received_on": arrived.isoformat(),
        "hand_down_number": "市纪交〔2026〕12号",
        "hand_down_issuer": "市纪委监委（虚构）",
        "hand_down_due": due.isoformat(),
    }
    assert desk.post("/admin/record", order).status_code == 200
    with app.app_context():
        reference = db.session().scalars(select(Report.reference)).one()

    # Accepted across the holiday, it is due by the order's date, not its profile's.
    _on(monkeypatch, RECEIVED)
    assert health.act(reference, "accept").status_code == 303
    assert _row(app, reference).conclusion_due == due
    page = health.client.get(f"/admin/cases/{reference}").get_data(as_text=True)
    assert (
        f'{due.isoformat()} <span class="basis">依据：市纪委监委（虚构） 市纪交〔2026〕12号' in page
    )
    _on(monkeypatch, ACCEPTED)
    progress = health.act(
        reference, "hand_down_report", kind="progress", sent_on=ACCEPTED.isoformat(),
        document_number="卫健函〔2026〕5号", text=PROGRESS,
    )  # fmt: skip
    assert progress.status_code == 303

    # On its last day the order is not late; the next working day it is.
    _on(monkeypatch, due)
    board = supervisor.client.get("/admin/hand-downs").get_data(as_text=True)
    assert "已逾期" not in board
    late = dt.date(2026, 10, 19)
    _on(monkeypatch, late)
    board = supervisor.client.get("/admin/hand-downs").get_data(as_text=True)
    assert "已逾期 3 天" in board
    assert "到期线索查结清零：到期 1 件，已查结 0 件" in board

    # Concluded, its 办结报告 issued and recorded as the completion report sent back.
    _conclude(health, reference)
    assert health.act(reference, "document", kind="conclusion_report").status_code == 303
    document_id, number = _documents(app, reference)["conclusion_report"]
    sent = health.act(
        reference, "hand_down_report", kind="completion", sent_on=late.isoformat(),
        document=str(document_id), text=COMPLETION,
    )  # fmt: skip
    assert sent.status_code == 303
    board = supervisor.client.get("/admin/hand-downs").get_data(as_text=True)
    case_page = health.client.get(f"/admin/cases/{reference}").get_data(as_text=True)
    assert f">{number} 办结报告</a>" in case_page
    assert validate({"hand-downs": board, "handed-down-case": case_page}, tmp_path) == []
    assert "到期线索查结清零：到期 1 件，已查结 1 件 · 已清零" in board
    line = board[board.index(reference) :].split("</li>")[0]
    assert f"{late.isoformat()} 已报送办结报告 · {number}" in line
    letter = health.client.get(f"/admin/cases/{reference}/documents/{document_id}")
    text = letter.get_data(as_text=True)
    assert "市纪委监委（虚构）：" in text
    assert "你机关以市纪交〔2026〕12号交办的案件" in text
    assert "要求于2026年10月16日前办结" in text

    sources = tmp_path / "in"
    sources.mkdir()
    fetch(health, reference, document_id, "conclusion_report", sources)
    pdfs = {p.name for p in to_pdf(sources, tmp_path).glob("*.pdf")}
    assert pdfs == {"conclusion_report-docx.pdf", "conclusion_report-html.pdf"}

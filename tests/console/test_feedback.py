"""Real-name duties (docs/rules.md §8): a real-name reporter is told whether the report was
accepted and, after conclusion, the result, within the limits of the case's profile; each
feedback is recorded, an objection with new evidence reopens checking, late feedback reaches
the overdue board and the reminders, and the 统计表 counts 实名反馈率 and 满意率."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from intake.config import Settings
from intake.domain.cases import feedback
from intake.domain.cases.content import Contact, ReportContent
from intake.domain.cases.reports import Submission, submit_report
from intake.domain.models import (
    AuditEvent,
    CaseDocument,
    Event,
    Report,
    ReporterFeedback,
    StaffMember,
)
from intake.domain.oversight import retention, statistics, tick
from intake.platform import context, db
from tests.conftest import make_settings
from tests.console.console import Staff
from tests.console.test_valid_html import validate
from tests.oversight import test_tick
from tests.oversight.test_ledger import ledger
from tests.oversight.test_tick import Inbox
from tests.security.test_anonymity import database_bytes

Login = Callable[[str], Staff]
#: The SMTP server the reminders go to (tests/oversight/test_tick.py).
inbox = test_tick.inbox

RECEIVED = dt.date(2026, 9, 30)  # the day before 国庆 (1-7 Oct; Sat 10 Oct is a 调休 workday)
ACCEPTED = dt.date(2026, 10, 9)
CONCLUDED = dt.date(2026, 11, 2)  # a Monday
# 15 working days after 30 Sep: 8, 9, 10 (调休), 12-16, 19-23, 26, 27 Oct.
NOTICE_DUE = "2026-10-27"
# 15 working days after Mon 2 Nov: 3-6, 9-13, 16-20, 23 Nov.
RESULT_DUE = "2026-11-23"
DISCIPLINE = "《纪检监察机关处理检举控告工作规则》"
OPINION = "举报人对处理结果表示不认可（虚构测试意见）"
OBJECTION = "举报人补充提交了新的转账记录（虚构测试异议）"


def _receive(app: Flask, real_name: bool = True, official: bool = True) -> str:
    """A report about an official (the 纪检 profile), received on RECEIVED, led by 卫健局."""
    contact = Contact("测试实名举报人（虚构）", "13800000000") if real_name else None
    with app.test_request_context():
        receipt = submit_report(
            db.session(),
            context.settings(),
            context.taxonomy(),
            Submission(
                "red_envelopes", official, ReportContent("收受红包（虚构）"), contact=contact
            ),
            RECEIVED,
        )
        return receipt.report.reference


def _row(app: Flask, reference: str) -> Report:
    with app.app_context():
        return db.session().scalars(select(Report).where(Report.reference == reference)).one()


def _on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(context, "today", lambda: day)


def _conclude(member: Staff, reference: str) -> None:
    response = member.act(
        reference,
        "conclude",
        outcome="经核查，反映问题部分属实（虚构）",
        finding="partly_substantiated",
        disposal="preliminary_check",
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def _feedback(
    member: Staff, reference: str, *, confirm: bool = True, **fields: object
) -> TestResponse:
    return member.act(reference, "feedback", confirm=confirm, **fields)


def _page(member: Staff, reference: str) -> str:
    return member.client.get(f"/admin/cases/{reference}").get_data(as_text=True)


def test_a_real_name_case_is_told_in_time_and_an_objection_with_new_evidence_reopens_it(
    app: Flask, staff: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = _receive(app)
    health = staff("health")
    _on(monkeypatch, ACCEPTED)
    page = _page(health, reference)
    # The notice is due 15 working days after receipt, across the National Day holiday.
    assert f"应于 {NOTICE_DUE} 前" in page
    assert f"依据：{DISCIPLINE}，15个工作日" in page
    assert "尚未反馈" in page
    assert health.act(reference, "accept").status_code == 303
    # The kind and the way start empty: nothing is recorded by default.
    assert _feedback(health, reference, given_on=ACCEPTED.isoformat()).status_code == 422
    response = _feedback(health, reference, kind="notice", given_on="2026-10-09", way="phone")
    assert response.status_code == 303
    page = _page(health, reference)
    assert "已于 2026-10-09 反馈" in page
    # The result cannot be given before the case is concluded.
    early = _feedback(health, reference, kind="result", given_on="2026-10-09", way="letter")
    assert early.status_code == 422

    _on(monkeypatch, CONCLUDED)
    _conclude(health, reference)
    page = _page(health, reference)
    assert f"应于 {RESULT_DUE} 前" in page

    # The reporter objects with new evidence: asked once more, since the case reopens.
    _on(monkeypatch, dt.date(2026, 11, 5))
    fields = {
        "kind": "result",
        "given_on": "2026-11-05",
        "way": "in_person",
        "opinion": OPINION,
        "objection": OBJECTION,
        "new_evidence": "y",
    }
    asked = _feedback(health, reference, confirm=False, **fields)
    assert asked.status_code == 200
    assert "重新启动案件" in asked.get_data(as_text=True)
    assert _row(app, reference).state == "concluded"
    assert _feedback(health, reference, **fields).status_code == 303

    reopened = _row(app, reference)
    assert reopened.state == "under_review"
    assert reopened.concluded_on is None
    page = _page(health, reference)
    assert OPINION in page
    assert OBJECTION in page
    assert "有新证据，已重新核查" in page
    with app.app_context():
        kinds = list(
            db.session().scalars(
                select(Event.kind).where(Event.report_id == reopened.id).order_by(Event.ordinal)
            )
        )
        audit = list(
            db.session().scalars(
                select(AuditEvent.action).where(AuditEvent.report_id == reopened.id)
            )
        )
        given = db.session().scalars(
            select(ReporterFeedback.kind).where(ReporterFeedback.report_id == reopened.id)
        )
        assert sorted(given) == ["notice", "result"]
    assert kinds[-2:] == ["feedback_given", "reopened"]
    assert audit.count("case_feedback") == 2


def test_an_insurance_report_is_told_within_5_working_days_of_the_decision(
    app: Flask, staff: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.test_request_context():
        receipt = submit_report(
            db.session(),
            context.settings(),
            context.taxonomy(),
            Submission(
                "insurance_fraud",
                False,
                ReportContent("诱导住院（虚构）"),
                contact=Contact("测试实名举报人（虚构）", "13800000000"),
            ),
            RECEIVED,
        )
        reference = receipt.report.reference
    insurer = staff("healthcare_security")
    _on(monkeypatch, RECEIVED)
    page = _page(insurer, reference)
    assert "受理告知" not in page.split('id="feedback-title"')[1].split("<form")[0]
    assert insurer.act(reference, "accept").status_code == 303
    # 5 working days after 30 Sep: 8, 9, 10 (调休), 12, 13 Oct.
    page = _page(insurer, reference)
    assert "应于 2026-10-13 前" in page
    assert "依据：《医疗保障基金使用监督管理举报处理暂行办法》，5个工作日" in page
    # New evidence reopens a concluded case only.
    refused = _feedback(
        insurer, reference, kind="notice", given_on="2026-09-30", way="phone",
        objection=OBJECTION, new_evidence="y",
    )  # fmt: skip
    assert refused.status_code == 422
    assert _row(app, reference).state == "accepted"


def test_an_anonymous_report_owes_no_feedback(
    app: Flask, staff: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = _receive(app, real_name=False)
    health = staff("health")
    _on(monkeypatch, ACCEPTED)
    page = _page(health, reference)
    assert "实名举报反馈" not in page
    response = _feedback(health, reference, kind="notice", given_on="2026-10-09", way="phone")
    assert response.status_code == 422
    assert "该件为匿名举报" in response.get_data(as_text=True)
    report = _row(app, reference)
    assert feedback.notice_due(report, context_settings(app)) is None


def context_settings(app: Flask) -> Settings:
    return app.extensions["qingfeng.settings"]


def test_real_name_cases_come_first_in_the_queue_with_their_flag(
    app: Flask, staff: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    anonymous = _receive(app, real_name=False)
    named = _receive(app)
    _on(monkeypatch, ACCEPTED)
    page = staff("health").client.get("/admin/queue?view=new").get_data(as_text=True)
    assert page.index(named) < page.index(anonymous)
    row = page[page.index(named) :].split("</tr>")[0]
    assert "实名（优先办理）" in row
    assert "实名（优先办理）" not in page[page.index(anonymous) :].split("</tr>")[0]


def test_late_feedback_is_on_the_overdue_board_and_reminded_once(
    app: Flask,
    staff: Login,
    monkeypatch: pytest.MonkeyPatch,
    inbox: tuple[Inbox, int],
    tmp_path: Path,
) -> None:
    reference = _receive(app)
    health = staff("health")
    _on(monkeypatch, ACCEPTED)
    health.act(reference, "accept")
    _feedback(health, reference, kind="notice", given_on="2026-10-09", way="letter")
    _on(monkeypatch, CONCLUDED)
    _conclude(health, reference)

    # On its last day the result is not late yet.
    _on(monkeypatch, dt.date(2026, 11, 23))
    board = staff("supervisor").client.get("/admin/overdue").get_data(as_text=True)
    assert reference not in board.split('id="feedback-overdue"')[1]

    late_day = dt.date(2026, 11, 24)
    _on(monkeypatch, late_day)
    board = staff("supervisor").client.get("/admin/overdue").get_data(as_text=True)
    part = board.split('id="feedback-overdue"')[1]
    assert reference in part
    assert RESULT_DUE in part
    assert "结果反馈" in part
    case_page = _page(health, reference)
    assert case_page.count('class="overdue"') >= 1
    queue = health.client.get("/admin/queue?view=all").get_data(as_text=True)
    pages = {"case": case_page, "board": board, "queue": queue}
    assert validate(pages, tmp_path) == []

    with app.app_context():
        first = tick.tick(db.session(), late_day, context_settings(app))
        assert [(late.report.reference, late.kind) for late in first.late_feedback] == [
            (reference, "result")
        ]
        session = db.session()
        session.execute(
            update(StaffMember)
            .where(StaffMember.username == staff("health").username)
            .values(email="health-desk@example.test")
        )
        settings = make_settings(
            tmp_path, smtp_host="127.0.0.1", smtp_port=inbox[1], smtp_starttls=False
        )
        assert tick.notify(session, settings, first) == ["health-desk@example.test"]
        ((_to, raw),) = inbox[0].messages
        message = email.message_from_string(raw, policy=email.policy.default)
        body = message.get_content()  # type: ignore[attr-defined]
        assert reference in body
        assert RESULT_DUE in body
        assert "实名结果反馈已超期" in body
        assert "收受红包" not in body  # never a word of the report
        again = tick.tick(db.session(), late_day + dt.timedelta(days=1), context_settings(app))
        assert again.late_feedback == []

    # Given late, it leaves the board.
    _feedback(health, reference, kind="result", given_on="2026-11-24", way="phone")
    board = staff("supervisor").client.get("/admin/overdue").get_data(as_text=True)
    assert reference not in board.split('id="feedback-overdue"')[1]


def test_the_statistics_count_real_name_feedback_and_satisfaction(
    app: Flask, staff: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    told, untold, anonymous = _receive(app), _receive(app), _receive(app, real_name=False)
    health = staff("health")
    _on(monkeypatch, ACCEPTED)
    for reference in (told, untold, anonymous):
        health.act(reference, "accept")
    _on(monkeypatch, CONCLUDED)
    for reference in (told, untold, anonymous):
        _conclude(health, reference)
    _on(monkeypatch, dt.date(2026, 11, 10))
    _feedback(health, told, kind="result", given_on="2026-11-03", way="status_page")
    _feedback(health, told, kind="result", given_on="2026-11-04", way="phone")  # told twice
    _feedback(health, told, kind="visit", given_on="2026-11-10", way="phone",
              satisfaction="basically")  # fmt: skip
    _feedback(health, untold, kind="visit", given_on="2026-11-10", way="phone",
              satisfaction="dissatisfied")  # fmt: skip
    # A visit needs the reporter's satisfaction.
    unrated = _feedback(health, untold, kind="visit", given_on="2026-11-10", way="phone")
    assert unrated.status_code == 422

    with app.app_context():
        table = statistics.compute(db.session(), dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    counts = table.total.counts
    assert (counts["named_concluded"], counts["named_fed_back"]) == (2, 1)
    assert table.total.rate("named_feedback_rate") == 0.5
    assert table.total.rate("satisfaction_rate") == 0.5

    _on(monkeypatch, dt.date(2026, 12, 10))
    page = staff("supervisor").client.get("/admin/stats?month=2026-11").get_data(as_text=True)
    assert "实名反馈率（%）" in page
    assert "满意率（%）" in page
    assert "50.0" in page

    # The 台账's 反馈情况 names the last result given to the real-name reporter, and how.
    rows = {r["案件编号"]: r for r in ledger(health, "health")}
    told_line = "2026-11-02已答复；已于 2026-11-04 向实名举报人反馈结果（电话）"
    assert rows[told]["反馈情况"] == told_line
    assert rows[untold]["反馈情况"] == "2026-11-02已答复"


def test_the_reporters_words_are_not_in_the_database(
    app: Flask, staff: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = _receive(app)
    health = staff("health")
    _on(monkeypatch, ACCEPTED)
    health.act(reference, "accept")
    _on(monkeypatch, CONCLUDED)
    _conclude(health, reference)
    response = _feedback(
        health, reference, kind="result", given_on="2026-11-02", way="letter",
        opinion=OPINION, objection=OBJECTION,
    )  # fmt: skip
    assert response.status_code == 303
    assert OPINION in _page(health, reference)
    stored = database_bytes(app)
    for text in (OPINION, OBJECTION):
        assert text.encode("utf-8") not in stored
        assert text.encode("utf-16-le") not in stored
    # Retention destroys the words with the case; the date and the way stay for the 统计表.
    with app.app_context():
        purged = retention.purge(db.session(), dt.date(2029, 1, 1), 730)
        assert purged == [reference]
        kept = db.session().scalars(select(ReporterFeedback)).one()
        assert (kept.opinion, kept.objection_text) == (None, None)
        assert (kept.given_on, kept.way, kept.objection) == (CONCLUDED, "letter", True)


def _documents(app: Flask, reference: str) -> dict[str, tuple[int, str]]:
    """The documents issued on the case: kind -> (id, 文号)."""
    report = _row(app, reference)
    with app.app_context():
        rows = db.session().scalars(select(CaseDocument).where(CaseDocument.report_id == report.id))
        return {d.kind: (d.id, d.reference) for d in rows}


def test_a_feedback_points_to_the_notice_that_carried_it(
    app: Flask, staff: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = _receive(app)
    health = staff("health")
    _on(monkeypatch, ACCEPTED)
    assert health.act(reference, "accept").status_code == 303
    assert health.act(reference, "document", kind="acceptance").status_code == 303
    notice_id, notice_number = _documents(app, reference)["acceptance"]
    # The form offers the notice issued on the case, and starts on none.
    page = _page(health, reference)
    assert f'<option value="{notice_id}">{notice_number} 受理告知书</option>' in page
    # An 受理告知书 does not carry a result.
    _on(monkeypatch, CONCLUDED)
    _conclude(health, reference)
    wrong = _feedback(
        health, reference, kind="result", given_on="2026-11-02", way="letter",
        document=str(notice_id),
    )  # fmt: skip
    assert wrong.status_code == 422
    assert "答复意见书" in wrong.get_data(as_text=True)
    told = _feedback(
        health, reference, kind="notice", given_on="2026-10-09", way="letter",
        document=str(notice_id),
    )  # fmt: skip
    assert told.status_code == 303
    assert health.act(reference, "document", kind="reply").status_code == 303
    reply_id, reply_number = _documents(app, reference)["reply"]
    # A result cannot point to a document issued after the day it was given.
    early = _feedback(
        health, reference, kind="result", given_on="2026-11-01", way="letter",
        document=str(reply_id),
    )  # fmt: skip
    assert early.status_code == 422
    answered = _feedback(
        health, reference, kind="result", given_on="2026-11-02", way="letter",
        document=str(reply_id),
    )  # fmt: skip
    assert answered.status_code == 303
    given = _page(health, reference).split('class="given"')[1].split("</ul>")[0]
    for document_id, number, title in (
        (notice_id, notice_number, "受理告知书"),
        (reply_id, reply_number, "答复意见书"),
    ):
        link = f'<a href="/admin/cases/{reference}/documents/{document_id}">{number} {title}</a>'
        assert link in given
    with app.app_context():
        audit = db.session().scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "case_feedback")
        )
        assert [d.get("document") for d in audit] == [notice_id, reply_id]

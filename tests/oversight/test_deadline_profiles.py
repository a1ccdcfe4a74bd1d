"""Deadline profiles (docs/rules.md §4, §8): each kind of case walked through its deadlines
across the National Day holiday, as the console shows them with the rule they rest on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from intake.domain.cases.content import ReportContent
from intake.domain.cases.reports import Submission, submit_report
from intake.domain.installation import DemoAccount
from intake.domain.models import Report
from intake.platform import context, db
from tests.console.console import Staff
from tests.console.test_extensions import allow_to_approve, colleague

Login = Callable[[str], Staff]

RECEIVED = dt.date(2026, 9, 30)  # the day before 国庆 (1-7 Oct; Sat 10 Oct is a 调休 workday)
ACCEPTED = dt.date(2026, 10, 9)
DISCIPLINE = "《纪检监察机关处理检举控告工作规则》"
INSURANCE = "《医疗保障基金使用监督管理举报处理暂行办法》"
PETITION = "《信访工作条例》"


def _receive(app: Flask, category: str, official: bool, channel: str) -> str:
    with app.test_request_context():
        receipt = submit_report(
            db.session(),
            context.settings(),
            context.taxonomy(),
            Submission(category, official, ReportContent("时限测试（虚构）"), channel=channel),
            RECEIVED,
        )
        return receipt.report.reference


def _row(app: Flask, reference: str) -> Report:
    with app.app_context():
        return db.session().scalars(select(Report).where(Report.reference == reference)).one()


def _on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(context, "today", lambda: day)


@pytest.mark.parametrize(
    ("category", "official", "channel", "bureau", "profile", "rule", "dates", "counts"),
    [
        # Working days: 15 after 30 Sep skip 1-7 Oct and count Sat 10 Oct; 60 after 9 Oct end
        # on 31 Dec; 30 more skip 元旦 and 春节 2027 (5-8 Feb).
        (
            "red_envelopes",
            True,
            "web",
            "health",
            "discipline",
            DISCIPLINE,
            ("2026-10-27", "2026-12-31", "2027-02-16"),
            ("15个工作日", "60个工作日", "60+30个工作日"),
        ),
        (
            "insurance_fraud",
            False,
            "web",
            "healthcare_security",
            "insurance",
            INSURANCE,
            ("2026-10-27", "2026-12-31", "2027-02-16"),
            ("15个工作日", "60个工作日", "60+30个工作日"),
        ),
        # Calendar days: the holiday counts like any other day.
        (
            "kickbacks",
            False,
            "letter",
            "health",
            "petition",
            PETITION,
            ("2026-10-15", "2026-12-08", "2027-01-07"),
            ("15日", "60日", "60+30日"),
        ),
        (
            "kickbacks",
            False,
            "web",
            "health",
            "default",
            PETITION,
            ("2026-10-15", "2026-12-08", "2027-01-07"),
            ("15日", "60日", "60+30日"),
        ),
    ],
)
def test_each_profile_counts_its_own_days_and_names_its_rule(
    app: Flask,
    staff: Login,
    accounts: dict[str, DemoAccount],
    monkeypatch: pytest.MonkeyPatch,
    category: str,
    official: bool,
    channel: str,
    bureau: str,
    profile: str,
    rule: str,
    dates: tuple[str, str, str],
    counts: tuple[str, str, str],
) -> None:
    decide, conclude, extended = dates
    reference = _receive(app, category, official, channel)
    row = _row(app, reference)
    assert (row.deadline_profile, row.decision_due.isoformat()) == (profile, decide)
    member = staff(bureau)
    page = member.client.get(f"/admin/cases/{reference}").get_data(as_text=True)
    assert f'{decide} <span class="basis">依据：{rule}，{counts[0]}</span>' in page

    _on(monkeypatch, ACCEPTED)
    assert member.act(reference, "accept").status_code == 303
    assert str(_row(app, reference).conclusion_due) == conclude
    page = member.client.get(f"/admin/cases/{reference}").get_data(as_text=True)
    assert f'{conclude} <span class="basis">依据：{rule}，{counts[1]}</span>' in page

    assert member.act(reference, "extend", reason="需要调取外地票据").status_code == 303
    assert str(_row(app, reference).conclusion_due) == conclude
    head = colleague(app, accounts, bureau, f"{bureau}-head")
    allow_to_approve(staff, app, f"{bureau}-head")
    assert head.act(reference, "extend_approve").status_code == 303
    assert str(_row(app, reference).conclusion_due) == extended
    page = member.client.get(f"/admin/cases/{reference}").get_data(as_text=True)
    assert f"依据：{rule}，{counts[2]}</span>" in page


def test_the_overdue_board_names_the_rule_of_each_deadline(
    app: Flask, staff: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    insurance = _receive(app, "insurance_fraud", False, "web")
    petition = _receive(app, "kickbacks", False, "visit")
    # 16 Oct: the petition's 15 calendar days are over; the insurance report's 15 working
    # days (to 27 Oct) are not, the holiday not counting.
    _on(monkeypatch, dt.date(2026, 10, 16))
    board = staff("supervisor").client.get("/admin/overdue").get_data(as_text=True)
    assert petition in board
    assert insurance not in board
    assert f'2026-10-15 <span class="basis">依据：{PETITION}，15日</span>' in board
    _on(monkeypatch, dt.date(2026, 10, 28))
    board = staff("supervisor").client.get("/admin/overdue").get_data(as_text=True)
    assert f'2026-10-27 <span class="basis">依据：{INSURANCE}，15个工作日</span>' in board


def test_a_date_set_from_outside_the_profile_shows_its_own_source(app: Flask, staff: Login) -> None:
    from intake.domain.cases import deadlines

    reference = _receive(app, "kickbacks", False, "web")
    health = staff("health")
    with app.app_context():
        session = db.session()
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        deadlines.override(report, dt.date(2026, 11, 20), "市专项整治办交办（测试〔2026〕1号）")
        session.commit()
    # Accepting keeps the date the order set rather than counting the profile's 60 days.
    assert health.act(reference, "accept").status_code == 303
    assert _row(app, reference).conclusion_due == dt.date(2026, 11, 20)
    page = health.client.get(f"/admin/cases/{reference}").get_data(as_text=True)
    assert '2026-11-20 <span class="basis">依据：市专项整治办交办（测试〔2026〕1号）</span>' in page

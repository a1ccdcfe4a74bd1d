"""The reward process (docs/rules.md §5): proposed by one member from the case value and the
grade table, approved by another, told to the reporter on /status, paid with the ID document
checked (sealed) within two calendar months, or lapsed by `qingfeng tick`; counted in the 统计表."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from admin.statistics.tables import document_sheet
from intake.domain.cases import rewards
from intake.domain.cases.casework import Actor, CaseworkError
from intake.domain.installation import DemoAccount
from intake.domain.models import Event, Report, StaffMember
from intake.domain.oversight import statistics, tick
from intake.platform import context, db
from tests.console.console import Staff, add_colleague, enrol_quickly
from tests.console.test_casework import report_row, status_page

Submit = Callable[..., tuple[str, str]]
Login = Callable[[str], Staff]
BUREAU = "healthcare_security"


def check_today(app: Flask) -> dt.date:
    with app.test_request_context():
        return context.today()


def _concluded(staff: Login, submit: Submit, **fields: str) -> tuple[str, str]:
    code, ref = submit(category="insurance_fraud", **fields)
    insurer = staff(BUREAU)
    insurer.act(ref, "accept")
    insurer.act(
        ref, "conclude", outcome="查实骗保(虚构)。", finding="substantiated", disposal="case_opened"
    )
    return code, ref


def reward_colleague(app: Flask, accounts: dict[str, DemoAccount]) -> Staff:
    add_colleague(app, accounts[BUREAU], BUREAU, "insurer-colleague")
    colleague = Staff(
        app, DemoAccount("insurer-colleague", "insurer-colleague-password", BUREAU, "")
    )
    colleague.secret = enrol_quickly(app, "insurer-colleague")
    assert colleague.login().status_code == 303
    return colleague


def test_a_reward_goes_from_proposal_to_approval_to_payment(
    app: Flask,
    client: FlaskClient,
    staff: Login,
    submit: Submit,
    accounts: dict[str, DemoAccount],
) -> None:
    code, ref = _concluded(staff, submit)
    insurer, colleague = staff(BUREAU), reward_colleague(app, accounts)
    # 1 % of 5,000 yuan is 50, under grade 3's floor and the national minimum: 200 yuan.
    assert insurer.act(ref, "reward_propose", basis="5000", grade=3).status_code == 303
    assert report_row(app, ref).reward_amount == 200_00
    # 3 % of ten million yuan is clamped to the national 200,000.
    assert insurer.act(ref, "reward_propose", basis="10000000", grade=1).status_code == 303
    assert report_row(app, ref).reward_amount == 200_000_00
    assert insurer.act(ref, "reward_propose", basis="200000", grade=2).status_code == 303
    assert report_row(app, ref).reward_amount == 4000_00
    assert "reward-notice-title" not in status_page(client, code)

    # The proposer cannot approve their own proposal; a colleague can.
    own = insurer.act(ref, "reward_approve")
    assert own.status_code == 422
    assert report_row(app, ref).reward_approved_on is None
    assert colleague.act(ref, "reward_approve").status_code == 303
    row = report_row(app, ref)
    today = check_today(app)
    assert row.reward_approved_on == today
    assert row.reward_claim_until == rewards.add_months(today, 2)

    page = status_page(client, code)
    assert "4000.00" in page
    assert today.isoformat() in page
    assert row.reward_claim_until.isoformat() in page
    days = (row.reward_claim_until - today).days + 1
    assert f"{days}" in page

    paid = colleague.act(
        ref,
        "reward_pay",
        id_type="resident_id",
        last_four="123X",
        paid_by="bank_transfer",
        paid_on=today.isoformat(),
    )
    assert paid.status_code == 303
    row = report_row(app, ref)
    assert (row.reward_paid_on, row.reward_paid_by) == (today, "bank_transfer")
    # The ID document is sealed with the case key: not in the row, readable on the case page.
    assert row.reward_id_check is not None
    assert b"123X" not in row.reward_id_check
    assert "****123X" in insurer.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert today.isoformat() in status_page(client, code)


def test_the_id_check_is_sealed_to_its_own_case(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> None:
    _code, ref = _concluded(staff, submit)
    _code2, other = _concluded(staff, submit)
    insurer, colleague = staff(BUREAU), reward_colleague(app, accounts)
    insurer.act(ref, "reward_propose", basis="200000", grade=2)
    colleague.act(ref, "reward_approve")
    colleague.act(
        ref, "reward_pay", id_type="passport", last_four="9876", paid_by="cash",
        paid_on=check_today(app).isoformat(),
    )  # fmt: skip
    # An attacker with write access moves the sealed check to another case: it does not open.
    with app.app_context():
        session = db.session()
        sealed = session.scalars(
            select(Report.reward_id_check).where(Report.reference == ref)
        ).one()
        session.execute(
            update(Report).where(Report.reference == other).values(reward_id_check=sealed)
        )
        session.commit()
    page = insurer.client.get(f"/admin/cases/{other}")
    assert page.status_code == 200
    assert "9876" not in page.get_data(as_text=True)


def test_an_excluded_reporter_gets_no_reward(
    app: Flask, client: FlaskClient, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> None:
    code, ref = _concluded(staff, submit)
    insurer, colleague = staff(BUREAU), reward_colleague(app, accounts)
    assert "/status/reward" in status_page(client, code)
    response = insurer.act(
        ref, "reward_propose", basis="200000", grade=1, excluded="insurance_staff"
    )
    assert response.status_code == 303
    row = report_row(app, ref)
    assert (row.reward_excluded, row.reward_amount) == ("insurance_staff", None)
    assert colleague.act(ref, "reward_approve").status_code == 422
    assert report_row(app, ref).reward_approved_on is None
    page = status_page(client, code)
    assert "/status/reward" not in page
    assert "reward-notice-title" not in page
    with app.app_context():
        kinds = (
            db.session()
            .scalars(select(Event.kind).join(Report).where(Report.reference == ref))
            .all()
        )
    assert "reward_excluded" in kinds


def test_among_linked_repeats_the_first_reporter_is_proposed(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, first = _concluded(staff, submit)
    _code2, repeat = _concluded(staff, submit)
    with app.app_context():
        session = db.session()
        first_id = session.scalars(select(Report.id).where(Report.reference == first)).one()
        session.execute(
            update(Report).where(Report.reference == repeat).values(repeat_of_id=first_id)
        )
        session.commit()
    insurer = staff(BUREAU)
    refused = insurer.act(repeat, "reward_propose", basis="200000", grade=1)
    assert refused.status_code == 422
    assert first in refused.get_data(as_text=True)
    assert report_row(app, repeat).reward_proposed_on is None
    assert insurer.act(first, "reward_propose", basis="200000", grade=1).status_code == 303


@pytest.mark.parametrize(
    ("notice", "last_day"),
    [
        (dt.date(2026, 12, 31), dt.date(2027, 2, 28)),
        (dt.date(2027, 12, 31), dt.date(2028, 2, 29)),
        (dt.date(2027, 1, 15), dt.date(2027, 3, 15)),
    ],
)
def test_an_unclaimed_reward_lapses_the_day_after_two_calendar_months(
    app: Flask, staff: Login, submit: Submit, notice: dt.date, last_day: dt.date
) -> None:
    _code, ref = _concluded(staff, submit)
    staff(BUREAU).act(ref, "reward_propose", basis="200000", grade=1)
    with app.app_context():
        session = db.session()
        report = session.scalars(select(Report).where(Report.reference == ref)).one()
        other = session.scalars(
            select(StaffMember).where(StaffMember.id != report.reward_proposed_by).limit(1)
        ).one()
        when = dt.datetime.combine(notice, dt.time(9), dt.UTC)
        rewards.approve(report, Actor(other, when, notice, secret_key=b""))
        session.commit()
        assert report.reward_claim_until == last_day
        assert tick.tick(session, last_day).lapsed == []
        assert report.reward_lapsed_on is None
        assert rewards.days_left(report, last_day) == 1
        lapsed = tick.tick(session, last_day + dt.timedelta(days=1)).lapsed
        assert [r.reference for r in lapsed] == [ref]
        assert report.reward_lapsed_on == last_day + dt.timedelta(days=1)
        assert [e.occurred_on for e in report.events if e.kind == "reward_lapsed"] == [
            last_day + dt.timedelta(days=1)
        ]
        # Once only, and a lapsed reward can no longer be paid.
        assert tick.tick(session, last_day + dt.timedelta(days=2)).lapsed == []
        with pytest.raises(CaseworkError):
            rewards.pay(
                report, b"", Actor(other, when, last_day, secret_key=b""),
                rewards.IdCheck("passport", "1234"), "cash", last_day,
            )  # fmt: skip


def test_the_statistics_count_rewards_proposed_approved_paid_and_lapsed(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> None:
    insurer, colleague = staff(BUREAU), reward_colleague(app, accounts)
    references = [_concluded(staff, submit)[1] for _ in range(3)]
    today = check_today(app)
    for ref, basis in zip(references, ("200000", "300000", "100000"), strict=True):
        insurer.act(ref, "reward_propose", basis=basis, grade=1)  # 6,000, 9,000, 3,000 yuan
    colleague.act(references[0], "reward_approve")
    colleague.act(references[1], "reward_approve")
    colleague.act(
        references[0], "reward_pay", id_type="resident_id", last_four="0001",
        paid_by="bank_transfer", paid_on=today.isoformat(),
    )  # fmt: skip
    with app.app_context():
        session = db.session()
        lapse_day = rewards.last_claim_day(today) + dt.timedelta(days=1)
        tick.tick(session, lapse_day)
        this_month = statistics.compute(session, today.replace(day=1), today).total.counts
        later = statistics.compute(session, lapse_day, lapse_day).total.counts
        with app.test_request_context():
            sheet = document_sheet(statistics.compute(session, today, today), "虚构办公室")
    assert (this_month["rewards_proposed"], this_month["rewards_proposed_fen"]) == (3, 18000_00)
    assert (this_month["rewards_approved"], this_month["rewards_approved_fen"]) == (2, 15000_00)
    assert (this_month["rewards_paid"], this_month["rewards_paid_fen"]) == (1, 6000_00)
    assert (later["rewards_lapsed"], later["rewards_lapsed_fen"]) == (1, 9000_00)
    assert later["rewards_proposed"] == 0
    # The 统计表 sent upward has the rewards as a table of their own, amounts in yuan.
    _title, header, lines = sheet.tables[2]
    assert "已发放奖励（件）" in header
    total = lines[-1]
    assert total[header.index("已发放奖励金额（元）")] == 6000


def test_the_market_regulation_scheme_pays_a_share_of_the_fines_up_to_a_million() -> None:
    market = rewards.scheme_for(
        "advertising_pricing", rewards.load(None, {"advertising_pricing", "unapproved_products",
                                                    "insurance_fraud", "pharmacy_card_fraud"})
    )  # fmt: skip
    assert market is not None
    assert market.amount(1_000_000_00, 1) == 50_000_00  # 5 % of a million yuan of fines
    assert market.amount(1_000_000_00, 3) == 10_000_00
    assert market.amount(100_000_000_00, 1) == 1_000_000_00  # at most a million yuan
    with pytest.raises(CaseworkError):
        market.amount(1_000_00, 4)


def test_the_province_s_grade_table_is_configuration(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    custom = tmp_path / "rewards.toml"
    custom.write_text(
        '[[schemes]]\ncode = "province"\nbasis = "case_value"\nmin_yuan = 200\n'
        'max_yuan = 200000\ncategories = ["insurance_fraud"]\n'
        'grades = [{ grade = 1, percent = "4", floor_yuan = 500 }]\n',
        encoding="utf-8",
    )
    app = make_app(rewards_path=custom)
    (scheme,) = app.extensions["qingfeng.rewards"]
    assert scheme.amount(100_000_00, 1) == 4_000_00
    assert scheme.amount(1_000_00, 1) == 500_00
    custom.write_text(custom.read_text().replace("insurance_fraud", "no_such_category"))
    with pytest.raises(ValueError, match="no_such_category"):
        make_app(rewards_path=custom)

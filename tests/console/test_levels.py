"""Cases between levels (docs/design.md, "Units"; intake/domain/cases/levels.py): the city's
bureau hands a case down (交办) to a county's bureau, which works it and reports back; the city
reads what was reported; a county reports a lead up (报送) and the city's bureau reads it; no
county hands down sideways or upwards, and a sibling county sees nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select

from intake.domain import units
from intake.domain.cases import hand_downs, levels
from intake.domain.cases.casework import Actor, CaseworkError
from intake.domain.cases.reports import open_with_key
from intake.domain.installation import DemoAccount, install_demo
from intake.domain.keys import keyring
from intake.domain.models import Bureau, Report, StaffMember, Unit
from intake.platform import context, db
from intake.platform.context import today as china_today
from tests.console.console import Staff, enrol_quickly
from tests.console.test_hand_downs import COMPLETION, PROGRESS, audited, conclude, row
from tests.console.units import file_report

TODAY = china_today()
CITY, COUNTY, SIBLING = "lv-city", "lv-jia", "lv-bing"
NUMBER = "市医保交〔2026〕5号"
REASON = "涉及全市多家医院，县级难以查处"


@pytest.fixture
def tree(app: Flask) -> dict[str, dict[str, DemoAccount]]:
    """A city with two counties below it, each with its demo bureaus and accounts."""
    out = {}
    with app.app_context():
        session = db.session()
        units.home(session)
        for code, name, level, parent in (
            (CITY, "丙市（虚构）", "city", None),
            (COUNTY, "甲县（虚构）", "county", CITY),
            (SIBLING, "丁县（虚构）", "county", CITY),
        ):
            unit = units.add_unit(session, code, name, level, parent)
            made = install_demo(session, context.settings(), context.taxonomy(), unit=unit)
            out[code] = {a.bureau or a.role: a for a in made}
    return out


def log_in(app: Flask, account: DemoAccount) -> Staff:
    member = Staff(app, account)
    member.secret = enrol_quickly(app, member.username)
    assert member.login().status_code == 303
    return member


def bureau_id(app: Flask, unit: str, code: str = "health") -> int:
    with app.app_context():
        return (
            db.session()
            .scalars(select(Bureau.id).join(Unit).where(Unit.code == unit, Bureau.code == code))
            .one()
        )


def hand_down(member: Staff, ref: str, to: int, due: dt.date, **extra: object) -> int:
    fields = {"bureau": str(to), "number": NUMBER, "due": due.isoformat(), **extra}
    return member.act(ref, "hand_down_below", **fields).status_code


def page(member: Staff, ref: str) -> tuple[int, str]:
    response = member.client.get(f"/admin/cases/{ref}")
    return response.status_code, response.get_data(as_text=True)


def test_the_city_hands_a_case_down_and_reads_the_county_s_reports(
    app: Flask, tree: dict[str, dict[str, DemoAccount]]
) -> None:
    city, county = log_in(app, tree[CITY]["health"]), log_in(app, tree[COUNTY]["health"])
    ref, due = file_report(app, CITY), TODAY + dt.timedelta(days=15)
    assert "甲县（虚构）" in page(city, ref)[1]  # the county's bureaus are offered
    # No number, no deadline: nothing happens.
    assert city.act(ref, "hand_down_below", bureau=str(bureau_id(app, COUNTY))).status_code == 422
    assert row(app, ref).lead_bureau_id == bureau_id(app, CITY)

    asked = city.act(ref, "hand_down_below", confirm=False, bureau=str(bureau_id(app, COUNTY)),
                     number=NUMBER, due=due.isoformat())  # fmt: skip
    assert "甲县（虚构）卫生健康" in asked.get_data(as_text=True)  # asked once more first
    assert row(app, ref).lead_bureau_id == bureau_id(app, CITY)
    assert hand_down(city, ref, bureau_id(app, COUNTY), due) == 303
    handed = row(app, ref)
    assert handed.lead_bureau_id == bureau_id(app, COUNTY)
    assert handed.conclusion_due == due
    assert NUMBER in (handed.conclusion_basis or "")
    assert "丙市（虚构）" in (handed.conclusion_basis or "")  # issued by the city's bureau
    assert "case_hand_down_below" in audited(app, ref)

    # The county reads the case, accepts it and reports back.
    status, text = page(county, ref)
    assert status == 200
    assert "单位测试（虚构）" in text
    assert NUMBER in text
    assert county.act(ref, "accept").status_code == 303
    sent = {"sent_on": TODAY.isoformat(), "document_number": "甲医保函〔2026〕2号"}
    progress = county.act(ref, "hand_down_report", kind="progress", text=PROGRESS, **sent)
    assert progress.status_code == 303
    assert conclude(county, ref) == 303
    done = county.act(ref, "hand_down_report", kind="completion", text=COMPLETION, **sent)
    assert done.status_code == 303

    # The city's bureau kept its copy of the key: it reads both reports, and works no more.
    status, text = page(city, ref)
    assert status == 200
    assert PROGRESS in text
    assert COMPLETION in text
    assert city.act(ref, "conclude", outcome="x", finding="substantiated").status_code == 403

    # The city's supervisor follows it on the 交办 board, by county and deadline.
    supervisor = log_in(app, tree[CITY]["supervisor"])
    board = supervisor.client.get("/admin/hand-downs").get_data(as_text=True)
    assert ref in board
    assert NUMBER in board
    assert due.isoformat() in board
    assert "甲县（虚构）" in board

    # The sibling county sees nothing of it.
    sibling = log_in(app, tree[SIBLING]["health"])
    assert page(sibling, ref)[0] == 404
    sibling_board = log_in(app, tree[SIBLING]["supervisor"]).client.get("/admin/hand-downs")
    assert ref not in sibling_board.get_data(as_text=True)


def test_a_county_hands_nothing_down_to_its_city_or_a_sibling(
    app: Flask, tree: dict[str, dict[str, DemoAccount]]
) -> None:
    county = log_in(app, tree[COUNTY]["health"])
    ref = file_report(app, COUNTY)
    assert "hand_down_below-bureau" not in page(county, ref)[1]  # nothing below to offer
    due = TODAY + dt.timedelta(days=10)
    for target in (bureau_id(app, CITY), bureau_id(app, SIBLING)):
        assert hand_down(county, ref, target, due) == 422
        assert row(app, ref).lead_bureau_id == bureau_id(app, COUNTY)
    assert "case_hand_down_below" not in audited(app, ref)


def test_a_county_reports_a_lead_up_and_the_city_reads_it(
    app: Flask, tree: dict[str, dict[str, DemoAccount]]
) -> None:
    county, city = log_in(app, tree[COUNTY]["health"]), log_in(app, tree[CITY]["health"])
    ref = file_report(app, COUNTY)
    assert page(city, ref)[0] == 404
    assert county.act(ref, "accept").status_code == 303
    escalated = county.act(ref, "escalate", body="丙市卫生健康委员会（虚构）", reason=REASON)
    assert escalated.status_code == 303
    assert row(app, ref).state == "handed_over"
    status, text = page(city, ref)
    assert status == 200
    assert "单位测试（虚构）" in text
    assert REASON in text
    # The county keeps it on record; the sibling county still sees nothing.
    assert page(county, ref)[0] == 200
    assert page(log_in(app, tree[SIBLING]["health"]), ref)[0] == 404


def test_the_city_s_copy_survives_the_county_s_acceptance_re_keying(
    app: Flask, tree: dict[str, dict[str, DemoAccount]]
) -> None:
    city, county = log_in(app, tree[CITY]["health"]), log_in(app, tree[COUNTY]["health"])
    ref = file_report(app, CITY)
    assert hand_down(city, ref, bureau_id(app, COUNTY), TODAY + dt.timedelta(days=5)) == 303
    epoch = row(app, ref).key_epoch
    assert county.act(ref, "accept").status_code == 303
    assert row(app, ref).key_epoch == epoch + 1  # the intake desk's copy went
    assert county.act(ref, "note", text="已调取台账（虚构）").status_code == 303
    assert "已调取台账（虚构）" in page(city, ref)[1]
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        holders = sorted(w.holder for w in report.key_wraps if w.bureau_id is not None)
    assert holders == ["bureau:health", f"bureau:{COUNTY}/health"]


def test_the_county_s_key_rotation_re_seals_its_copy_of_a_handed_down_case(
    app: Flask, tree: dict[str, dict[str, DemoAccount]]
) -> None:
    city = log_in(app, tree[CITY]["health"])
    ref = file_report(app, CITY)
    assert hand_down(city, ref, bureau_id(app, COUNTY), TODAY + dt.timedelta(days=5)) == 303
    account, county_health = tree[COUNTY]["health"], bureau_id(app, COUNTY)
    with app.app_context():
        session = db.session()
        member = session.scalars(
            select(StaffMember).where(StaffMember.username == account.username)
        ).one()
        staff_private = keyring.unlock_staff_key(member, account.password)
        secret_key = context.settings().secret_key
        assert keyring.rotate_bureau_key(session, member, staff_private, "health", secret_key) == 1
        session.commit()
        private = keyring.bureau_private_key(session, member, staff_private, "health")
        report = session.scalars(select(Report).where(Report.reference == ref)).one()
        data_key = keyring.data_key_for_bureau(report, "health", private, county_health)
        assert open_with_key(report, data_key).content.what_happened == "单位测试（虚构）"
    assert "单位测试（虚构）" in page(city, ref)[1]


def test_the_domain_refuses_a_hand_down_sideways_or_upwards_whatever_the_form_offers(
    app: Flask, tree: dict[str, dict[str, DemoAccount]]
) -> None:
    ref = file_report(app, COUNTY)
    account = tree[COUNTY]["health"]
    with app.app_context():
        session = db.session()
        member = session.scalars(
            select(StaffMember).where(StaffMember.username == account.username)
        ).one()
        report = session.scalars(select(Report).where(Report.reference == ref)).one()
        now = dt.datetime.now(dt.UTC)
        who = Actor(member, now, TODAY, secret_key=context.settings().secret_key)
        order = hand_downs.Order(NUMBER, "甲县卫生健康局（虚构）", TODAY, TODAY)
        for unit in (CITY, SIBLING):
            to = session.get(Bureau, bureau_id(app, unit))
            assert to is not None
            with pytest.raises(CaseworkError):
                levels.hand_down(session, report, b"\0" * 32, who, to, order)
        assert report.lead_bureau.unit.code == COUNTY


def test_the_case_page_names_each_key_holder_in_its_unit(
    app: Flask, tree: dict[str, dict[str, DemoAccount]]
) -> None:
    """The city's 卫健委 keeps its copy of a case it handed down to the county's: the page's
    list of who can read the case names both, each in its own unit, not the code's one name."""
    city, county = log_in(app, tree[CITY]["health"]), log_in(app, tree[COUNTY]["health"])
    ref = file_report(app, CITY)
    assert hand_down(city, ref, bureau_id(app, COUNTY), TODAY + dt.timedelta(days=15)) == 303
    with app.app_context():
        session = db.session()
        names = [session.get(Bureau, bureau_id(app, unit)).name_zh for unit in (CITY, COUNTY)]
    assert all(names)
    assert names[0] != names[1]
    listed = page(county, ref)[1].split("可查阅的单位</dt><dd>")[1].split("</dd>")[0]
    assert names[0] in listed
    assert names[1] in listed


def test_escalating_to_the_bureau_above_needs_no_name_typed(
    app: Flask, tree: dict[str, dict[str, DemoAccount]]
) -> None:
    """The tree names the bureau above: the form says so, and an empty name sends it there."""
    county, city = log_in(app, tree[COUNTY]["health"]), log_in(app, tree[CITY]["health"])
    ref = file_report(app, COUNTY)
    assert county.act(ref, "accept").status_code == 303
    with app.app_context():
        above = db.session().get(Bureau, bureau_id(app, CITY)).name_zh
    assert above
    assert above in page(county, ref)[1]
    assert county.act(ref, "escalate", body="", reason=REASON).status_code == 303
    assert row(app, ref).escalated_to == above
    assert page(city, ref)[0] == 200

"""Working a case through the console, and what the reporter sees of it on /status."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intake.domain.keys import followup
from intake.domain.models import AuditEvent, Message, Report
from intake.platform import db
from tests.console.console import Staff
from tests.helpers import check_status, form_values, hidden_tokens

Submit = Callable[..., tuple[str, str]]
Login = Callable[[str], Staff]


def report_row(app: Flask, reference: str) -> Report:
    """The case row with the relations the tests read, loaded before the session closes."""
    with app.app_context():
        return (
            db.session()
            .scalars(
                select(Report)
                .where(Report.reference == reference)
                .options(
                    selectinload(Report.lead_bureau),
                    selectinload(Report.key_wraps),
                    selectinload(Report.messages),
                )
            )
            .one()
        )


def status_page(client: FlaskClient, code: str) -> str:
    response = check_status(client, code)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def reply_as_reporter(client: FlaskClient, code: str, text: str) -> int:
    page = status_page(client, code)
    values = form_values(page)
    return client.post(
        "/status/reply",
        data={"csrf_token": values["csrf_token"], "token": values["token"], "text": text},
    ).status_code


def test_a_case_from_report_to_conclusion_with_a_dialogue(
    app: Flask, client: FlaskClient, staff: Login, submit: Submit
) -> None:
    code, ref = submit()
    health = staff("health")
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "心内科主任收取支架供应商回扣" in page  # the decrypted report
    assert "按类别：" in page  # its routing rule, in words
    assert "category:kickbacks" not in page

    assert health.act(ref, "accept").status_code == 303
    row = report_row(app, ref)
    assert row.state == "accepted"
    assert row.conclusion_due is not None

    assert health.act(ref, "message", text="请问回扣是现金还是转账?").status_code == 303
    assert "请问回扣是现金还是转账" in status_page(client, code)

    assert reply_as_reporter(client, code, "是微信转账,约每月一次。") == 200
    assert report_row(app, ref).awaiting_staff
    queue = health.client.get("/admin/queue?bureau=health&view=replies").get_data(as_text=True)
    assert ref in queue
    # A reporter's message carries its date only.
    with app.app_context():
        reporter_message = (
            db.session().scalars(select(Message).where(Message.author == "reporter")).one()
        )
        assert reporter_message.occurred_at is None
    case_page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "是微信转账" in case_page
    assert not report_row(app, ref).awaiting_staff

    response = health.act(
        ref,
        "conclude",
        outcome="经查属实,已责令整改并处罚款。",
        finding="substantiated",
        disposal="handled",
    )
    assert response.status_code == 303
    row = report_row(app, ref)
    assert (row.state, row.finding) == ("concluded", "substantiated")
    status = status_page(client, code)
    assert "经查属实,已责令整改并处罚款" in status
    # Kickbacks carry no reward by default.
    assert "status/reward" not in status

    assert health.act(ref, "reopen", reason="专项整治期间又有集中反映").status_code == 303
    assert report_row(app, ref).state == "under_review"


def test_an_illegal_transition_is_refused_with_a_clear_message(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health = staff("health")
    response = health.act(ref, "conclude", outcome="x", finding="substantiated", disposal="handled")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "not possible" in page or "无法" in page or "不能" in page
    assert report_row(app, ref).state == "received"


def test_not_accepting_shows_the_reason_to_the_reporter(
    app: Flask, client: FlaskClient, staff: Login, submit: Submit
) -> None:
    code, ref = submit()
    health = staff("health")
    empty = health.act(ref, "not_accept", reason="")
    assert empty.status_code == 422
    assert (
        health.act(ref, "not_accept", reason="不属于本局职责范围,请向市场监管局反映。").status_code
        == 303
    )
    assert "不属于本局职责范围" in status_page(client, code)
    assert report_row(app, ref).state == "not_accepted"
    # Triage is over: the intake desk's copy of the key is gone, the bureau's stays.
    assert {w.holder for w in report_row(app, ref).key_wraps} == {
        "reporter",
        "reporter-key",
        "bureau:health",
    }


def test_accepting_removes_the_intake_desks_copy(app: Flask, staff: Login, submit: Submit) -> None:
    _code, ref = submit()
    intake = staff("intake")
    assert intake.client.get(f"/admin/cases/{ref}").status_code == 200
    assert staff("health").act(ref, "accept").status_code == 303
    assert intake.client.get(f"/admin/cases/{ref}").status_code == 404


def test_transfer_rewraps_for_the_new_bureau_and_drops_the_old_one(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health, market = staff("health"), staff("market_regulation")
    assert market.client.get(f"/admin/cases/{ref}").status_code == 404
    response = health.act(ref, "transfer", bureau="market_regulation")
    assert response.status_code == 303
    assert market.client.get(f"/admin/cases/{ref}").status_code == 200
    assert health.client.get(f"/admin/cases/{ref}").status_code == 404
    row = report_row(app, ref)
    assert (row.state, row.lead_bureau.code) == ("transferred", "market_regulation")
    holders = {w.holder for w in row.key_wraps}
    assert "bureau:health" not in holders
    # The new bureau can accept it.
    assert market.act(ref, "accept").status_code == 303


def test_transfer_can_keep_the_old_bureau_as_co_bureau(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health, market = staff("health"), staff("market_regulation")
    health.act(ref, "transfer", bureau="market_regulation", keep_as_co="y")
    assert market.client.get(f"/admin/cases/{ref}").status_code == 200
    assert health.client.get(f"/admin/cases/{ref}").status_code == 200
    queue = health.client.get("/admin/queue?bureau=health&view=all").get_data(as_text=True)
    assert ref in queue


def test_hand_over_to_the_police_gives_them_a_copy(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit(category="insurance_fraud")
    insurer, police = staff("healthcare_security"), staff("public_security")
    insurer.act(ref, "accept")
    assert insurer.act(ref, "hand_over", target="police").status_code == 303
    row = report_row(app, ref)
    assert (row.state, row.handed_over_to) == ("handed_over", "police")
    assert police.client.get(f"/admin/cases/{ref}").status_code == 200


def test_notes_are_internal(app: Flask, client: FlaskClient, staff: Login, submit: Submit) -> None:
    code, ref = submit()
    health = staff("health")
    assert health.act(ref, "note", text="内部备注:先调取采购记录").status_code == 303
    assert "内部备注" in health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "内部备注" not in status_page(client, code)


def test_an_extension_is_asked_for_once_and_waits_for_approval(
    app: Flask, staff: Login, submit: Submit
) -> None:
    # The approval by a second member is in tests/console/test_extensions.py.
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    before = report_row(app, ref).conclusion_due
    assert before is not None
    assert health.act(ref, "extend", reason="需要调取外地票据").status_code == 303
    assert report_row(app, ref).conclusion_due == before
    assert health.act(ref, "extend", reason="again").status_code in (409, 422)
    assert report_row(app, ref).conclusion_due == before


def test_assigning_a_handler_starts_the_work(app: Flask, staff: Login, submit: Submit) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    handler_id = report_row(app, ref).lead_bureau_id
    with app.app_context():
        from intake.domain.models import StaffMember

        member_id = (
            db.session()
            .scalars(select(StaffMember.id).where(StaffMember.username == health.username))
            .one()
        )
    del handler_id
    assert health.act(ref, "assign", staff_id=member_id).status_code == 303
    row = report_row(app, ref)
    assert (row.state, row.assigned_staff_id) == ("in_progress", member_id)


def test_a_substantiated_insurance_fraud_case_lets_the_reporter_claim_a_reward(
    app: Flask, client: FlaskClient, staff: Login, submit: Submit
) -> None:
    code, ref = submit(category="insurance_fraud")
    insurer = staff("healthcare_security")
    insurer.act(ref, "accept")
    insurer.act(
        ref,
        "conclude",
        outcome="查实骗保12万元,已追回。",
        finding="substantiated",
        disposal="case_opened",
    )
    page = status_page(client, code)
    assert "/status/reward" in page
    values = form_values(page)
    incomplete = client.post(
        "/status/reward",
        data={"csrf_token": values["csrf_token"], "token": values["token"], "name": "王某(虚构)"},
    )
    assert incomplete.status_code == 422
    assert "王某(虚构)" in incomplete.get_data(as_text=True)
    claim = client.post(
        "/status/reward",
        data={
            "csrf_token": values["csrf_token"],
            "token": values["token"],
            "name": "王某(虚构)",
            "phone": "138 0000 0000",
            "payment": "某银行 6222 0000 0000 0000(虚构)",
        },
    )
    assert claim.status_code == 200
    assert report_row(app, ref).reward_claimed_on is not None
    case_page = insurer.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "6222 0000 0000 0000" in case_page
    # The sum comes from the case value and the grade: 3 % of 120,000 yuan (tests/console/
    # test_rewards.py follows it to approval, payment and lapse).
    assert insurer.act(ref, "reward_propose", basis="120000", grade=1).status_code == 303
    assert report_row(app, ref).reward_amount == 3600_00


def test_a_reward_cannot_be_claimed_before_conclusion(
    app: Flask, client: FlaskClient, submit: Submit
) -> None:
    code, _ref = submit(category="insurance_fraud")
    page = status_page(client, code)
    assert "/status/reward" not in page
    values = form_values(page)
    response = client.post(
        "/status/reward",
        data={
            "csrf_token": values["csrf_token"],
            "token": values["token"],
            "name": "王某",
            "phone": "13800000000",
            "payment": "x",
        },
    )
    assert response.status_code == 409


def test_a_reply_with_a_wrong_code_stores_nothing(
    app: Flask, client: FlaskClient, submit: Submit
) -> None:
    _code, ref = submit()
    token = hidden_tokens(client, "/status")["csrf_token"]
    response = client.post(
        "/status/reply",
        data={"csrf_token": token, "code": "1234 5678 9012 3456 7890", "text": "hi"},
    )
    assert response.status_code in (404, 422)
    assert report_row(app, ref).messages == []


def test_an_expired_reply_form_comes_back_with_the_text(
    app: Flask, client: FlaskClient, submit: Submit
) -> None:
    code, _ref = submit()
    response = client.post(
        "/status/reply", data={"csrf_token": "expired", "code": code, "text": "我还记得一个细节"}
    )
    assert response.status_code == 400
    assert "我还记得一个细节" in response.get_data(as_text=True)


@pytest.mark.parametrize("length", [5_000, 5_001])
def test_reporter_messages_have_a_limit(
    app: Flask, client: FlaskClient, submit: Submit, length: int
) -> None:
    code, ref = submit()
    status = reply_as_reporter(client, code, "字" * length)
    assert status == (200 if length == 5_000 else 422)
    assert len(report_row(app, ref).messages) == (1 if length == 5_000 else 0)


def test_every_case_view_is_audited(app: Flask, staff: Login, submit: Submit) -> None:
    _code, ref = submit()
    health = staff("health")
    health.client.get(f"/admin/cases/{ref}")
    health.act(ref, "accept")
    row = report_row(app, ref)
    with app.app_context():
        actions = (
            db.session()
            .scalars(select(AuditEvent.action).where(AuditEvent.report_id == row.id))
            .all()
        )
    assert actions == ["view_case", "case_accept"]


def test_the_status_page_never_carries_the_receipt_code(
    app: Flask, client: FlaskClient, submit: Submit
) -> None:
    code, _ref = submit()
    page = status_page(client, code)
    digits = re.sub(r"\D", "", page)
    assert code not in digits
    assert code not in page


def test_an_old_page_asks_for_the_code_again_and_keeps_the_text(
    app: Flask, client: FlaskClient, submit: Submit
) -> None:
    code, ref = submit()
    settings = app.extensions["qingfeng.settings"]
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        old = followup.issue(
            settings.secret_key,
            report.id,
            b"\0" * 32,
            dt.datetime.now(dt.UTC) - dt.timedelta(hours=2),
        )
    token = hidden_tokens(client, "/status")["csrf_token"]
    expired = client.post(
        "/status/reply", data={"csrf_token": token, "token": old, "text": "补充:还有第二家药店"}
    )
    assert expired.status_code == 409
    page = expired.get_data(as_text=True)
    assert "补充:还有第二家药店" in page
    values = form_values(page)
    again = client.post(
        "/status/reply",
        data={"csrf_token": values["csrf_token"], "code": code, "text": values["text"]},
    )
    assert again.status_code == 200
    assert len(report_row(app, ref).messages) == 1


def test_a_token_of_another_installation_opens_nothing(app: Flask, submit: Submit) -> None:
    _code, ref = submit()
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
    now = dt.datetime.now(dt.UTC)
    token = followup.issue(b"another-installation-secret-key!", report.id, b"\1" * 32, now)
    with pytest.raises(followup.TokenRefused):
        followup.redeem(app.extensions["qingfeng.settings"].secret_key, token, now)
    with pytest.raises(followup.TokenRefused):
        followup.redeem(app.extensions["qingfeng.settings"].secret_key, token[:-4] + "AAAA", now)


def test_a_transfer_is_chosen_confirmed_and_lands_on_the_queue_with_a_message(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health = staff("health")
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    # Nothing is pre-selected: the first option of 转办 is "choose one".
    assert_nothing_chosen(page, "transfer-bureau")
    unchosen = health.act(ref, "transfer", bureau="")
    assert unchosen.status_code == 422
    refused = unchosen.get_data(as_text=True)
    # The refusal is at the top of the page, focused, before the report.
    assert refused.index('role="alert"') < refused.index("心内科主任")
    assert 'id="problems" autofocus' in refused
    assert "请选择一项" in refused

    asked = health.act(ref, "transfer", confirm=False, bureau="market_regulation")
    assert asked.status_code == 200
    assert "确定将案件" in asked.get_data(as_text=True)
    assert "市场监督管理局" in asked.get_data(as_text=True)
    assert report_row(app, ref).lead_bureau.code == "health"  # nothing done yet

    done = health.act(ref, "transfer", bureau="market_regulation")
    assert done.status_code == 303
    assert done.headers["Location"].endswith("/admin/queue")
    queue = health.client.get(done.headers["Location"]).get_data(as_text=True)
    assert f"案件 {ref} 已转办给" in queue
    assert "市场监督管理局" in queue
    assert report_row(app, ref).lead_bureau.code == "market_regulation"


def assert_nothing_chosen(page: str, name: str) -> None:
    select_html = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    assert "selected" not in select_html, name
    assert '<option value="">' in select_html, name


def test_every_action_ends_with_a_message(app: Flask, staff: Login, submit: Submit) -> None:
    _code, ref = submit(category="insurance_fraud")
    insurer = staff("healthcare_security")
    insurer.act(ref, "accept")
    page = insurer.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    for name in ("conclude-finding", "conclude-disposal", "hand_over-target"):
        assert_nothing_chosen(page, name)
    _code, ref = submit()
    health = staff("health")
    for action, fields, said in [
        ("accept", {}, "已受理"),
        ("note", {"text": "内部备注(虚构)"}, "备注已添加"),
        ("message", {"text": "请补充时间(虚构)"}, "留言已发送"),
        ("major", {"major": "y"}, "已标记为重大线索"),
        (
            "conclude",
            {"outcome": "已核实(虚构)", "finding": "not_substantiated", "disposal": "handled"},
            "已办结",
        ),
    ]:
        response = health.act(ref, action, **fields)
        assert response.status_code == 303, action
        assert said in health.client.get(response.headers["Location"]).get_data(as_text=True)


def test_console_errors_stay_in_the_console(staff: Login) -> None:
    health = staff("health")
    missing = health.client.get("/admin/cases/NO-SUCH-CASE")
    assert missing.status_code == 404
    page = missing.get_data(as_text=True)
    assert "返回工作台" in page
    assert 'class="console"' in page
    assert "我要举报" not in page  # not the citizen's header


@pytest.mark.parametrize("role", ["health", "intake", "supervisor", "admin"])
def test_every_menu_link_opens_for_the_role_that_sees_it(staff: Login, role: str) -> None:
    member = staff(role)
    page = member.client.get("/admin/password").get_data(as_text=True)
    menu = page.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'href="([^"]+)"', menu)
    assert links
    for link in links:
        assert member.client.get(link).status_code == 200, (role, link)


def test_a_supervisor_finds_any_case_trail_by_reference(staff: Login, submit: Submit) -> None:
    _code, ref = submit()
    supervisor = staff("supervisor")
    typed = " " + ref.lower().removeprefix("qf-") + " "
    found = supervisor.client.get("/admin/find", query_string={"reference": typed})
    assert found.status_code == 303
    trail = supervisor.client.get(found.headers["Location"])
    assert trail.status_code == 200
    assert ref in trail.get_data(as_text=True)
    missing = supervisor.client.get("/admin/find", query_string={"reference": "QF-NOPE"})
    board = supervisor.client.get(missing.headers["Location"]).get_data(as_text=True)
    assert "没有编号为 QF-NOPE 的案件" in board


def test_the_timeline_reads_in_order_in_the_display_time_zone(
    app: Flask, staff: Login, submit: Submit
) -> None:
    from intake.domain.models import Event

    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    received_on = report_row(app, ref).received_on
    with app.app_context():
        session = db.session()
        accepted = session.scalars(select(Event).where(Event.kind == "accepted")).one()
        # 17:18 UTC the evening before is 01:18 in China on the day the report arrived.
        accepted.occurred_at = dt.datetime.combine(
            received_on - dt.timedelta(days=1), dt.time(17, 18), tzinfo=dt.UTC
        )
        session.commit()
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    timeline = page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    stamps = re.findall(r"<li>([0-9-]{10}(?: [0-9:]{5})?) ·", timeline)
    assert stamps[:2] == [received_on.isoformat(), f"{received_on.isoformat()} 01:18"]
    assert [s[:10] for s in stamps] == sorted(s[:10] for s in stamps)


def test_the_display_time_zone_is_one_setting(make_app: Callable[..., Flask]) -> None:
    from intake.config import Settings
    from intake.platform.context import local_time

    app = make_app(display_timezone="Europe/London")
    with app.app_context():
        when = dt.datetime(2026, 12, 2, 17, 18, tzinfo=dt.UTC)
        assert local_time(when) == "2026-12-02 17:18"
    with pytest.raises(ValueError, match="QINGFENG_DISPLAY_TIMEZONE"):
        Settings.from_env(
            {
                "QINGFENG_DISPLAY_TIMEZONE": "Mars/Olympus",
                "QINGFENG_SECRET_KEY": "00" * 32,
                "QINGFENG_RECEIPT_SALT": "00" * 16,
                "QINGFENG_INDEX_KEY": "00" * 32,
            }
        )


def test_co_bureaus_named_by_the_rule_are_shared_in_one_step(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit(category="insurance_fraud")
    insurer, health = staff("healthcare_security"), staff("health")
    page = insurer.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "但在共享之前，该单位无法查阅此案件" in page
    assert health.client.get(f"/admin/cases/{ref}").status_code == 404
    # One step: the button beside the sentence, nothing to choose.
    form = page.split('name="share-bureau" value="health"', 1)[0].rsplit("<form", 1)[1]
    token = re.search(r'name="share-csrf_token" value="([^"]+)"', form)
    assert token
    shared = insurer.client.post(
        f"/admin/cases/{ref}/share",
        data={"share-csrf_token": token.group(1), "share-bureau": "health"},
    )
    assert shared.status_code == 303
    assert health.client.get(f"/admin/cases/{ref}").status_code == 200
    again = insurer.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert 'name="share-bureau" value="health"' not in again


def test_a_refused_page_stays_in_the_console_with_a_way_back(staff: Login) -> None:
    refused = staff("supervisor").client.get("/admin/queue")
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    assert "您的角色无权打开此页面" in page
    assert "返回工作台" in page
    assert "我要举报" not in page

"""Grading and disposal (docs/rules.md §9): a grade only with the record of a collective study
(集体研判), a 负责人 named as the leader responsible (领导包案), 提级办理 that keeps the case on
record, and 挂牌督办 on the supervisors' board."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.domain.installation import DemoAccount
from intake.domain.models import CaseStudy, Event, Report
from intake.domain.oversight import retention, statistics
from intake.platform import db
from tests.console.console import Staff
from tests.console.test_casework import status_page
from tests.console.test_extensions import allow_to_approve, audited, colleague, row, staff_id
from tests.console.test_rewards import check_today
from tests.console.test_valid_html import validate
from tests.security.test_anonymity import database_bytes
from tests.security.test_at_rest import encodings

Submit = Callable[..., tuple[str, str]]
Login = Callable[[str], Staff]
FIRST = "初步研判：线索具体，涉及金额较大（虚构测试结论）"
SECOND = "再次研判：已牵涉多名科室主任，升为重大（虚构测试结论）"
REASON = "涉及本单位主要负责人，按规定提级办理（虚构测试理由）"
UPPER = "市卫生健康委员会"


def study(member: Staff, app: Flask, ref: str, grade: str, text: str, *names: str) -> int:
    response = member.act(
        ref,
        "grade",
        grade=grade,
        studied_on=check_today(app).isoformat(),
        participants=[staff_id(app, name) for name in names],
        conclusion=text,
    )
    return response.status_code


def test_a_study_grades_the_case_and_the_latest_round_sets_the_grade(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    second = colleague(app, accounts, "health", "health-second")
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "集体研判" in page
    assert "health-second" in page

    # One member is no collective study; nothing is recorded.
    assert study(health, app, ref, "important", FIRST, health.username) == 422
    assert row(app, ref).grade is None
    assert study(health, app, ref, "important", FIRST, health.username, second.username) == 303
    assert row(app, ref).grade == "important"
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "线索等级" in page
    assert "重要" in page
    assert FIRST in page
    assert f"参加人员：{health.username}、health-second" in page

    assert study(second, app, ref, "major", SECOND, health.username, second.username) == 303
    assert row(app, ref).grade == "major"
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert FIRST in page
    assert SECOND in page

    queue = health.client.get("/admin/queue?view=open&grade=major").get_data(as_text=True)
    assert ref in queue
    assert "重大" in queue
    assert ref not in health.client.get("/admin/queue?view=open&grade=important").get_data(
        as_text=True
    )
    assert [a for a in audited(app, ref) if a == "case_grade"] == ["case_grade"] * 2
    with app.app_context():
        rounds = db.session().scalars(select(CaseStudy).order_by(CaseStudy.ordinal)).all()
        assert [s.grade for s in rounds] == ["important", "major"]


def test_a_member_of_another_bureau_cannot_grade(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    colleague(app, accounts, "health", "health-second")
    other = staff("market_regulation")
    names = (health.username, "health-second")
    # Not a reader: the case does not exist for them. A co-bureau reads it but only adds notes.
    assert study(other, app, ref, "major", FIRST, *names) == 404
    assert health.act(ref, "share", bureau="market_regulation").status_code == 303
    assert "集体研判" not in other.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert study(other, app, ref, "major", FIRST, *names) == 403
    # Nor can the lead bureau count another bureau's member among those who took part.
    assert study(health, app, ref, "major", FIRST, health.username, other.username) == 422
    assert row(app, ref).grade is None


def test_only_a_head_who_may_approve_is_named_the_leader_responsible(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    colleague(app, accounts, "health", "health-head")
    head_id = staff_id(app, "health-head")
    assert health.act(ref, "leader", leader=head_id).status_code == 422
    assert row(app, ref).leader_staff_id is None

    allow_to_approve(staff, app, "health-head")
    assert health.act(ref, "leader", leader=head_id).status_code == 303
    assert row(app, ref).leader_staff_id == head_id
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "包案领导" in page
    assert "health-head" in page
    queue = health.client.get("/admin/queue?view=open").get_data(as_text=True)
    assert "health-head包案" in queue

    # Changing the leader is audited, with the one before.
    allow_to_approve(staff, app, health.username)
    assert health.act(ref, "leader", leader=staff_id(app, health.username)).status_code == 303
    assert [a for a in audited(app, ref) if a == "case_leader"] == ["case_leader"] * 2
    with app.app_context():
        kinds = db.session().scalars(select(Event.kind).where(Event.kind == "leader_named"))
        assert len(list(kinds)) == 2


def test_an_escalated_case_is_handed_above_and_stays_on_record(
    app: Flask, client: FlaskClient, staff: Login, submit: Submit
) -> None:
    code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    # With no unit above installed here, the body above must be named.
    assert health.act(ref, "escalate", body="", reason=REASON).status_code == 422
    asked = health.act(ref, "escalate", confirm=False, body=UPPER, reason=REASON)
    assert "提级至" in asked.get_data(as_text=True)  # asked once more first
    assert row(app, ref).escalated_to is None
    assert health.act(ref, "escalate", body=UPPER, reason=REASON).status_code == 303

    escalated = row(app, ref)
    assert (escalated.state, escalated.handed_over_to) == ("handed_over", "upper_level")
    assert (escalated.escalated_to, escalated.escalated_on) == (UPPER, check_today(app))
    page = health.client.get(f"/admin/cases/{ref}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert REASON in text
    assert UPPER in text
    assert "上级机关（提级办理）" in text
    assert "case_escalate" in audited(app, ref)
    # The upper level's answer is recorded as any hand-over's.
    today = check_today(app).isoformat()
    assert health.act(ref, "hand_over_reply", reply="filed", replied_on=today).status_code == 303
    assert row(app, ref).hand_over_reply == "filed"
    # The 统计表 counts it as a hand-over to the level above.
    with app.app_context():
        day = check_today(app)
        table = statistics.compute(db.session(), day.replace(day=1), day)
    assert table.total.counts[statistics.hand_over_column("upper_level")] == 1
    # The reporter reads that the case went on, never why or where.
    status = status_page(client, code)
    assert "已移送有关机关" in status
    assert REASON not in status
    assert UPPER not in status


def test_a_listed_case_is_on_the_supervisors_board(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    supervisor = staff("supervisor")
    assert ref not in supervisor.client.get("/admin/overdue").get_data(as_text=True)
    listed = health.act(
        ref, "listing", kind="listed", body="市纪委监委", since=check_today(app).isoformat()
    )
    assert listed.status_code == 303
    board = supervisor.client.get("/admin/overdue").get_data(as_text=True)
    assert ref in board
    assert "市纪委监委自" in board
    assert "挂牌督办" in board
    assert "挂牌督办" in health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "case_listing" in audited(app, ref)
    # Concluded, the case leaves the board: the supervision is over.
    health.act(
        ref, "conclude", outcome="已查实并处理（虚构）", finding="substantiated", disposal="handled"
    )
    assert row(app, ref).state == "concluded"
    assert ref not in supervisor.client.get("/admin/overdue").get_data(as_text=True)


def test_a_dump_holds_no_conclusion_or_reason(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    colleague(app, accounts, "health", "health-second")
    assert study(health, app, ref, "major", FIRST, health.username, "health-second") == 303
    assert health.act(ref, "escalate", body=UPPER, reason=REASON).status_code == 303
    dump = database_bytes(app)
    for secret in (FIRST, REASON):
        for encoded in encodings(secret):
            assert encoded not in dump, (secret, encoded[:20])


def test_retention_destroys_the_conclusions_and_keeps_the_grades(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    colleague(app, accounts, "health", "health-second")
    assert study(health, app, ref, "major", FIRST, health.username, "health-second") == 303
    assert health.act(ref, "escalate", body=UPPER, reason=REASON).status_code == 303
    with app.app_context():
        session = db.session()
        report = session.scalars(select(Report).where(Report.reference == ref)).one()
        retention.destroy(report, check_today(app))
        session.commit()
    destroyed = row(app, ref)
    assert destroyed.escalation_reason is None
    assert (destroyed.grade, destroyed.escalated_to) == ("major", UPPER)
    with app.app_context():
        rounds = db.session().scalars(select(CaseStudy)).all()
        assert [(s.grade, s.conclusion) for s in rounds] == [("major", b"")]


def test_a_study_regraded_in_the_database_no_longer_opens(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    colleague(app, accounts, "health", "health-second")
    assert study(health, app, ref, "ordinary", FIRST, health.username, "health-second") == 303
    with app.app_context():
        session = db.session()
        session.scalars(select(CaseStudy)).one().grade = "major"
        session.commit()
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert FIRST not in page
    assert "该结论无法在原位置打开" in page


def test_pages_with_grading_are_valid_html(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount], tmp_path: Path
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    colleague(app, accounts, "health", "health-second")
    allow_to_approve(staff, app, "health-second")
    refused = health.act(ref, "grade", grade="", conclusion="")
    assert refused.status_code == 422
    assert study(health, app, ref, "major", FIRST, health.username, "health-second") == 303
    health.act(ref, "leader", leader=staff_id(app, "health-second"))
    today = check_today(app).isoformat()
    health.act(ref, "listing", kind="joint", body="市纪委监委", since=today)
    health.act(ref, "escalate", body=UPPER, reason=REASON)
    pages = {
        "refused": refused.get_data(as_text=True),
        "case": health.client.get(f"/admin/cases/{ref}").get_data(as_text=True),
        "queue": health.client.get("/admin/queue?view=all").get_data(as_text=True),
        "board": staff("supervisor").client.get("/admin/overdue").get_data(as_text=True),
    }
    assert "联合督办" in pages["board"]
    assert validate(pages, tmp_path) == []


def test_major_cases_come_next_after_real_name_ones_in_every_tab(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> None:
    import datetime as dt

    health = staff("health")
    second = colleague(app, accounts, "health", "health-second")
    _code, plain = submit()
    _code, important = submit()
    _code, major = submit()
    _code, named = submit(real_name="y", name="王五（虚构）", phone="13900000000")
    for ref in (plain, important, major, named):
        assert health.act(ref, "accept").status_code == 303
    assert study(health, app, important, "important", FIRST, health.username, second.username)
    assert study(health, app, major, "major", SECOND, health.username, second.username) == 303
    # Oldest first within each part: the major case is newer than the plain and important.
    with app.app_context():
        session = db.session()
        for day, ref in enumerate((plain, important, major, named), start=1):
            report = session.scalars(select(Report).where(Report.reference == ref)).one()
            report.received_on = dt.date(2026, 9, day)
        session.commit()
    for view in ("open", "all"):
        page = health.client.get(f"/admin/queue?view={view}").get_data(as_text=True)
        queue = page.split("<tbody")[1]  # not the message of the last step
        order = sorted((plain, important, major, named), key=queue.index)
        names = {plain: "plain", important: "important", major: "major", named: "named"}
        assert [names[r] for r in order] == ["named", "major", "plain", "important"], view

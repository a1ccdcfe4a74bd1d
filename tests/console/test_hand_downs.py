"""Cases handed down by a higher office (上级交办, docs/rules.md §9): the order's own deadline
replaces the profile's, progress and the completion report (办结报告) go back, supervisors
follow every order on the 交办 board, and the other sources are counted apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from intake.domain.cases.lifecycle import State
from intake.domain.models import (
    AuditEvent,
    Bureau,
    CaseDocument,
    HandDown,
    HandDownCase,
    HandDownProgress,
    Report,
)
from intake.domain.oversight import hand_down_board, statistics
from intake.platform import db
from intake.platform.context import today as china_today
from tests.console.console import Staff
from tests.console.units import file_report
from tests.helpers import VALID_REPORT

Submit = Callable[..., tuple[str, str]]
Login = Callable[[str], Staff]
TODAY = china_today()
PROGRESS = "已调取该院近两年采购台账，正在逐笔核对"
COMPLETION = "经查属实，已立案处罚并责令整改"


def order(number: str, due: dt.date, issuer: str = "省医保局(虚构)") -> dict[str, str]:
    return {
        **VALID_REPORT,
        "channel": "referred",
        "source": issuer,
        "received_on": TODAY.isoformat(),
        "hand_down_number": number,
        "hand_down_issuer": issuer,
        "hand_down_due": due.isoformat(),
    }


#: An order straight into the database: its number, deadline and cases, each filed with a unit
#: (None: the home unit) and concluded or not.
Seeded = tuple[str, dt.date, list[tuple[str | None, bool]]]


def seed(app: Flask, orders: list[Seeded]) -> dict[str, list[str]]:
    """Record `orders` as the board reads them, without the casework steps (many orders, for
    the board's pages and figures); the references of each order's cases, by its number."""
    filed = {
        number: [file_report(app, unit) for unit, _done in cases] for number, _, cases in orders
    }
    with app.app_context():
        session = db.session()
        for number, due, cases in orders:
            hand_down = HandDown(number=number, issuer="省医保局(虚构)", received_on=TODAY, due=due)
            session.add(hand_down)
            for ref, (_unit, done) in zip(filed[number], cases, strict=True):
                report = session.scalars(select(Report).where(Report.reference == ref)).one()
                report.state = State.CONCLUDED if done else State.ACCEPTED
                hand_down.cases.append(HandDownCase(report_id=report.id, linked_on=TODAY))
        session.commit()
    return filed


def record(desk: Staff, fields: dict[str, str]) -> int:
    return desk.post("/admin/record", fields).status_code


def references(app: Flask, channel: str = "referred") -> list[str]:
    with app.app_context():
        return list(
            db.session().scalars(
                select(Report.reference)
                .where(Report.channel == channel)
                .order_by(Report.received_on, Report.reference)
            )
        )


def row(app: Flask, reference: str) -> Report:
    with app.app_context():
        return db.session().scalars(select(Report).where(Report.reference == reference)).one()


def audited(app: Flask, reference: str) -> list[str]:
    report_id = row(app, reference).id
    with app.app_context():
        return list(
            db.session().scalars(select(AuditEvent.action).where(AuditEvent.report_id == report_id))
        )


def conclude(member: Staff, ref: str) -> int:
    return member.act(
        ref, "conclude", outcome=COMPLETION, finding="substantiated", disposal="handled"
    ).status_code


def test_a_handed_down_case_runs_to_its_order_s_deadline_and_reports_back(
    app: Flask, staff: Login
) -> None:
    desk, health = staff("intake"), staff("health")
    due = TODAY + dt.timedelta(days=12)
    assert record(desk, order("医保交〔2026〕7号", due)) == 200
    (ref,) = references(app)
    handed = row(app, ref)
    assert handed.conclusion_due == due
    assert "医保交〔2026〕7号" in (handed.conclusion_basis or "")

    # Until it is accepted, the bureau's queue shows the decision deadline, as for any case.
    queue = health.client.get("/admin/queue").get_data(as_text=True)
    assert ref in queue
    assert handed.decision_due.isoformat() in queue
    # Acceptance keeps the order's date; the profile would have given far more days.
    assert health.act(ref, "accept").status_code == 303
    assert row(app, ref).conclusion_due == due
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "医保交〔2026〕7号" in page
    assert due.isoformat() in page

    # No completion report before the case is concluded; progress reports any time.
    sent = {"sent_on": TODAY.isoformat(), "document_number": "卫健函〔2026〕3号"}
    early = health.act(ref, "hand_down_report", kind="completion", text=COMPLETION, **sent)
    assert early.status_code == 422
    progress = health.act(ref, "hand_down_report", kind="progress", text=PROGRESS, **sent)
    assert progress.status_code == 303
    assert conclude(health, ref) == 303
    done = health.act(ref, "hand_down_report", kind="completion", text=COMPLETION, **sent)
    assert done.status_code == 303
    again = health.act(ref, "hand_down_report", kind="completion", text="再报一次", **sent)
    assert again.status_code == 422

    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert PROGRESS in page
    assert COMPLETION in page
    with app.app_context():
        texts = db.session().scalars(select(HandDownProgress.text)).all()
    assert len(texts) == 2
    assert all(PROGRESS.encode() not in t and COMPLETION.encode() not in t for t in texts)
    assert audited(app, ref).count("case_hand_down_report") == 2


def test_an_existing_case_is_recorded_as_handed_down_and_joins_the_order(
    app: Flask, staff: Login, submit: Submit
) -> None:
    desk, health = staff("intake"), staff("health")
    due = TODAY + dt.timedelta(days=9)
    assert record(desk, order("医保交〔2026〕8号", due)) == 200
    _code, ref = submit()
    fields = {
        "number": "医保交〔2026〕8号",
        "issuer": "省医保局(虚构)",
        "received_on": TODAY.isoformat(),
        "note": "请于期限内报送办结报告",
    }
    # The same order cannot carry another deadline.
    wrong = health.act(ref, "hand_down", due=(due + dt.timedelta(days=1)).isoformat(), **fields)
    assert wrong.status_code == 422
    assert health.act(ref, "hand_down", due=due.isoformat(), **fields).status_code == 303
    assert row(app, ref).conclusion_due == due
    assert health.act(ref, "hand_down", due=due.isoformat(), **fields).status_code == 422
    with app.app_context():
        links = db.session().scalars(select(HandDownCase)).all()
        assert len({link.hand_down_id for link in links}) == 1
        assert len(links) == 2
        assert all(b"\xe8\xaf\xb7" not in (link.note or b"") for link in links)
    assert "请于期限内报送办结报告" in health.client.get(f"/admin/cases/{ref}").get_data(
        as_text=True
    )
    assert "case_hand_down" in audited(app, ref)


def test_the_board_lists_overdue_orders_first_and_the_clearance_figure(
    app: Flask, staff: Login
) -> None:
    desk, health, supervisor = staff("intake"), staff("health"), staff("supervisor")
    later = TODAY + dt.timedelta(days=20)
    assert record(desk, order("交〔2026〕1号", later)) == 200
    past = {**order("交〔2026〕2号", TODAY - dt.timedelta(days=1))}
    past["received_on"] = (TODAY - dt.timedelta(days=10)).isoformat()
    assert record(desk, past) == 200
    assert record(desk, {**past, "hand_down_number": "交〔2026〕3号"}) == 200
    refs = {row(app, r).conclusion_basis: r for r in references(app)}
    finished = refs["省医保局(虚构) 交〔2026〕3号"]
    assert health.act(finished, "accept").status_code == 303
    assert conclude(health, finished) == 303

    response = supervisor.client.get("/admin/hand-downs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Overdue (2号, still open) before open (1号), before finished (3号).
    assert page.index("交〔2026〕2号") < page.index("交〔2026〕1号") < page.index("交〔2026〕3号")
    # Two leads have reached their deadline; one of them is concluded.
    assert "到期线索查结清零：到期 2 件，已查结 1 件" in page
    assert "已清零" not in page
    for member in (desk, health):
        assert member.client.get("/admin/hand-downs").status_code == 403


def test_the_new_sources_are_recorded_and_counted_apart(app: Flask, staff: Login) -> None:
    desk = staff("intake")
    sources = ("reported_up", "dept_referral", "inspection", "check_finding", "online_opinion")
    for channel in (*sources, "online_opinion"):
        fields = {**VALID_REPORT, "channel": channel, "received_on": TODAY.isoformat()}
        assert record(desk, fields) == 200
    with app.app_context():
        table = statistics.compute(db.session(), TODAY.replace(day=1), TODAY)
    received: dict[str, int] = {}
    for line in table.rows:
        received[line.channel] = received.get(line.channel, 0) + line.counts["received"]
    assert received == {**dict.fromkeys(sources, 1), "online_opinion": 2}
    # An order number belongs to a case handed down only.
    fields = {**VALID_REPORT, "channel": "inspection", "received_on": TODAY.isoformat()}
    assert record(desk, {**fields, "hand_down_number": "巡〔2026〕1号"}) == 422


def test_only_the_lead_bureau_reports_back_and_only_supervisors_see_the_board(
    app: Flask, staff: Login, submit: Submit
) -> None:
    desk, health = staff("intake"), staff("health")
    due = TODAY + dt.timedelta(days=5)
    assert record(desk, order("交〔2026〕9号", due)) == 200
    (ref,) = references(app)
    sent = {"kind": "progress", "sent_on": TODAY.isoformat(), "text": PROGRESS}
    # The intake desk records orders while it triages, but the bureau reports back.
    assert desk.act(ref, "hand_down_report", **sent).status_code == 403
    assert health.act(ref, "hand_down_report", **sent).status_code == 303
    # A case not handed down has nothing to report back.
    _code, other = submit()
    assert health.act(other, "hand_down_report", **sent).status_code == 422
    assert staff("admin").client.get("/admin/hand-downs").status_code == 403


def test_destroying_a_handed_down_case_deletes_what_was_written_about_it(
    app: Flask, staff: Login
) -> None:
    from intake.domain.oversight import retention

    desk, health = staff("intake"), staff("health")
    assert record(desk, order("交〔2026〕5号", TODAY + dt.timedelta(days=3))) == 200
    (ref,) = references(app)
    assert health.act(ref, "accept").status_code == 303
    assert conclude(health, ref) == 303
    sent = {"kind": "completion", "sent_on": TODAY.isoformat(), "text": COMPLETION}
    assert health.act(ref, "hand_down_report", **sent).status_code == 303
    with app.app_context():
        session = db.session()
        assert retention.purge(session, TODAY + dt.timedelta(days=800), 730) == [ref]
        (kept,) = session.scalars(select(HandDownProgress)).all()
        assert (kept.kind, kept.sent_on, kept.text) == ("completion", TODAY, b"")


def test_the_completion_report_is_the_办结报告_issued_to_the_office_that_handed_it_down(
    app: Flask, staff: Login
) -> None:
    desk, health = staff("intake"), staff("health")
    due = TODAY + dt.timedelta(days=12)
    assert record(desk, order("医保交〔2026〕11号", due)) == 200
    (ref,) = references(app)
    assert health.act(ref, "accept").status_code == 303
    assert conclude(health, ref) == 303
    assert health.act(ref, "document", kind="conclusion_report").status_code == 303
    with app.app_context():
        (document,) = db.session().scalars(select(CaseDocument)).all()
        document_id, number = document.id, document.reference
    # Addressed to the 交办机关, citing its order and the deadline it set.
    text = health.client.get(f"/admin/cases/{ref}/documents/{document_id}").get_data(as_text=True)
    assert "省医保局(虚构)：" in text
    assert "你机关以医保交〔2026〕11号交办的案件" in text
    assert f"要求于{due.year}年{due.month}月{due.day}日前办结" in text

    sent = {"kind": "completion", "sent_on": TODAY.isoformat(), "text": COMPLETION}
    # The page offers the 办结报告; a progress report does not point to it.
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert f'<option value="{document_id}">{number} 办结报告</option>' in page
    progress = {**sent, "kind": "progress", "document": str(document_id)}
    assert health.act(ref, "hand_down_report", **progress).status_code == 422
    # A number typed by hand must agree with the document chosen.
    typed = {**sent, "document": str(document_id), "document_number": "卫健函〔2026〕99号"}
    assert health.act(ref, "hand_down_report", **typed).status_code == 422
    done = health.act(ref, "hand_down_report", document=str(document_id), **sent)
    assert done.status_code == 303
    with app.app_context():
        (kept,) = db.session().scalars(select(HandDownProgress)).all()
        assert (kept.document_id, kept.document_number) == (document_id, number)
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert f'<a href="/admin/cases/{ref}/documents/{document_id}">{number} 办结报告</a>' in page
    board = staff("supervisor").client.get("/admin/hand-downs").get_data(as_text=True)
    line = board[board.index(ref) :].split("</li>")[0]
    assert f"{TODAY.isoformat()} 已报送办结报告 · {number}" in line


def test_the_board_lists_fifty_orders_a_page_and_counts_them_all(app: Flask, staff: Login) -> None:
    past, future = TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=30)
    orders: list[Seeded] = [
        # Overdue: past the deadline with a case open (one of two concluded).
        ("超〔2026〕1号", past, [(None, False), (None, True)]),
        ("超〔2026〕2号", past + dt.timedelta(days=1), [(None, False)]),
        # Open, by deadline, the first due today: due, not overdue.
        *[
            (f"办〔2026〕{n:02d}号", TODAY + dt.timedelta(days=n), [(None, False)])
            for n in range(47)
        ],
        # Finished, some past their deadline, one not yet due.
        *[(f"结〔2026〕{n}号", past + dt.timedelta(days=n), [(None, True)]) for n in range(4)],
        ("结〔2026〕9号", future, [(None, True), (None, True)]),
    ]
    seed(app, orders)
    supervisor = staff("supervisor")
    first = supervisor.client.get("/admin/hand-downs").get_data(as_text=True)
    second = supervisor.client.get("/admin/hand-downs?page=2").get_data(as_text=True)
    numbers = [number for number, _due, _cases in orders]
    # Overdue first, then open, then finished, each by deadline; 50 a page.
    assert [n for n in numbers if n in first] == numbers[:50]
    assert [n for n in numbers if n in second] == numbers[50:]
    assert "第 1 页，共 2 页" in first
    assert 'href="/admin/hand-downs?page=2"' in first
    assert 'href="/admin/hand-downs?page=1"' in second
    # A page past the last shows the last; a page that is no number is refused.
    last = supervisor.client.get("/admin/hand-downs?page=9").get_data(as_text=True)
    assert [n for n in numbers if n in last] == numbers[50:]
    assert supervisor.client.get("/admin/hand-downs?page=x").status_code == 400

    # The figures count every order, not one page: what the orders say.
    with app.app_context():
        session = db.session()
        bureaus = set(session.scalars(select(Bureau.id)))
        board = hand_down_board.board(session, TODAY, bureaus)
        listed = [
            o
            for page in (1, 2)
            for o in hand_down_board.board(session, TODAY, bureaus, page).orders
        ]
    due = [line for o in listed if o.due <= TODAY for line in o.lines]
    assert [o.number for o in listed] == numbers
    assert board.figures == hand_down_board.Figures(
        orders=len(listed),
        cases=sum(len(o.lines) for o in listed),
        overdue=sum(o.overdue for o in listed),
        open=sum(not o.overdue and not o.done for o in listed),
        finished=sum(o.done for o in listed),
        due_leads=len(due),
        due_concluded=sum(line.concluded for line in due),
    )
    assert (board.figures.overdue, board.figures.open, board.figures.finished) == (2, 47, 5)
    # Due: the three cases overdue, the one open due today, the four finished in the past.
    assert (board.due_leads, board.due_concluded) == (8, 5)
    assert "到期线索查结清零：到期 8 件，已查结 5 件" in first
    assert "交办 54 件，其中超期 2 件、办理中 47 件、已办结 5 件；涉及案件 56 件。" in first

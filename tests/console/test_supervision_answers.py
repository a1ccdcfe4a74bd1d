"""督办 with an answer (docs/rules.md §9): the note asks for the bureau's answer by a date, the
bureau records it on the case, and the supervisors' board lists the notes still waiting;
约谈 and 通报 are recorded as supervision events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from intake.domain.models import AuditEvent, Event, Report, SupervisionNote
from intake.platform import db
from intake.platform.context import today as china_today
from tests.console.console import Staff, csrf

Submit = Callable[..., tuple[str, str]]
Login = Callable[[str], Staff]
TODAY = china_today()
ANSWER = "已成立专班核查，本周内完成现场检查"
TALK = "约谈该局分管负责人，要求加快办理"


def report(app: Flask, reference: str) -> Report:
    with app.app_context():
        return db.session().scalars(select(Report).where(Report.reference == reference)).one()


def notes(app: Flask, reference: str) -> list[SupervisionNote]:
    report_id = report(app, reference).id
    with app.app_context():
        return list(
            db.session().scalars(
                select(SupervisionNote)
                .where(SupervisionNote.report_id == report_id)
                .order_by(SupervisionNote.occurred_at)
            )
        )


def supervise(supervisor: Staff, reference: str, answer_due: dt.date) -> int:
    data = {"text": "请加快办理并报告进展", "answer_due": answer_due.isoformat()}
    return supervisor.post(f"/admin/cases/{reference}/supervise", data).status_code


def board(supervisor: Staff) -> str:
    return supervisor.client.get("/admin/overdue").get_data(as_text=True)


def awaiting(page: str) -> str:
    """The part of the board listing notes that await an answer."""
    start = page.index('id="awaited-answers"')
    return page[start : page.index("<h2", start + 1)]


def test_a_supervision_note_waits_on_the_board_until_the_bureau_answers(
    app: Flask, staff: Login, submit: Submit
) -> None:
    supervisor, health = staff("supervisor"), staff("health")
    _code, late_ref = submit()
    _code, ref = submit()
    assert supervise(supervisor, ref, TODAY + dt.timedelta(days=5)) == 303
    # A date already past is refused: nothing is sent.
    assert supervise(supervisor, late_ref, TODAY - dt.timedelta(days=1)) == 303
    assert notes(app, late_ref) == []
    (note,) = notes(app, ref)
    assert note.answer_due == TODAY + dt.timedelta(days=5)
    assert ref in awaiting(board(supervisor))

    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "supervision_answer-text" in page
    response = health.act(ref, "supervision_answer", note_id=note.id, text=ANSWER)
    assert response.status_code == 303
    (answered,) = notes(app, ref)
    assert answered.answered_on == TODAY
    assert answered.answer is not None
    assert ANSWER.encode() not in answered.answer
    assert ANSWER in health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    # Answered once only; the board no longer waits for it, and lists it as answered.
    again = health.act(ref, "supervision_answer", note_id=note.id, text="再答一次")
    assert again.status_code == 422
    page = board(supervisor)
    assert ref not in awaiting(page)
    assert ref in page[page.index('id="awaited-answers"') :]
    # The supervisor reads no answer: it is sealed with the case's key.
    assert ANSWER not in page
    with app.app_context():
        kinds = db.session().scalars(select(Event.kind).where(Event.report_id == note.report_id))
        assert "supervision_answered" in list(kinds)
        actions = db.session().scalars(
            select(AuditEvent.action).where(AuditEvent.report_id == note.report_id)
        )
        assert "case_supervision_answer" in list(actions)


def test_an_unanswered_note_past_its_date_shows_as_overdue(
    app: Flask, staff: Login, submit: Submit
) -> None:
    supervisor = staff("supervisor")
    _code, ref = submit()
    assert supervise(supervisor, ref, TODAY) == 303
    with app.app_context():
        row = db.session().scalars(select(SupervisionNote)).one()
        row.answer_due = TODAY - dt.timedelta(days=2)
        db.session().commit()
    part = awaiting(board(supervisor))
    assert ref in part
    assert 'class="overdue"' in part


def test_talks_and_circulars_are_recorded_as_supervision_events(
    app: Flask, staff: Login, submit: Submit
) -> None:
    supervisor, health = staff("supervisor"), staff("health")
    _code, ref = submit()
    for kind in ("interview", "circular"):
        data = {"reference": ref, "kind": kind, "held_on": TODAY.isoformat(), "text": TALK}
        response = supervisor.post("/admin/supervision-events", data)
        assert response.status_code == 303
    # No kind chosen: nothing recorded.
    empty = {"reference": ref, "kind": "", "held_on": TODAY.isoformat(), "text": TALK}
    assert supervisor.post("/admin/supervision-events", empty).status_code == 303
    recorded = notes(app, ref)
    assert [(n.kind, n.held_on) for n in recorded] == [
        ("interview", TODAY),
        ("circular", TODAY),
    ]
    assert all(TALK.encode() not in n.body for n in recorded)
    # The bureau reads the note on the case; a talk asks for no answer.
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert page.count(TALK) == 2
    assert "supervision_answer-text" not in page
    with app.app_context():
        kinds = list(
            db.session().scalars(select(Event.kind).where(Event.report_id == recorded[0].report_id))
        )
    assert {"interviewed", "circulated"} <= set(kinds)


def test_only_supervisors_supervise_and_only_the_lead_bureau_answers(
    app: Flask, staff: Login, submit: Submit
) -> None:
    supervisor, health, desk = staff("supervisor"), staff("health"), staff("intake")
    _code, ref = submit()
    assert supervise(supervisor, ref, TODAY + dt.timedelta(days=3)) == 303
    (note,) = notes(app, ref)
    data = {"reference": ref, "kind": "interview", "held_on": TODAY.isoformat(), "text": TALK}
    for member in (health, desk):
        assert member.post("/admin/supervision-events", data).status_code == 403
    # The intake desk still holds a copy while it triages, but does not answer for the bureau.
    answer = desk.act(ref, "supervision_answer", note_id=note.id, text=ANSWER)
    assert answer.status_code == 403
    assert notes(app, ref)[0].answered_on is None
    # A supervisor holds no key: the case page is not theirs.
    token = csrf(supervisor.client, "/admin/overdue")
    response = supervisor.client.post(
        f"/admin/cases/{ref}/supervision_answer",
        data={"csrf_token": token, "supervision_answer-note_id": note.id},
    )
    assert response.status_code == 403


def test_listings_talks_and_circulars_are_counted_in_the_statistics(
    app: Flask, staff: Login, submit: Submit
) -> None:
    from intake.domain.oversight import statistics

    supervisor, health = staff("supervisor"), staff("health")
    _code, talked = submit()
    _code, listed = submit()
    for kind in ("interview", "interview", "circular"):
        data = {"reference": talked, "kind": kind, "held_on": TODAY.isoformat(), "text": TALK}
        assert supervisor.post("/admin/supervision-events", data).status_code == 303
    assert health.act(listed, "accept").status_code == 303
    since = TODAY.isoformat()
    listing = health.act(listed, "listing", kind="listed", body="市纪委监委", since=since)
    assert listing.status_code == 303
    with app.app_context():
        table = statistics.compute(db.session(), TODAY.replace(day=1), TODAY)
    counts = table.total.counts
    assert [counts[c] for c in statistics.SUPERVISION_COLUMNS] == [1, 0, 2, 1]
    (line,) = [r for r in table.rows if r.counts["interviews"]]
    assert line.bureau == "health"
    page = supervisor.client.get(f"/admin/stats?month={TODAY:%Y-%m}").get_data(as_text=True)
    for title in ("挂牌督办", "联合督办", "约谈", "通报"):
        assert f">{title}<" in page

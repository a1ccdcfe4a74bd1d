"""The supervisors' boards built for issue 18 — the 交办 board, 督办 notes awaiting an answer or
answered, late feedback to real-name reporters, 约谈 and 通报 — keep to the supervisor's own
unit and those below it (docs/design.md, "Units"): a county's supervisor sees nothing of
another county's cases on them and cannot record anything on those cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask

from intake.domain.models import SupervisionNote
from intake.platform import db
from intake.platform.context import today as china_today
from tests.console.console import Staff, enrol_quickly
from tests.console.test_hand_downs import order, record, references
from tests.console.test_supervision_answers import supervise
from tests.console.units import add_county

TODAY = china_today()


def test_another_county_s_supervisor_sees_nothing_of_the_home_county_on_the_boards(
    app: Flask, staff: Callable[[str], Staff]
) -> None:
    desk, health, home_supervisor = staff("intake"), staff("health"), staff("supervisor")
    # The home county: a case handed down, overdue, and a 督办 note awaiting an answer,
    # another answered.
    assert record(desk, order("医保交〔2026〕9号", TODAY + dt.timedelta(days=3))) == 200
    (handed,) = references(app)
    assert health.act(handed, "accept").status_code == 303
    assert supervise(home_supervisor, handed, TODAY + dt.timedelta(days=5)) == 303
    with app.app_context():
        session = db.session()
        note = session.query(SupervisionNote).filter_by(answered_on=None).one()
        # Answered, so it shows in the answered list as well as the case still being on the board.
        note.answered_on = TODAY
        session.commit()
    assert supervise(home_supervisor, handed, TODAY + dt.timedelta(days=5)) == 303
    home_hand_downs = home_supervisor.client.get("/admin/hand-downs").get_data(as_text=True)
    assert handed in home_hand_downs
    assert handed in home_supervisor.client.get("/admin/overdue").get_data(as_text=True)

    accounts = add_county(app)
    other = Staff(app, accounts["supervisor"])
    other.secret = enrol_quickly(app, other.username)
    assert other.login().status_code == 303
    for path in ("/admin/hand-downs", "/admin/overdue"):
        page = other.client.get(path)
        assert page.status_code == 200
        assert handed not in page.get_data(as_text=True), path
        assert "医保交〔2026〕9号" not in page.get_data(as_text=True), path
    # Recording a 约谈 on the home county's case is refused as if it did not exist.
    talk = {"reference": handed, "kind": "interview", "held_on": TODAY.isoformat(), "text": "约谈"}
    assert other.post("/admin/supervision-events", talk).status_code == 303
    with app.app_context():
        kinds = [n.kind for n in db.session().query(SupervisionNote).all()]
    assert "interview" not in kinds

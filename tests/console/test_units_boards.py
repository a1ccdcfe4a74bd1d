"""The supervisors' boards built for issue 18 — the 交办 board, 督办 notes awaiting an answer or
answered, late feedback to real-name reporters, 约谈 and 通报 — keep to the supervisor's own
unit and those below it (docs/design.md, "Units"): a county's supervisor sees nothing of
another county's cases on them and cannot record anything on those cases."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from intake.domain import units
from intake.domain.installation import install_demo
from intake.domain.models import SupervisionNote
from intake.platform import context, db
from intake.platform.context import today as china_today
from tests.console.console import Staff, enrol_quickly
from tests.console.test_hand_downs import order, record, references, seed
from tests.console.test_levels import log_in
from tests.console.test_supervision_answers import supervise
from tests.console.test_valid_html import validate
from tests.console.units import add_county

TODAY = china_today()
CITY, JIA, BING = "lv-city", "lv-jia", "lv-bing"


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


def test_a_city_s_hand_down_board_sums_up_by_county_and_drills_down(
    app: Flask, tmp_path: Path
) -> None:

    with app.app_context():
        session = db.session()
        units.home(session)
        accounts = {}
        for code, name, level, parent in (
            (CITY, "丙市（虚构）", "city", None),
            (JIA, "甲县（虚构）", "county", CITY),
            (BING, "丁县（虚构）", "county", CITY),
        ):
            unit = units.add_unit(session, code, name, level, parent)
            made = install_demo(session, context.settings(), context.taxonomy(), unit=unit)
            accounts[code] = {a.bureau or a.role: a for a in made}
    past, later = TODAY - dt.timedelta(days=2), TODAY + dt.timedelta(days=10)
    filed = seed(
        app,
        [
            # One order to both counties: overdue in 甲县, finished in 丁县.
            ("市交〔2026〕1号", past, [(JIA, False), (JIA, True), (BING, True)]),
            ("市交〔2026〕2号", later, [(JIA, False)]),
            ("市交〔2026〕3号", past, [(BING, True)]),
            # The home county's, outside the city's tree.
            ("省交〔2026〕4号", past, [(None, False)]),
        ],
    )
    city = log_in(app, accounts[CITY]["supervisor"])
    page = city.client.get("/admin/hand-downs").get_data(as_text=True)
    assert filed["省交〔2026〕4号"][0] not in page
    summary = page[page.index('<table class="board-summary">') :].split("</table>")[0]
    rows = [row.split("</tr>")[0] for row in summary.split("<tr>")[2:]]
    # Orders, cases, overdue orders, due leads concluded of those due: each county's own.
    assert [re.findall(r"<td>([^<]*)</td>", row) for row in rows] == [
        ["2", "3", "1", "1/2"],
        ["2", "2", "0", "2/2"],
    ]
    assert 'href="/admin/hand-downs?unit=lv-jia">甲县（虚构）</a>' in rows[0]
    assert 'href="/admin/hand-downs?unit=lv-bing">丁县（虚构）</a>' in rows[1]
    # The whole city: three orders, the first overdue for 甲县's open case.
    assert "交办 3 件，其中超期 1 件、办理中 1 件、已办结 1 件；涉及案件 5 件。" in page
    assert "到期线索查结清零：到期 4 件，已查结 3 件" in page
    assert validate({"hand-downs-city": page}, tmp_path) == []

    # One county: its cases only, and the order finished there though open in the other.
    bing = city.client.get(f"/admin/hand-downs?unit={BING}").get_data(as_text=True)
    assert all(ref in bing for ref in filed["市交〔2026〕3号"])
    assert filed["市交〔2026〕1号"][2] in bing
    assert not any(ref in bing for ref in filed["市交〔2026〕1号"][:2] + filed["市交〔2026〕2号"])
    assert "交办 2 件，其中超期 0 件、办理中 0 件、已办结 2 件；涉及案件 2 件。" in bing
    assert "board-summary" not in bing  # a county has no unit below to sum up
    # A unit outside the supervisor's tree is as unknown as one that does not exist.
    for code in (units.HOME, "nowhere"):
        assert city.client.get(f"/admin/hand-downs?unit={code}").status_code == 404
    county = log_in(app, accounts[JIA]["supervisor"])
    assert county.client.get(f"/admin/hand-downs?unit={CITY}").status_code == 404
    assert county.client.get(f"/admin/hand-downs?unit={JIA}").status_code == 200
    # A county's board has no summary either.
    assert "board-summary" not in county.client.get("/admin/hand-downs").get_data(as_text=True)

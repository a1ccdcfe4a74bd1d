"""回头看 in batches: a supervisor selects concluded cases and opens a round; a case reported
again after its conclusion is proposed; the lead bureau records a result beside the finding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select
from werkzeug.test import TestResponse as Response

from intake.domain.models import Report, ReviewItem, ReviewRound
from intake.platform import db
from intake.platform.context import today as china_today
from tests.console.console import Staff

Login = Callable[[str], Staff]
Submit = Callable[..., tuple[str, str]]
CLINIC = {"institution": "仁心诊所(虚构)", "people": "钱大夫(虚构)"}


def _conclude(member: Staff, reference: str, disposal: str = "handled") -> None:
    assert member.act(reference, "accept").status_code == 303
    response = member.act(
        reference, "conclude", outcome="经查属实(虚构)", finding="substantiated", disposal=disposal
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def _concluded_days_ago(app: Flask, reference: str, days: int) -> None:
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == reference)).one()
        report.concluded_on = china_today() - dt.timedelta(days=days)
        report.received_on = report.concluded_on - dt.timedelta(days=20)
        db.session().commit()


def test_a_round_from_selection_to_results(app: Flask, staff: Login, submit: Submit) -> None:
    health, insurance, supervisor = (
        staff("health"),
        staff("healthcare_security"),
        staff("supervisor"),
    )
    _code, again = submit(**CLINIC)  # kickbacks: health
    _code, quiet = submit(institution="另一家医院(虚构)", people="孙某某(虚构)")
    _code, fraud = submit(category="insurance_fraud", institution="第三医院(虚构)")
    _conclude(health, again)
    _conclude(health, quiet)
    _conclude(insurance, fraud, disposal="case_opened")
    for reference in (again, quiet, fraud):
        _concluded_days_ago(app, reference, 30)
    # A new report about the same clinic, written differently: the case is proposed.
    submit(institution="仁心 診所", people="钱大夫")
    page = supervisor.client.get("/admin/reviews").get_data(as_text=True)
    proposals = page.split("<h2>", 2)[1]
    assert again in proposals
    assert quiet not in proposals
    assert fraud not in proposals

    due = (china_today() + dt.timedelta(days=30)).isoformat()
    response = supervisor.post(
        "/admin/reviews",
        {"title": "医保领域回头看(虚构)", "category": "insurance_fraud", "bureau": "",
         "due": due, "include_proposed": "y"},
    )  # fmt: skip
    assert response.status_code == 303, response.get_data(as_text=True)
    round_page = supervisor.client.get(response.headers["Location"]).get_data(as_text=True)
    assert fraud in round_page
    assert again in round_page
    assert quiet not in round_page
    # Waiting in a round, the case is no longer proposed.
    assert (
        again
        not in supervisor.client.get("/admin/reviews").get_data(as_text=True).split("<h2>", 2)[1]
    )

    with app.app_context():
        item = (
            db.session()
            .scalars(select(ReviewItem).join(Report).where(Report.reference == again))
            .one()
        )
        item_id, proposed = item.id, item.proposed
    assert proposed
    assert due in health.client.get(f"/admin/cases/{again}").get_data(as_text=True)
    response = health.post(f"/admin/cases/{again}/review/{item_id}", {"review-result": "rectify"})
    assert response.status_code == 303, response.get_data(as_text=True)
    # Recorded once; the first finding is as it was.
    again_response = health.post(
        f"/admin/cases/{again}/review/{item_id}", {"review-result": "upheld"}
    )
    assert again_response.status_code == 422
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == again)).one()
        assert report.finding == "substantiated"
        assert db.session().get(ReviewItem, item_id).result == "rectify"
    with app.app_context():
        round_id = db.session().get(ReviewItem, item_id).round_id
    round_page = supervisor.client.get(f"/admin/reviews/{round_id}").get_data(as_text=True)
    assert "需整改或重新办理" in round_page
    # Another bureau's member cannot record it.
    refused = insurance.post(f"/admin/cases/{again}/review/{item_id}", {"review-result": "upheld"})
    assert refused.status_code == 404


def test_only_supervisors_open_rounds(staff: Login) -> None:
    assert staff("health").client.get("/admin/reviews").status_code in (302, 303, 403)


def test_a_round_selects_the_cases_that_named_an_institution(
    app: Flask, staff: Login, submit: Submit
) -> None:
    health, supervisor = staff("health"), staff("supervisor")
    _code, named = submit(institution="康宁医院有限公司(虚构)", people="周某(虚构)")
    _code, other = submit(institution="另一家医院(虚构)", people="吴某(虚构)")
    for reference in (named, other):
        _conclude(health, reference)
    due = (china_today() + dt.timedelta(days=30)).isoformat()

    def open_round(institution: str) -> Response:
        return supervisor.post(
            "/admin/reviews",
            {"title": "回头看(虚构)", "category": "", "bureau": "", "institution": institution,
             "due": due},
        )  # fmt: skip

    vague = open_round("医院")
    assert vague.status_code == 422
    assert "医院" in vague.get_data(as_text=True)
    # Written differently (full-width, a space, without the company ending), still the same.
    response = open_round("康宁 医院")
    assert response.status_code == 303, response.get_data(as_text=True)
    page = supervisor.client.get(response.headers["Location"]).get_data(as_text=True)
    assert named in page
    assert other not in page
    with app.app_context():
        kept = db.session().scalars(select(ReviewRound.selection)).all()
    # The round keeps that an institution was given, never its name.
    assert "康宁" not in repr(kept)

"""Outcomes on conclusion (docs/rules.md §11): the disposal the governing rule allows, the
measures as dated metadata, 整改 items sealed with the report, and updates after conclusion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from intake.domain.cases.outcomes import Kind
from intake.domain.models import Event, Measure, Rectification, Report
from intake.platform import context, db
from tests.console.console import Staff

Submit = Callable[..., tuple[str, str]]
Login = Callable[[str], Staff]


def conclude_fields(**extra: object) -> dict[str, object]:
    return {"outcome": "经查属实,已追回基金并处罚款。(虚构)", "finding": "substantiated", **extra}


def entries(app: Flask, ref: str) -> list[tuple[str, int, dt.date]]:
    with app.app_context():
        rows = db.session().execute(
            select(Measure.kind, Measure.quantity, Measure.recorded_on)
            .join(Report)
            .where(Report.reference == ref)
            .order_by(Measure.id)
        )
        # The measures typed; the entries the casework derives are checked by the statistics.
        return [tuple(r) for r in rows if r.kind in set(Kind)]  # type: ignore[misc]


def test_concluding_records_disposal_measures_in_fen_and_sealed_items(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit(category="insurance_fraud")
    insurer = staff("healthcare_security")
    insurer.act(ref, "accept")
    page = insurer.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    # The insurance-fund rule offers 立案 / 不予立案, not the discipline commission's disposals.
    assert 'value="case_opened"' in page
    assert 'value="talk_inquiry"' not in page
    response = insurer.act(
        ref,
        "conclude",
        **conclude_fields(
            disposal="case_opened",
            fund_recovered="120000.50",
            fines="3000",
            admin_penalties="1",
            agreements_suspended="1",
            items="补缴违规结算费用(虚构)\n完善收费公示制度(虚构)",
        ),
    )
    assert response.status_code == 303
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        assert (report.disposal, report.finding) == ("case_opened", "substantiated")
        items = db.session().scalars(select(Rectification)).all()
        assert len(items) == 2
        assert all(i.done_on is None for i in items)
        # The text is sealed: a copy of the database does not read it.
        assert all("补缴".encode() not in i.body for i in items)
        today = context.today()
    assert sorted(entries(app, ref)) == sorted(
        [
            ("fines", 300_000, today),
            ("fund_recovered", 12_000_050, today),
            ("admin_penalties", 1, today),
            ("agreements_suspended", 1, today),
        ]
    )
    page = insurer.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "120000.50" in page
    assert "补缴违规结算费用(虚构)" in page


def test_a_disposal_of_another_rule_and_a_third_decimal_are_refused(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit(category="insurance_fraud")
    insurer = staff("healthcare_security")
    insurer.act(ref, "accept")
    wrong_rule = insurer.act(ref, "conclude", **conclude_fields(disposal="talk_inquiry"))
    assert wrong_rule.status_code == 422
    third = insurer.act(ref, "conclude", **conclude_fields(disposal="case_opened", fines="1.005"))
    assert third.status_code == 422
    assert "1.005" in third.get_data(as_text=True)  # the form comes back as typed
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        assert report.state == "accepted"
        assert report.disposal is None
    assert entries(app, ref) == []


@pytest.mark.parametrize(
    ("fields", "disposals"),
    [
        ({"category": "kickbacks"}, {"handled", "not_handled"}),
        (
            {"category": "kickbacks", "official_involved": "yes"},
            {"talk_inquiry", "preliminary_check", "held_pending", "closed", "investigation"},
        ),
        ({"category": "insurance_fraud"}, {"case_opened", "not_opened"}),
    ],
)
def test_the_governing_rule_decides_the_disposals_offered(
    staff: Login, submit: Submit, fields: dict[str, str], disposals: set[str]
) -> None:
    _code, ref = submit(**fields)
    with_rights = {"kickbacks": "health", "insurance_fraud": "healthcare_security"}
    member = staff(with_rights[fields["category"]])
    member.act(ref, "accept")
    page = member.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    form = page[page.index('name="conclude-disposal"') :]
    form = form[: form.index("</select>")]
    every = {
        "talk_inquiry", "preliminary_check", "held_pending", "closed", "investigation",
        "case_opened", "not_opened", "handled", "not_handled",
    }  # fmt: skip
    offered = {d for d in every if f'value="{d}"' in form}
    assert offered == disposals


def test_a_measure_landing_later_is_dated_the_day_it_is_recorded(
    app: Flask, staff: Login, submit: Submit, monkeypatch: pytest.MonkeyPatch
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    health.act(
        ref, "conclude", **conclude_fields(disposal="handled", fines="500", items="退还回扣(虚构)")
    )
    concluded_on = context.today()
    later = concluded_on + dt.timedelta(days=40)
    monkeypatch.setattr(context, "today", lambda: later)
    with app.app_context():
        item = db.session().scalars(select(Rectification)).one()
        item_id = item.id
    # The fine was raised to 800 yuan when paid; the 整改 item is done.
    response = health.act(ref, "outcome", fines="800", done=str(item_id))
    assert response.status_code == 303
    assert entries(app, ref) == [("fines", 50_000, concluded_on), ("fines", 30_000, later)]
    with app.app_context():
        assert db.session().get(Rectification, item_id).done_on == later  # type: ignore[union-attr]
        kinds = db.session().scalars(select(Event.kind).where(Event.occurred_on == later)).all()
        assert "outcome_updated" in kinds
    # Nothing changed: refused, nothing recorded.
    assert health.act(ref, "outcome", fines="800").status_code == 422
    assert len(entries(app, ref)) == 2


def test_an_open_case_has_no_outcome_to_update(app: Flask, staff: Login, submit: Submit) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    assert health.act(ref, "outcome", fines="100").status_code == 409
    assert entries(app, ref) == []

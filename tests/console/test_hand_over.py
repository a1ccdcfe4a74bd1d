"""Hand-over (移送) to the taxonomy's targets, with the letter and the receiving organ's answer
(docs/rules.md §2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from intake.domain.models import Report
from intake.platform import context, db
from tests.console.console import Staff

Login = Callable[[str], Staff]
Submit = Callable[..., tuple[str, str]]


def row(app: Flask, ref: str) -> Report:
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        db.session().expunge(report)
        return report


def test_a_hand_over_keeps_its_letter_and_the_answer(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit(category="insurance_fraud")
    insurer = staff("healthcare_security")
    insurer.act(ref, "accept")
    page = insurer.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    for code in ("police", "tax", "drug_administration", "procuratorate"):
        assert f'value="{code}"' in page
    sent_on = context.today() - dt.timedelta(days=3)
    response = insurer.act(
        ref, "hand_over", target="tax", letter="县医保移〔2026〕7号", letter_on=sent_on.isoformat()
    )
    assert response.status_code == 303
    report = row(app, ref)
    assert (report.handed_over_to, report.hand_over_letter, report.hand_over_letter_on) == (
        "tax",
        "县医保移〔2026〕7号",
        sent_on,
    )
    # No bureau stands for the tax authority here: nobody else got a key.
    with app.app_context():
        holders = {w.holder for w in db.session().get(Report, report.id).key_wraps}  # type: ignore[union-attr]
    assert holders == {"reporter", "reporter-key", "bureau:healthcare_security"}
    answered = context.today().isoformat()
    assert (
        insurer.act(ref, "hand_over_reply", reply="filed", replied_on=answered).status_code == 303
    )
    report = row(app, ref)
    assert (report.hand_over_reply, report.hand_over_reply_on) == ("filed", context.today())
    page = insurer.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "县医保移〔2026〕7号" in page
    assert "税务部门" in page


def test_no_answer_without_a_hand_over_nor_one_dated_in_the_future(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit(category="insurance_fraud")
    insurer = staff("healthcare_security")
    insurer.act(ref, "accept")
    today = context.today().isoformat()
    assert insurer.act(ref, "hand_over_reply", reply="filed", replied_on=today).status_code == 409
    insurer.act(ref, "hand_over", target="police")
    tomorrow = (context.today() + dt.timedelta(days=1)).isoformat()
    assert (
        insurer.act(ref, "hand_over_reply", reply="filed", replied_on=tomorrow).status_code == 422
    )
    assert row(app, ref).hand_over_reply is None

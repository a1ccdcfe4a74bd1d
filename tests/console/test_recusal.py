"""回避 through the pages: a report naming the health bureau reaches the intake desk, flagged,
and the desk can neither transfer nor share it to that bureau (docs/rules.md §2)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from intake.domain.models import Report
from intake.platform import db
from tests.console.console import Staff


def test_a_report_naming_the_lead_bureau_never_reaches_it(
    app: Flask, staff: Callable[[str], Staff], submit: Callable[..., tuple[str, str]]
) -> None:
    _code, ref = submit(institution="县卫健局医政科(虚构)")
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        assert report.lead_bureau.code == "intake"
        assert report.routing["rule"].endswith("+recusal:health")
        assert {w.holder for w in report.key_wraps} == {
            "reporter",
            "reporter-key",
            "bureau:intake",
        }
    desk, health = staff("intake"), staff("health")
    page = desk.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "回避" in page
    assert 'value="health"' not in page  # not offered for a transfer or a share
    assert desk.act(ref, "transfer", bureau="health").status_code == 422
    assert desk.act(ref, "share", bureau="health").status_code == 422
    assert health.client.get(f"/admin/cases/{ref}").status_code in (403, 404)
    assert desk.act(ref, "transfer", bureau="discipline").status_code == 303

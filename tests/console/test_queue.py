"""Queues: tabs, counts, filters and pages, from metadata alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import update

import crypto.aead
import crypto.keywrap
from admin.queue import PAGE_SIZE
from intake import context, db
from intake.content import ReportContent
from intake.models import Report
from intake.reports import Submission, submit_report
from tests.console.console import Staff


def seed(app: Flask, count: int, category: str = "kickbacks") -> None:
    with app.app_context():
        for n in range(count):
            submit_report(
                db.session(),
                context.settings(),
                context.taxonomy(),
                Submission(category, False, ReportContent(f"seeded report {n} (invented)")),
                context.today(),
            )


def test_a_queue_page_decrypts_nothing(
    app: Flask, staff: Callable[[str], Staff], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(app, 3)
    health = staff("health")

    def refuse(*_args: object) -> bytes:
        raise AssertionError("a queue page tried to decrypt")

    monkeypatch.setattr(crypto.aead, "open_sealed", refuse)
    monkeypatch.setattr(crypto.keywrap, "open_sealed_to", refuse)
    response = health.client.get("/admin/queue?bureau=health&view=all")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("/admin/cases/QF-") == 3
    assert "seeded report" not in response.get_data(as_text=True)


def test_tabs_count_and_filter(app: Flask, staff: Callable[[str], Staff]) -> None:
    seed(app, 2, "kickbacks")
    seed(app, 1, "overtreatment")
    with app.app_context():
        db.session().execute(
            update(Report)
            .where(Report.category == "overtreatment")
            .values(decision_due=context.today() - dt.timedelta(days=1))
        )
        db.session().commit()
    health = staff("health")
    overdue = health.client.get("/admin/queue?bureau=health&view=overdue").get_data(as_text=True)
    assert overdue.count("/admin/cases/QF-") == 1
    filtered = health.client.get("/admin/queue?bureau=health&view=all&category=kickbacks").get_data(
        as_text=True
    )
    assert filtered.count("/admin/cases/QF-") == 2
    assert health.client.get("/admin/queue?view=nonsense").status_code == 400
    assert health.client.get("/admin/queue?category=nonsense").status_code == 400
    assert health.client.get("/admin/queue?from=not-a-date").status_code == 400
    # A bureau the member does not belong to answers like one that does not exist.
    assert health.client.get("/admin/queue?bureau=public_security").status_code == 404


def test_pages(app: Flask, staff: Callable[[str], Staff]) -> None:
    seed(app, PAGE_SIZE + 3)
    health = staff("health")
    first = health.client.get("/admin/queue?bureau=health&view=new").get_data(as_text=True)
    second = health.client.get("/admin/queue?bureau=health&view=new&page=2").get_data(as_text=True)
    assert first.count("/admin/cases/QF-") == PAGE_SIZE
    assert second.count("/admin/cases/QF-") == 3

"""Queues: tabs, counts, filters and pages, from metadata alone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select, update

import crypto.aead
import crypto.keywrap
from admin.cases import queue
from admin.cases.queue import PAGE_SIZE
from intake.domain.cases.content import ReportContent
from intake.domain.cases.reports import Submission, submit_report
from intake.domain.models import Bureau, KeyWrap, Report
from intake.platform import context, db
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


def test_a_queue_page_opens_only_its_own_rows_and_shows_what_each_case_is(
    app: Flask, staff: Callable[[str], Staff], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(app, PAGE_SIZE + 3)
    health = staff("health")
    unwrapped: list[bytes] = []
    real = crypto.keywrap.open_sealed_to

    def counting(private: bytes, sealed: bytes, aad: bytes) -> bytes:
        unwrapped.append(aad)
        return real(private, sealed, aad)

    # Counted from here: the rows' case keys (login and the bureau key are already open).
    health.client.get("/admin/queue?bureau=health&view=all")
    monkeypatch.setattr(crypto.keywrap, "open_sealed_to", counting)
    first = health.client.get("/admin/queue?bureau=health&view=all").get_data(as_text=True)
    assert first.count("/admin/cases/QF-") == PAGE_SIZE
    # One key per row on the page, never the rows of other pages (and the bureau key once).
    assert PAGE_SIZE <= len(unwrapped) <= PAGE_SIZE + 1
    shown = set(
        re.findall(r'<span class="first-line">seeded report (\d+) \(invented\)</span>', first)
    )
    assert len(shown) == PAGE_SIZE
    second = health.client.get("/admin/queue?bureau=health&view=all&page=2").get_data(as_text=True)
    assert not shown & set(re.findall(r"seeded report (\d+) \(invented\)", second))


def test_a_case_is_found_by_reference_and_leads_to_the_next(
    app: Flask, staff: Callable[[str], Staff]
) -> None:
    seed(app, 2)
    health, market = staff("health"), staff("market_regulation")
    with app.app_context():
        refs = sorted(
            db.session().scalars(select(Report.reference)).all(),
            key=lambda r: r,
        )
    typed = " " + refs[0].lower() + " "
    found = health.client.get("/admin/queue", query_string={"reference": typed})
    assert found.headers["Location"].endswith(f"/admin/cases/{refs[0]}")
    case_page = health.client.get(found.headers["Location"]).get_data(as_text=True)
    assert "下一件" in case_page
    # Another bureau gets the same answer as for a case that does not exist: no oracle.
    for typed in (refs[0], "QF-NOSUCHXX"):
        answer = market.client.get("/admin/queue", query_string={"reference": typed})
        assert answer.status_code == 303
        said = market.client.get(answer.headers["Location"]).get_data(as_text=True)
        assert f"没有编号为 {typed} 的案件" in said


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


def test_counts_and_pages_equal_a_count_over_the_bureaus_key_copies(
    app: Flask, staff: Callable[[str], Staff]
) -> None:
    """The queue reads led cases from an index and the rest through the wraps; both together
    must give exactly the cases a bureau holds a key copy for, whatever happened to them."""
    seed(app, 7)
    with app.app_context():
        refs = list(db.session().scalars(select(Report.reference).order_by(Report.reference)))
    health = staff("health")
    assert health.act(refs[0], "accept").status_code == 303  # the desk's copy goes
    assert (
        health.act(refs[1], "transfer", bureau="market_regulation", keep_as_co="y").status_code
        == 303
    )
    assert health.act(refs[2], "transfer", bureau="market_regulation").status_code == 303
    assert health.act(refs[3], "share", bureau="finance").status_code == 303
    assert health.act(refs[4], "not_accept", reason="不属于本局职责(虚构)").status_code == 303
    with app.app_context():
        session = db.session()
        session.execute(
            update(Report).where(Report.reference.in_(refs[5:]))
            .values(decision_due=context.today() - dt.timedelta(days=1), awaiting_staff=True)
        )  # fmt: skip
        session.commit()
        today = context.today()
        for bureau in session.scalars(select(Bureau)):
            counts = queue.counts(session, bureau.id, today, queue.Filters())
            for view in queue.VIEWS:
                held = (
                    select(Report.reference)
                    .join(KeyWrap, KeyWrap.report_id == Report.id)
                    .where(KeyWrap.bureau_id == bureau.id, queue.view_condition(view, today))
                    .order_by(Report.received_on, Report.reference)
                )
                expected = list(session.scalars(held))
                assert counts[view] == len(expected), (bureau.code, view)
                listed = queue.page(session, bureau.id, view, today, queue.Filters(), 1)
                assert [r.reference for r in listed] == expected, (bureau.code, view)
        for report in session.scalars(select(Report)):
            leads = [w for w in report.key_wraps if w.lead]
            assert [w.bureau_id for w in leads] == [report.lead_bureau_id], report.reference
        counted = {
            b.code: queue.counts(session, b.id, today, queue.Filters())
            for b in session.scalars(select(Bureau))
        }
    assert counted["health"]["all"] == 6  # leads 0, 3, 4, 5, 6; a co-bureau copy of 1
    assert counted["market_regulation"]["all"] == 2
    assert counted["finance"]["all"] == 1
    assert counted["health"]["overdue"] == 2
    assert counted["health"]["replies"] == 2
    assert counted["health"]["closed"] == 1


def test_every_state_is_open_or_closed_once() -> None:
    """The all tab is counted as open + closed; a new state must be put in one of them."""
    from intake.domain.cases.lifecycle import State
    from intake.domain.oversight import due

    assert sorted(due.OPEN + due.CLOSED) == sorted(State)

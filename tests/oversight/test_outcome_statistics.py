"""The 统计表's outcome columns and rates (docs/rules.md §11, §13), each checked against a count
kept by the test itself; a settled month keeps its figures when a measure lands later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask

from intake.domain.oversight import settled_months, statistics
from intake.platform import context, db
from tests.console.console import Staff

Login = Callable[[str], Staff]
Submit = Callable[..., tuple[str, str]]


def total(app: Flask, first: dt.date, today: dt.date) -> statistics.Row:
    with app.app_context():
        table = settled_months.month_table(db.session(), first, today)
        db.session().commit()
        return table.total


def test_outcome_columns_and_rates_and_a_kept_month(
    app: Flask, staff: Login, submit: Submit, monkeypatch: pytest.MonkeyPatch
) -> None:
    insurer = staff("healthcare_security")
    start = dt.date(2026, 3, 2)
    monkeypatch.setattr(context, "today", lambda: start)
    refs = [submit(category="insurance_fraud")[1] for _ in range(4)]
    for ref in refs[:3]:
        insurer.act(ref, "accept")
    insurer.act(refs[3], "not_accept", reason="不属于受理范围(虚构)")
    # Independent plan: what the test does, and what it expects the month to show.
    plan = [
        # disposal, finding, recovered (yuan), fines (yuan), penalties, items, day
        ("case_opened", "substantiated", "1000.25", "200", "1", "甲\n乙", start),
        ("not_opened", "not_substantiated", "", "", "", "", start),
        ("case_opened", "partly_substantiated", "99.75", "", "2", "丙", dt.date(2026, 3, 20)),
    ]
    for ref, (disposal, finding, recovered, fines, penalties, items, day) in zip(
        refs, plan, strict=False
    ):
        monkeypatch.setattr(context, "today", lambda day=day: day)
        response = insurer.act(
            ref,
            "conclude",
            outcome="结论(虚构)",
            finding=finding,
            disposal=disposal,
            fund_recovered=recovered,
            fines=fines,
            admin_penalties=penalties,
            items=items,
        )
        assert response.status_code == 303
    settled_on = dt.date(2026, 4, 5)
    row = total(app, start, settled_on)
    expected = {
        "received": 4,
        "accepted": 3,
        "not_accepted": 1,
        "concluded": 3,
        "cases_opened": 2,
        "concluded_late": 0,
        "fund_recovered": 110_000,  # fen: 1000.25 + 99.75 yuan
        "fines": 20_000,
        "admin_penalties": 3,
        "rectification_items": 3,
        "rectification_done": 0,
    }
    assert {c: row.counts[c] for c in expected} == expected
    assert row.rate("acceptance_rate") == pytest.approx(3 / 4)
    assert row.rate("substantiated_rate") == pytest.approx(2 / 3)
    assert row.rate("on_time_rate") == pytest.approx(1.0)

    # A fine paid in April: April counts it, March (settled and kept) does not change.
    monkeypatch.setattr(context, "today", lambda: settled_on)
    assert insurer.act(refs[1], "outcome", fines="500").status_code == 303
    assert total(app, start, settled_on).counts["fines"] == 20_000
    assert total(app, dt.date(2026, 4, 1), settled_on).counts["fines"] == 50_000


def test_a_late_conclusion_lowers_the_on_time_rate(
    app: Flask, staff: Login, submit: Submit, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = dt.date(2026, 1, 5)
    monkeypatch.setattr(context, "today", lambda: start)
    health = staff("health")
    _c, ref = submit()
    health.act(ref, "accept")
    late = start + dt.timedelta(days=75)  # past the 60-day limit
    monkeypatch.setattr(context, "today", lambda: late)
    health.act(ref, "conclude", outcome="结论(虚构)", finding="substantiated", disposal="handled")
    row = total(app, late.replace(day=1), late)
    assert (row.counts["concluded"], row.counts["concluded_late"]) == (1, 1)
    assert row.rate("on_time_rate") == 0.0

"""Every figure of a generated month equals an independent count over the seeded cases."""

from __future__ import annotations

import datetime as dt
import statistics as pystats

import pytest
from flask import Flask
from sqlalchemy import select

from intake.domain.installation import DemoAccount
from intake.domain.keys.keyring import bureau_private_key, unlock_staff_key
from intake.domain.models import StaffMember
from intake.domain.oversight import statistics
from intake.platform import context, db
from tests.oversight.seed import seed_month

MONTH = dt.date(2026, 10, 1)


def private_keys(app: Flask, accounts: dict[str, DemoAccount]) -> dict[str, bytes]:
    keys = {}
    with app.app_context():
        session = db.session()
        for code, account in accounts.items():
            if account.bureau is None:
                continue
            member = session.scalars(
                select(StaffMember).where(StaffMember.username == account.username)
            ).one()
            staff_private = unlock_staff_key(member, account.password)
            keys[code] = bureau_private_key(session, member, staff_private, code)
    return keys


@pytest.fixture
def plan_and_table(app: Flask, accounts: dict[str, DemoAccount]):
    plan = seed_month(app, private_keys(app, accounts), MONTH, count=120)
    start, end = statistics.month_bounds("2026-10")
    with app.app_context():
        table = statistics.compute(db.session(), start, end)
    return plan, table


def test_month_bounds() -> None:
    assert statistics.month_bounds("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert statistics.month_bounds("2028-02")[1] == dt.date(2028, 2, 29)
    assert statistics.month_bounds("2026-12")[1] == dt.date(2026, 12, 31)
    with pytest.raises(ValueError, match="month"):
        statistics.month_bounds("2026-13")


def every_column(app: Flask) -> tuple[str, ...]:
    with app.app_context():
        return statistics.columns(t.code for t in context.taxonomy().hand_over)


def test_every_cell_equals_the_independent_count(app: Flask, plan_and_table) -> None:
    plan, table = plan_and_table
    got = {(r.bureau, r.category, r.channel): r for r in table.rows}
    keys = set(plan.expected) | set(got)
    assert len(keys) > 10, "the seed should spread over many cells"
    columns = every_column(app)
    assert len([c for c in columns if c.startswith("handed_over_")]) == 8
    for key in keys:
        expected = plan.expected.get(key, {})
        row = got.get(key)
        for column in columns:
            if column == "overdue":
                continue
            value = row.counts.get(column, 0) if row else 0
            assert value == expected.get(column, 0), (key, column)
        days = plan.days.get(key, [])
        assert (row.median_days if row else None) == (pystats.median(days) if days else None), key


def test_totals_add_up(app: Flask, plan_and_table) -> None:
    plan, table = plan_and_table
    handed = {c: table.total.counts.get(c, 0) for c in every_column(app) if "handed_over_" in c}
    # The seed hands cases over to targets beyond the police and the discipline commission.
    assert len([n for n in handed.values() if n]) >= 4, handed
    for column in every_column(app):
        expected = sum(c.get(column, 0) for c in plan.expected.values())
        total = table.total.counts.get(column, 0)
        if column != "overdue":
            assert total == expected, column
        assert sum(t.counts.get(column, 0) for t in table.bureau_totals) == total
    all_days = [d for days in plan.days.values() for d in days]
    assert table.total.median_days == pystats.median(all_days)
    assert table.total.counts["received"] > 30


def test_statistics_open_no_ciphertext(
    app: Flask, accounts: dict[str, DemoAccount], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_month(app, private_keys(app, accounts), MONTH, count=20)
    import crypto.aead
    import crypto.keywrap

    def refuse(*_args: object) -> bytes:
        raise AssertionError("statistics tried to decrypt")

    monkeypatch.setattr(crypto.aead, "open_sealed", refuse)
    monkeypatch.setattr(crypto.keywrap, "open_sealed_to", refuse)
    with app.app_context():
        table = statistics.compute(db.session(), *statistics.month_bounds("2026-10"))
    assert table.total.counts["received"] > 0

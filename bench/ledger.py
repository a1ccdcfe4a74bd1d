"""The 统计表 and the 问题线索台账 over many cases: `python bench/ledger.py`.

BENCH_CASES (default 1000000) invented cases are seeded as bench/console.py seeds them, plus a
measure entry for every third concluded case (amounts in fen, counts, 立案, 整改 items), into a
fresh SQLite database in a temporary folder (or PostgreSQL with BENCH_DATABASE_URL). Then it
times, logged in as a supervisor: the 统计表 of a year as XLSX, Word and PDF, counted whole
and from kept months, and the supervisor's ledger of the largest bureau as XLSX.

A member's ledger decrypts two columns per row with the bureau's key; the seeded ciphertexts
are placeholders, so that cost is not measured here (one X25519 unwrap and one AES-GCM open per
row, as the case page does).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select

from bench.console import TODAY, seed, settle, timed
from intake.domain.cases.outcomes import CASES_OPENED, ITEMS_ADDED, ITEMS_DONE, Kind
from intake.domain.models import Bureau, Event, Measure, Report
from intake.platform import context, db
from tests.conftest import build_app, make_settings

CASES = int(os.environ.get("BENCH_CASES", "1000000"))


def add_measures(app) -> int:
    """A measure entry or a few for every third concluded case, dated on its conclusion."""
    rng = random.Random(17)
    added = 0
    with app.app_context():
        session = db.session()
        concluded = session.execute(
            select(Event.report_id, Event.occurred_on, Event.bureau, Event.category,
                   Event.channel).where(Event.kind == "concluded")
        ).all()  # fmt: skip
        batch = []
        for report_id, day, bureau, category, channel in concluded[::3]:
            facts = {"report_id": report_id, "recorded_on": day, "bureau": bureau,
                     "category": category, "channel": channel}  # fmt: skip
            batch.append({**facts, "kind": CASES_OPENED, "quantity": 1})
            batch.append({**facts, "kind": Kind.FINES.value,
                          "quantity": rng.randint(1, 500_000) * 100})  # fmt: skip
            batch.append({**facts, "kind": Kind.ADMIN_PENALTIES.value, "quantity": 1})
            batch.append({**facts, "kind": ITEMS_ADDED, "quantity": 2})
            batch.append({**facts, "kind": ITEMS_DONE, "quantity": rng.randint(0, 2)})
            if len(batch) >= 5000:
                session.execute(insert(Measure), batch)
                added, batch = added + len(batch), []
        if batch:
            session.execute(insert(Measure), batch)
            added += len(batch)
        session.commit()
    return added


def main() -> None:
    """Seed, log in as a supervisor, time the exports, print the table."""
    from tests.console.console import Staff, enrol_quickly

    with tempfile.TemporaryDirectory() as folder:
        overrides = {}
        if os.environ.get("BENCH_DATABASE_URL"):
            os.environ["QINGFENG_TEST_DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
            overrides["database_url"] = os.environ["BENCH_DATABASE_URL"]
        app, accounts = build_app(make_settings(Path(folder), **overrides))
        seconds = seed(app, CASES)
        entries = add_measures(app)
        settle(app)
        account = next(a for a in accounts if a.role == "supervisor")
        supervisor = Staff(app, account)
        supervisor.secret = enrol_quickly(app, supervisor.username)
        assert supervisor.login().status_code == 303
        context.today = lambda: TODAY
        with app.app_context():
            largest, held = (
                db.session()
                .execute(
                    select(Bureau.code, func.count())
                    .join(Report, Report.lead_bureau_id == Bureau.id)
                    .group_by(Bureau.code)
                    .order_by(func.count().desc())
                )
                .first()
            )  # type: ignore[misc]

        def get(path: str):
            def run() -> None:
                response = supervisor.client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            return run

        year = "/admin/stats/export?month=2025-11&to=2026-10&format="
        rows = [
            ("统计表 of a year, XLSX (months counted)", get(year + "xlsx")),
            ("统计表 of a year, XLSX (kept months)", get(year + "xlsx")),
            ("统计表 of a year, Word", get(year + "docx")),
            ("统计表 of a year, PDF", get(year + "pdf")),
            (f"台账 of {largest} ({held} cases), XLSX", get(f"/admin/ledger?bureau={largest}")),
        ]
        engine = app.extensions["qingfeng.db"].engine.dialect.name
        print(f"{CASES} cases and {entries} measure entries on {engine}, seeded in {seconds:.0f} s")
        print(f"{'measure':<48}{'first ms':>10}{'p50 ms':>9}")
        for index, (name, action) in enumerate(rows):
            started = time.perf_counter()
            action()
            first = (time.perf_counter() - started) * 1000
            p50 = first if index < 2 else timed(action, 3, warm=False)[0]
            print(f"{name:<48}{first:>10.0f}{p50:>9.0f}")


if __name__ == "__main__":
    started = dt.datetime.now()
    main()

"""The console over many cases: `python bench/console.py` (BENCH_CASES=1000000 by default).

Seeds invented case metadata straight into a fresh database (SQLite in a temporary folder, or
PostgreSQL with BENCH_DATABASE_URL): reports spread over two years across every bureau,
category, channel and state, one bureau key wrap each, and their events. Ciphertexts are
placeholders: no page measured here decrypts anything. Then times, through the app (Flask's
test client, a logged-in member), the pages a bureau and a supervisor open most, and a year of
statistics, and prints p50/p95 of each.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select

from intake import db
from intake import statistics as stats
from intake.models import Bureau, Event, KeyWrap, Report
from tests.conftest import build_app, make_settings

CASES = int(os.environ.get("BENCH_CASES", "1000000"))
BATCH = 5000
CATEGORIES = ["insurance_fraud", "kickbacks", "procurement", "overtreatment", "red_envelopes",
              "illegal_practice", "deceptive_clinics", "other"]  # fmt: skip
CHANNELS = ["web", "hotline", "letter", "visit", "email", "referred"]
STATES = ["received", "accepted", "in_progress", "concluded", "concluded", "concluded",
          "not_accepted", "handed_over", "transferred"]  # fmt: skip


def seed(app, count: int) -> float:
    """Insert `count` cases with their wrap and events; returns seconds taken."""
    rng = random.Random(2026)
    today = dt.date(2026, 11, 25)
    started = time.perf_counter()
    with app.app_context():
        session = db.session()
        bureaus = [(b.id, b.code) for b in session.scalars(select(Bureau))]
        for start in range(0, count, BATCH):
            reports, wraps, events = [], [], []
            for _ in range(min(BATCH, count - start)):
                report_id = str(uuid.uuid4())
                bureau_id, code = rng.choice(bureaus)
                received = today - dt.timedelta(days=rng.randint(0, 730))
                state = rng.choice(STATES)
                accepted = received + dt.timedelta(days=rng.randint(1, 20))
                accepted = accepted if state not in ("received", "not_accepted") else None
                concluded = (
                    received + dt.timedelta(days=rng.randint(5, 90))
                    if state in ("concluded", "not_accepted")
                    else None
                )
                reports.append({
                    "id": report_id, "reference": "QF-" + uuid.uuid4().hex[:12].upper(),
                    "lookup_tag": os.urandom(32), "channel": rng.choice(CHANNELS), "source": None,
                    "category": rng.choice(CATEGORIES), "state": state, "received_on": received,
                    "decision_due": received + dt.timedelta(days=15),
                    "lead_bureau_id": bureau_id, "routing": {}, "official_involved": False,
                    "real_name": False, "content": b"", "contact": None,
                    "accepted_on": accepted,
                    "conclusion_due": accepted + dt.timedelta(days=60) if accepted else None,
                    "extended": False, "concluded_on": concluded,
                    "finding": "substantiated" if state == "concluded" else None,
                    "major": rng.random() < 0.01, "awaiting_staff": rng.random() < 0.02,
                })  # fmt: skip
                wraps.append({"report_id": report_id, "holder": f"bureau:{code}",
                              "bureau_id": bureau_id, "wrapped": b"\0" * 80})  # fmt: skip
                events.append({"report_id": report_id, "kind": "received",
                               "occurred_on": received, "bureau": code, "detail": {}})  # fmt: skip
                if accepted:
                    events.append({"report_id": report_id, "kind": "accepted",
                                   "occurred_on": accepted, "bureau": code,
                                   "detail": {}})  # fmt: skip
                if concluded and state == "concluded":
                    events.append({"report_id": report_id, "kind": "concluded",
                                   "occurred_on": concluded, "bureau": code,
                                   "value": "substantiated", "detail": {}})  # fmt: skip
            session.execute(insert(Report), reports)
            session.execute(insert(KeyWrap), wraps)
            session.execute(insert(Event), events)
            session.commit()
    return time.perf_counter() - started


def timed(action, rounds: int = 10) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main() -> None:
    """Seed, log in as a bureau member and a supervisor, time the pages, print the table."""
    from tests.console.console import Staff, enrol_quickly

    with tempfile.TemporaryDirectory() as folder:
        overrides = {}
        if os.environ.get("BENCH_DATABASE_URL"):
            os.environ["QINGFENG_TEST_DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
            overrides["database_url"] = os.environ["BENCH_DATABASE_URL"]
        app, accounts = build_app(make_settings(Path(folder), **overrides))
        seconds = seed(app, CASES)
        members = {}
        for account in accounts:
            if account.bureau == "health" or account.role == "supervisor":
                member = Staff(app, account)
                member.secret = enrol_quickly(app, member.username)
                assert member.login().status_code == 303
                members[account.bureau or account.role] = member
        health, supervisor = members["health"].client, members["supervisor"].client

        def page(client, path: str):
            def get() -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            return get

        def year() -> None:
            with app.app_context():
                stats.compute(db.session(), dt.date(2025, 11, 1), dt.date(2026, 10, 31))

        rows = [
            ("queue, new tab (bureau)", page(health, "/admin/queue?view=new")),
            ("queue, overdue tab", page(health, "/admin/queue?view=overdue")),
            ("queue, filtered, page 20",
             page(health, "/admin/queue?view=all&category=kickbacks&page=20")),
            ("overdue board (supervisor)", page(supervisor, "/admin/overdue")),
            ("statistics page, one month", page(supervisor, "/admin/stats?month=2026-10")),
            ("statistics, a year (compute)", year),
        ]  # fmt: skip
        engine = app.extensions["qingfeng.db"].engine.dialect.name
        print(f"{CASES} cases on {engine}, seeded in {seconds:.0f} s")
        print(f"{'measure':<32}{'p50 ms':>9}{'p95 ms':>9}")
        for name, action in rows:
            p50, p95 = timed(action, 5 if "year" in name else 10)
            print(f"{name:<32}{p50:>9.0f}{p95:>9.0f}")


if __name__ == "__main__":
    main()

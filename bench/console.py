"""The console over many cases: `python bench/console.py` (BENCH_CASES=1000000 by default).

Seeds invented case metadata straight into a fresh database (SQLite in a temporary folder, or
PostgreSQL with BENCH_DATABASE_URL): reports spread over two years across every bureau,
category, channel and state, one bureau key wrap each, and their events. Ciphertexts are
placeholders: no page measured here decrypts anything. Then times, through the app (Flask's
test client, a logged-in member), the pages a bureau and a supervisor open most, and a year of
statistics, and prints p50/p95 of each.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, insert, select

from intake.domain.installation import DemoAccount
from intake.domain.models import Bureau, Event, KeyWrap, Report, StatisticMonth, base
from intake.domain.oversight import settled_months
from intake.domain.oversight import statistics as stats
from intake.platform import context, db
from intake.platform.factory import create_app
from tests.conftest import build_app, make_settings

#: Seeded references count up: 12 random hex digits met a duplicate at 745,000 cases.
_SERIALS = itertools.count(1)


def new_reference() -> str:
    """A reference no seeded case has yet (the app draws its own: cases/reports.py)."""
    return f"QF-{next(_SERIALS):012X}"


CASES = int(os.environ.get("BENCH_CASES", "1000000"))
BATCH = 5000
CATEGORIES = ["insurance_fraud", "kickbacks", "procurement", "overtreatment", "red_envelopes",
              "illegal_practice", "deceptive_clinics", "other"]  # fmt: skip
CHANNELS = ["web", "hotline", "letter", "visit", "email", "referred"]
# A lifecycle like the time limits make it (docs/rules.md §4): a decision within days, a conclusion
# within about two months, and a stuck backlog that stays open long past its deadline.
STUCK = 0.02
NOT_ACCEPTED = 0.12
HANDED_OVER = 0.05
# The seeded cases are as seen on this day, and so are the pages: whatever the calendar says,
# "month so far" is November and the overdue board is the one of this day.
TODAY = dt.date(2026, 11, 25)


def lifecycle(rng: random.Random, received: dt.date, today: dt.date) -> dict:
    """State and dates of one invented case received on `received`, as seen on `today`."""
    decided = received + dt.timedelta(days=rng.randint(1, 20))
    concluded = decided + dt.timedelta(days=rng.randint(5, 85))
    stuck = rng.random() < STUCK
    accepted_on = concluded_on = finding = None
    if decided > today or (stuck and rng.random() < 0.3):
        state = "received"
    elif rng.random() < NOT_ACCEPTED:
        state, concluded_on = "not_accepted", decided
    else:
        accepted_on = decided
        if concluded > today or stuck:
            state = (
                "handed_over"
                if rng.random() < HANDED_OVER
                else rng.choice(("accepted", "in_progress"))
            )
        else:
            state, concluded_on = "concluded", concluded
            finding = rng.choice(("substantiated", "partly_substantiated", "not_substantiated"))
    return {
        "state": state, "accepted_on": accepted_on, "concluded_on": concluded_on,
        "finding": finding,
        "conclusion_due": accepted_on + dt.timedelta(days=60) if accepted_on else None,
    }  # fmt: skip


def seed(app, count: int) -> float:
    """Insert `count` cases with their wrap and events; returns seconds taken."""
    rng = random.Random(2026)
    today = TODAY
    started = time.perf_counter()
    with app.app_context():
        session = db.session()
        bureaus = [(b.id, b.code) for b in session.scalars(select(Bureau))]
        desk = next(b for b in bureaus if b[1] == "intake")
        for start in range(0, count, BATCH):
            reports, wraps, events = [], [], []
            for _ in range(min(BATCH, count - start)):
                report_id = str(uuid.uuid4())
                bureau_id, code = rng.choice(bureaus)
                received = today - dt.timedelta(days=rng.randint(0, 730))
                life = lifecycle(rng, received, today)
                reports.append({
                    "id": report_id, "reference": new_reference(),
                    "lookup_tag": os.urandom(32), "channel": rng.choice(CHANNELS), "source": None,
                    "category": rng.choice(CATEGORIES), "received_on": received,
                    "decision_due": received + dt.timedelta(days=15),
                    "lead_bureau_id": bureau_id, "routing": {}, "official_involved": False,
                    "real_name": False, "content": b"", "contact": None, "extended": False,
                    "major": rng.random() < 0.001, "awaiting_staff": rng.random() < 0.02,
                    **life,
                })  # fmt: skip
                wraps.append({"report_id": report_id, "holder": f"bureau:{code}",
                              "bureau_id": bureau_id, "lead": True,
                              "wrapped": b"\0" * 80})  # fmt: skip
                if life["state"] == "received" and bureau_id != desk[0]:
                    # The intake desk holds a copy while it triages (dropped on the decision).
                    wraps.append({"report_id": report_id, "holder": "bureau:intake",
                                  "bureau_id": desk[0], "lead": False,
                                  "wrapped": b"\0" * 80})  # fmt: skip
                facts = {"category": reports[-1]["category"], "channel": reports[-1]["channel"],
                         "received_on": received}  # fmt: skip
                events.append({"report_id": report_id, "kind": "received", "ordinal": 1,
                               "occurred_on": received, "bureau": code, "detail": {},
                               **facts})  # fmt: skip
                if life["accepted_on"]:
                    events.append({"report_id": report_id, "kind": "accepted", "ordinal": 2,
                                   "occurred_on": life["accepted_on"], "bureau": code,
                                   "detail": {}, **facts})  # fmt: skip
                if life["state"] == "not_accepted":
                    events.append({"report_id": report_id, "kind": "not_accepted", "ordinal": 2,
                                   "occurred_on": life["concluded_on"], "bureau": code,
                                   "detail": {}, **facts})  # fmt: skip
                if life["state"] == "concluded":
                    events.append({"report_id": report_id, "kind": "concluded", "ordinal": 2,
                                   "occurred_on": life["concluded_on"], "bureau": code,
                                   "value": life["finding"], "detail": {}, **facts})  # fmt: skip
            session.execute(insert(Report), reports)
            session.execute(insert(KeyWrap), wraps)
            session.execute(insert(Event), events)
            session.commit()
    settle(app)
    return time.perf_counter() - started


def settle(app) -> None:
    """What a running installation has after a bulk load: planner statistics (SQLite: tick
    refreshes them hourly) and, on PostgreSQL, what autovacuum does in its own time (the
    visibility map that lets index-only scans skip the table)."""
    with app.app_context():
        session = db.session()
        if session.get_bind().dialect.name == "sqlite":
            base.refresh_statistics(session)
            return
        session.commit()
        with session.get_bind().connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE"
            )


def timed(action, rounds: int = 20, warm: bool = True) -> tuple[float, float]:
    """p50 and p95 (nearest rank) in ms of `rounds` calls, after one untimed call if `warm`:
    a running server has compiled its queries and read its indexes once already."""
    if warm:
        action()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[math.ceil(0.95 * len(ordered)) - 1]


def main() -> None:
    """Seed, log in as a bureau member and a supervisor, time the pages, print the table."""
    from tests.console.console import Staff, enrol_quickly

    with tempfile.TemporaryDirectory() as folder:
        overrides = {}
        if os.environ.get("BENCH_DATABASE_URL"):
            os.environ["QINGFENG_TEST_DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
            overrides["database_url"] = os.environ["BENCH_DATABASE_URL"]
        kept = Path(os.environ["BENCH_KEEP"]) if os.environ.get("BENCH_KEEP") else None
        instance = kept or Path(folder)
        saved = instance / "bench-accounts.json"
        if kept and saved.exists():
            # A database seeded by an earlier run (the SQLite file in that folder, or the
            # PostgreSQL database named again): measure it again.
            app = create_app(make_settings(instance, **overrides))
            app.config["TESTING"] = True
            accounts = [DemoAccount(**a) for a in json.loads(saved.read_text())]
            settle(app)
            seconds = float("nan")
        else:
            instance.mkdir(parents=True, exist_ok=True)
            app, accounts = build_app(make_settings(instance, **overrides))
            seconds = seed(app, CASES)
            if kept:  # invented demo accounts of a throwaway database
                saved.write_text(json.dumps([dataclasses.asdict(a) for a in accounts]))
        members = {}
        for account in accounts:
            if account.bureau in ("health", "intake") or account.role == "supervisor":
                member = Staff(app, account)
                member.secret = enrol_quickly(app, member.username)
                assert member.login().status_code == 303
                members[account.bureau or account.role] = member
        health, supervisor = members["health"].client, members["supervisor"].client
        desk = members["intake"].client

        def page(client, path: str):
            def get() -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            return get

        today = TODAY
        context.today = lambda: TODAY
        year_start, year_end = dt.date(2025, 11, 1), dt.date(2026, 10, 31)

        def year_live() -> None:
            with app.app_context():
                stats.compute(db.session(), year_start, year_end)

        def count_months() -> None:
            with app.app_context():
                session = db.session()
                session.execute(delete(StatisticMonth))
                settled_months.count_recent(session, today)

        def year_kept() -> None:
            with app.app_context():
                settled_months.period_table(db.session(), year_start, year_end, today)

        rows = [
            ("queue, new tab (bureau)", page(health, "/admin/queue?view=new")),
            ("queue, overdue tab", page(health, "/admin/queue?view=overdue")),
            ("queue, filtered, page 20",
             page(health, "/admin/queue?view=all&category=kickbacks&page=20")),
            ("queue, all tab, page 20 (desk)", page(desk, "/admin/queue?view=all&page=20")),
            ("overdue board (supervisor)", page(supervisor, "/admin/overdue")),
            ("statistics, a year counted whole", year_live),
            ("tick: count 13 finished months", count_months),
            ("statistics page, finished month", page(supervisor, "/admin/stats?month=2026-10")),
            ("statistics page, month so far", page(supervisor, "/admin/stats?month=2026-11")),
            ("statistics, a year of kept months", year_kept),
            ("public figures page", page(supervisor, "/figures")),
        ]  # fmt: skip
        engine = app.extensions["qingfeng.db"].engine.dialect.name
        print(f"{CASES} cases on {engine}, seeded in {seconds:.0f} s")
        print(f"{'measure':<32}{'p50 ms':>9}{'p95 ms':>9}")
        for name, action in rows:
            heavy = "whole" in name or "tick" in name
            p50, p95 = timed(action, 2, warm=False) if heavy else timed(action)
            print(f"{name:<32}{p50:>9.0f}{p95:>9.0f}")


if __name__ == "__main__":
    main()

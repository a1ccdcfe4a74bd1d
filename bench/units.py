"""Many counties in one installation (issue 23, item 6): `python bench/units.py`.

    BENCH_DATABASE_URL=postgresql+psycopg://user:pass@host/db python bench/units.py \\
        [--counties 100] [--cases 10000] [--per-city 10] [--handed 0.01] [--kdf production]

The database named is emptied and filled; give it a throwaway one. First a single-unit
installation (the home county, its demo bureaus and staff) gets `--cases` cases and its
submissions per second are timed through the web form. Then it grows into a province: cities
of `--per-city` counties each, the home county one of them, every unit with its demo bureaus,
keys and staff, and every other county `--cases` cases of its own, a share (`--handed`) of them
handed down by its city's bureau of the same kind (交办: the order, the link, the city's key
copy, the completion report of those concluded). Rows go in by bulk Core inserts: realistic
metadata, random bytes of realistic size where a sealed text goes (nothing here decrypts).

Then, through the app (Flask's test client, logged-in demo members), on the province's last
county and its city: the queue and the overdue board of the county, the city's 交办 board, the
province's year of the 统计表 rolled up from kept months (and the statistics page of one
month), and submissions per second to that county and to the first one, against the
single-unit figure. Prints a table; nothing here can fail CI. The aims (issue 23; the layout:
docs/deployment.md): pages p95 under 100 ms, the province's year under 1 s, submissions at
the single unit's rate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
import uuid
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select

from bench.console import CATEGORIES, CHANNELS, TODAY, lifecycle, new_reference, settle, timed
from crypto.kdf import RECEIPT_PARAMS, TEST_PARAMS
from intake.domain import units
from intake.domain.installation import DemoAccount, install_demo
from intake.domain.keys.keyring import REPORTER_HOLDER, bureau_holder, unit_holder
from intake.domain.models import (
    Base,
    Bureau,
    BureauMembership,
    Event,
    HandDown,
    HandDownCase,
    HandDownProgress,
    KeyWrap,
    Report,
    Unit,
)
from intake.domain.models.base import random_id
from intake.domain.oversight import settled_months, unit_statistics
from intake.platform import context, db
from intake.platform.factory import create_app
from tests.conftest import make_settings
from tests.helpers import VALID_REPORT, hidden_tokens, receipt_of

BATCH = 5000
#: Submissions sent untimed before each timed run (the first run also warms the process).
WARM = 5
PROVINCE = "bench-prov"
#: A sealed box holding a 32-byte data key: ephemeral public key, nonce, key and tag.
WRAP_BYTES = 92
#: A report's sealed content (its fields as JSON, a few hundred Chinese characters) and a
#: real-name contact's, in bytes: the range the seed draws from.
CONTENT_BYTES, CONTACT_BYTES = (400, 2400), (120, 240)
YEAR = (dt.date(2025, 11, 1), dt.date(2026, 10, 31))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--cases", type=int, default=10_000, help="cases per county")
    parser.add_argument("--per-city", type=int, default=10, help="counties per city")
    parser.add_argument("--handed", type=float, default=0.01, help="share handed down")
    parser.add_argument("--rounds", type=int, default=20, help="timed requests per page")
    parser.add_argument("--submissions", type=int, default=30, help="timed per installation")
    parser.add_argument(
        "--kdf", choices=("production", "minimal"), default="production",
        help="receipt KDF of the submissions (minimal: the rest alone)",
    )  # fmt: skip
    # Seeding the full scale takes over half an hour: seed once, then time again and again.
    parser.add_argument(
        "--keep", type=Path, metavar="FILE",
        help="after seeding, write the logins the timings use to FILE (demo passwords)",
    )  # fmt: skip
    parser.add_argument(
        "--reuse", type=Path, metavar="FILE",
        help="time a database seeded before with --keep FILE instead of seeding it again",
    )  # fmt: skip
    return parser.parse_args()


def seed_unit(
    session, rng: random.Random, unit: Unit, count: int, city: Unit | None, handed: float
) -> None:
    """`count` cases led by `unit`'s bureaus, their key wraps and events; with `city`, a
    share `handed` of the accepted ones handed down by the city's bureau of the same code."""
    bureaus = [
        (b.id, b.code) for b in session.scalars(select(Bureau).where(Bureau.unit_id == unit.id))
    ]
    desk = next(i for i, code in bureaus if code == "intake")
    above = {}
    if city is not None:
        above = {
            c: i
            for i, c in session.execute(
                select(Bureau.id, Bureau.code).where(Bureau.unit_id == city.id)
            )
        }
    member = dict(
        session.execute(
            select(BureauMembership.bureau_id, BureauMembership.staff_id).where(
                BureauMembership.bureau_id.in_([i for i, _c in bureaus])
            )
        ).all()
    )
    orders = 0
    for start in range(0, count, BATCH):
        reports, wraps, events, downs, links, sent = [], [], [], [], [], []
        for _ in range(min(BATCH, count - start)):
            report_id = str(uuid.uuid4())
            bureau_id, code = rng.choice(bureaus)
            received = TODAY - dt.timedelta(days=rng.randint(0, 730))
            life = lifecycle(rng, received, TODAY)
            real_name = rng.random() < 0.1
            row = {
                "id": report_id, "reference": new_reference(),
                "lookup_tag": os.urandom(32), "channel": rng.choice(CHANNELS), "source": None,
                "category": rng.choice(CATEGORIES), "received_on": received,
                "decision_due": received + dt.timedelta(days=15),
                "lead_bureau_id": bureau_id, "routing": {}, "official_involved": False,
                "real_name": real_name, "content": os.urandom(rng.randint(*CONTENT_BYTES)),
                "contact": os.urandom(rng.randint(*CONTACT_BYTES)) if real_name else None,
                "extended": False, "major": rng.random() < 0.001,
                "awaiting_staff": rng.random() < 0.02, **life,
            }  # fmt: skip
            reports.append(row)
            down = code in above and life["accepted_on"] and rng.random() < handed
            # A case handed down keeps the city's wrap under the code; the county's is named
            # by its unit (keyring.unit_holder), as cases/levels.py leaves them.
            holder = unit_holder(unit.code, code) if down else bureau_holder(code)
            wraps.append({"report_id": report_id, "holder": holder, "bureau_id": bureau_id,
                          "lead": True, "wrapped": os.urandom(WRAP_BYTES)})  # fmt: skip
            wraps.append({"report_id": report_id, "holder": REPORTER_HOLDER, "bureau_id": None,
                          "lead": False, "wrapped": os.urandom(WRAP_BYTES)})  # fmt: skip
            if life["state"] == "received" and bureau_id != desk:
                wraps.append({"report_id": report_id, "holder": bureau_holder("intake"),
                              "bureau_id": desk, "lead": False,
                              "wrapped": os.urandom(WRAP_BYTES)})  # fmt: skip
            facts = {
                "category": row["category"],
                "channel": row["channel"],
                "received_on": received,
            }
            step = {"report_id": report_id, "bureau": code, "detail": {}, **facts}
            events.append({**step, "kind": "received", "ordinal": 1, "occurred_on": received})
            if life["accepted_on"]:
                events.append({**step, "kind": "accepted", "ordinal": 2,
                               "occurred_on": life["accepted_on"]})  # fmt: skip
            if life["state"] == "not_accepted":
                events.append({**step, "kind": "not_accepted", "ordinal": 2,
                               "occurred_on": life["concluded_on"]})  # fmt: skip
            if life["state"] == "concluded":
                events.append({**step, "kind": "concluded", "ordinal": 3,
                               "occurred_on": life["concluded_on"],
                               "value": life["finding"]})  # fmt: skip
            if down:
                # 交办 by the city's bureau: the order, its link, its deadline on the case,
                # the city's copy of the key, and the 办结报告 of a concluded case.
                orders += 1
                order_id, issued = random_id(), received + dt.timedelta(days=1)
                number = f"{city.code}交〔2026〕{orders}号-{unit.code}"
                due = issued + dt.timedelta(days=rng.choice((15, 30, 60)))
                downs.append({"id": order_id, "number": number[:60], "issuer": f"{city.name}{code}",
                              "received_on": issued, "due": due})  # fmt: skip
                links.append({"id": random_id(), "hand_down_id": order_id,
                              "report_id": report_id, "linked_on": issued})  # fmt: skip
                row["conclusion_due"] = due
                row["conclusion_basis"] = f"{city.name}{code} {number}"[:200]
                wraps.append({"report_id": report_id, "holder": bureau_holder(code),
                              "bureau_id": above[code], "lead": False,
                              "wrapped": os.urandom(WRAP_BYTES)})  # fmt: skip
                if life["state"] == "concluded":
                    sent.append({"id": random_id(), "report_id": report_id,
                                 "kind": "completion", "sent_on": life["concluded_on"],
                                 "document_number": f"办结〔2026〕{orders}号",
                                 "staff_id": member[bureau_id],
                                 "text": os.urandom(rng.randint(*CONTENT_BYTES))})  # fmt: skip
        session.execute(insert(Report), reports)
        session.execute(insert(KeyWrap), wraps)
        session.execute(insert(Event), events)
        for table, rows in ((HandDown, downs), (HandDownCase, links), (HandDownProgress, sent)):
            if rows:
                session.execute(insert(table), rows)
        session.commit()


def grow(session, count: int, per_city: int) -> tuple[list[Unit], list[Unit]]:
    """The province, its cities and `count` counties, the home county the first of them;
    every new unit with its demo bureaus and staff. Returns (cities, counties)."""
    home = units.home(session)
    units.add_unit(session, PROVINCE, "基准省（虚构）", units.Level.PROVINCE, None)
    cities: list[Unit] = []
    counties: list[Unit] = [home]
    for index in range(count):
        if index % per_city == 0:
            city = units.add_unit(session, f"bc{len(cities)}", f"基准{len(cities)}市（虚构）",
                                  units.Level.CITY, PROVINCE)  # fmt: skip
            cities.append(city)
        if index == 0:
            home.parent_id = cities[0].id
            continue
        counties.append(units.add_unit(session, f"bx{index}", f"基准{index}县（虚构）",
                                       units.Level.COUNTY, cities[-1].code))  # fmt: skip
    session.commit()
    return cities, counties


def submissions(app, unit: str | None, rounds: int) -> float:
    """Web-form submissions per second (GET for the tokens, then POST) to `unit`."""
    client = app.test_client()
    path = f"/report?unit={unit}" if unit else "/report"
    started = 0.0
    for index in range(WARM + rounds):
        if index == WARM:  # the first ones untimed: a running server has compiled its queries
            started = time.perf_counter()
        tokens = hidden_tokens(client, path)
        fields = {**VALID_REPORT, **tokens, "another": "new-report"}
        if unit:
            fields["unit"] = unit
        response = client.post("/report", data=fields)
        assert receipt_of(response), response.status_code
    return rounds / (time.perf_counter() - started)


def log_in(app, accounts: list[DemoAccount], username: str):
    from tests.console.console import Staff, enrol_quickly

    member = Staff(app, next(a for a in accounts if a.username == username))
    member.secret = enrol_quickly(app, username)
    assert member.login().status_code == 303
    return member.client


def seed(app, args: argparse.Namespace, settings) -> tuple:
    """Empty the database and fill it: the single unit (its submissions timed), then the
    province. Returns the county and city timed, the seconds seeding and keeping months took,
    the single unit's submissions per second and the demo logins."""
    rng = random.Random(2026)
    started = time.perf_counter()
    with app.app_context():
        session, taxonomy = db.session(), context.taxonomy()
        Base.metadata.drop_all(session.get_bind())
        Base.metadata.create_all(session.get_bind())
        accounts = install_demo(session, settings, taxonomy)
        seed_unit(session, rng, units.home(session), args.cases, None, 0)
    settle(app)
    single = submissions(app, None, args.submissions)
    with app.app_context():
        session = db.session()
        cities, counties = grow(session, args.counties, args.per_city)
        for unit in [session.get(Unit, u.id) for u in (*cities, *counties[1:])]:
            accounts += install_demo(session, settings, taxonomy, unit=unit)
        province = units.by_code(session, PROVINCE)
        accounts += install_demo(session, settings, taxonomy, unit=province)
        by_id = {c.id: c for c in cities}
        for county in counties[1:]:
            county = session.get(Unit, county.id)
            seed_unit(session, rng, county, args.cases, by_id[county.parent_id], args.handed)
        county, city = counties[-1].code, by_id[counties[-1].parent_id].code
    settle(app)
    seeded = time.perf_counter() - started
    with app.app_context():
        begun = time.perf_counter()
        settled_months.count_recent(db.session(), TODAY)
        kept = time.perf_counter() - begun
    return county, city, seeded, kept, single, accounts


def add_missing_indexes(session) -> None:
    """Indexes the models name that a database seeded by an older checkout lacks."""
    bind = session.get_bind()
    for table in Base.metadata.sorted_tables:
        for index in table.indexes:
            index.create(bind, checkfirst=True)
    session.commit()


def main() -> None:
    args = arguments()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        sys.exit("BENCH_DATABASE_URL: a throwaway PostgreSQL database (it is emptied)")
    kdf = RECEIPT_PARAMS if args.kdf == "production" else TEST_PARAMS
    with tempfile.TemporaryDirectory() as folder:
        settings = make_settings(
            Path(folder), database_url=url, receipt_kdf=kdf, receipt_salt=bytes(range(16)),
            report_rate_limit="1000000 per hour", api_rate_limit="1000000 per minute",
        )  # fmt: skip
        app = create_app(settings)
        app.config["TESTING"] = True
        context.today = lambda: TODAY
        if args.reuse:
            kept_run = json.loads(args.reuse.read_text())
            accounts = [DemoAccount(**a) for a in kept_run["accounts"]]
            county, city, seeded, kept = kept_run["county"], kept_run["city"], 0.0, 0.0
            args.counties, args.cases = kept_run["counties"], kept_run["cases"]
            single = kept_run["single"]
            with app.app_context():
                add_missing_indexes(db.session())
            settle(app)
        else:
            county, city, seeded, kept, single, accounts = seed(app, args, settings)
            if args.keep:
                chosen = {f"demo-{county}-health", f"demo-{county}-supervisor",
                          f"demo-{city}-supervisor", f"demo-{PROVINCE}-supervisor"}  # fmt: skip
                args.keep.write_text(json.dumps({
                    "county": county, "city": city, "single": single,
                    "counties": args.counties, "cases": args.cases,
                    "accounts": [asdict(a) for a in accounts if a.username in chosen],
                }))  # fmt: skip
        with app.app_context():
            session = db.session()
            handed = session.scalar(select(func.count()).select_from(HandDownCase))
            cities = session.scalar(
                select(func.count()).select_from(Unit).where(Unit.level == units.Level.CITY)
            )
            province_unit = units.by_code(session, PROVINCE)

        def page(client, path: str):
            def get() -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            return get

        def year(make):
            def run() -> None:
                with app.app_context():
                    unit = db.session().get(Unit, province_unit.id)
                    make(db.session(), unit, *YEAR, TODAY)
                    db.session().commit()  # what it kept (a line per unit-month) stays

            return run

        member = log_in(app, accounts, f"demo-{county}-health")
        supervisor = log_in(app, accounts, f"demo-{county}-supervisor")
        above = log_in(app, accounts, f"demo-{city}-supervisor")
        top = log_in(app, accounts, f"demo-{PROVINCE}-supervisor")
        rows = [
            ("queue, new tab (county bureau)", page(member, "/admin/queue?view=new")),
            ("queue, overdue tab (county bureau)", page(member, "/admin/queue?view=overdue")),
            ("overdue board (county supervisor)", page(supervisor, "/admin/overdue")),
            ("overdue board (city supervisor)", page(above, "/admin/overdue")),
            ("交办 board (city supervisor)", page(above, "/admin/hand-downs")),
            ("交办 board (province supervisor)", page(top, "/admin/hand-downs")),
            ("overdue board (province supervisor)", page(top, "/admin/overdue")),
            ("the same, one county chosen", page(top, f"/admin/overdue?unit={county}")),
            ("statistics page, a month (city)", page(above, "/admin/stats?month=2026-10")),
            ("statistics page, a month (province)", page(top, "/admin/stats?month=2026-10")),
            ("statistics, the current month (province)", page(top, "/admin/stats?month=2026-11")),
            ("province year, a line per unit", year(unit_statistics.roll_up_lines)),
            ("province year, every row (exports)", year(unit_statistics.roll_up)),
        ]
        total = args.cases * args.counties
        print(
            f"{args.counties} counties x {args.cases} cases ({total}) in {cities} cities,"
            + (
                " (seeded before, --reuse);"
                if args.reuse
                else f" seeded in {seeded:.0f} s; 13 months of every unit kept in {kept:.1f} s;"
            )
            + f" {handed} cases handed down"
        )
        print(f"{'measure':<40}{'p50 ms':>9}{'p95 ms':>9}")
        for name, action in rows:
            p50, p95 = timed(action, 3 if "year" in name else args.rounds)
            wide = sum(1 for c in name if ord(c) >= 0x2E80)  # two columns each on a terminal
            print(f"{name:<{40 - wide}}{p50:>9.0f}{p95:>9.0f}")
        many = submissions(app, county, args.submissions)
        # The same county as the single-unit figure, now one of many: what growing cost it.
        home = submissions(app, units.HOME, args.submissions)
        print(f"{'submissions/s, single-unit installation':<40}{single:>18.1f}")
        print(f"{'submissions/s, one county of ' + str(args.counties):<40}{many:>18.1f}")
        print(f"{'submissions/s, the first county, grown':<40}{home:>18.1f}")
        print(f"receipt KDF: {kdf}")
        app.extensions["qingfeng.db"].engine.dispose()


if __name__ == "__main__":
    main()

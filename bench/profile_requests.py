"""Where one request's time goes besides the receipt KDF: `python bench/profile_requests.py`.

Builds a fresh instance as bench/load.py does (SQLite, the production receipt KDF, rate limits
out of the way), then drives the app in-process with Flask's test client, one flow at a time:
the hotline API POST, the web form (GET then POST) and the status check (GET then POST).

For each flow it prints, per request:
- wall and CPU time (thread CPU, so other processes on the machine do not inflate it), total
  and inside the WSGI app only (without the test client);
- inclusive wall/CPU of named components (Argon2id, X25519 wraps, templates, CSRF, session
  cookie, forms, rate limiter, SQL statements, commit and its fsync wait, response headers),
  and how many times each ran (how many KDF derivations a flow really does);
- a cProfile run (thread CPU timer) grouped by package, exclusive time.

Components nest (a template renders the CSRF token), so their times do not add up.
BENCH_PROFILE_N requests per flow (default 40); BENCH_PROFILE_TOP > 0 also prints the top
functions by cumulative time; BENCH_SQLITE_PRAGMAS="journal_mode=WAL;synchronous=NORMAL"
tries other SQLite settings without touching the app.
"""

from __future__ import annotations

import collections
import cProfile
import functools
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import _CODE, _TOKENS, CALL, REPORT  # noqa: E402  (the load benchmark's flows)

N = int(os.environ.get("BENCH_PROFILE_N", "40"))
TOP = int(os.environ.get("BENCH_PROFILE_TOP", "0"))

# name -> [calls, wall seconds, cpu seconds]
STATS: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0])
_DEPTH: dict[str, int] = collections.defaultdict(int)


def timed(name: str, fn):
    """Wrap `fn` so its inclusive wall and thread-CPU time add up under `name`."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if _DEPTH[name]:  # recursion or a wrapped callee of the same name: count once
            return fn(*args, **kwargs)
        _DEPTH[name] += 1
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            entry = STATS[name]
            entry[0] += 1
            entry[1] += time.perf_counter() - wall
            entry[2] += time.thread_time() - cpu
            _DEPTH[name] -= 1

    return wrapper


def patch(owner, attribute: str, name: str) -> None:
    setattr(owner, attribute, timed(name, getattr(owner, attribute)))


def instrument_before_app() -> None:
    """Wrap what create_app captures by reference (hooks registered at start-up)."""
    import flask_wtf.csrf
    import sqlalchemy.orm

    import crypto.kdf
    import crypto.keywrap
    import crypto.locking
    import crypto.receipts
    import intake.platform.headers
    import intake.platform.i18n
    import intake.public.views

    patch(crypto.receipts, "argon2id", "Argon2id, receipt KDF")
    patch(crypto.locking, "argon2id", "Argon2id, password KDF")
    patch(crypto.keywrap, "seal_to", "X25519 seal_to (bureau wraps)")
    patch(crypto.keywrap, "open_sealed_to", "X25519 open_sealed_to")
    import intake.domain.cases.reports

    patch(
        intake.domain.cases.reports, "open_with_receipt", "open_with_receipt (KDF+lookup+decrypt)"
    )
    patch(intake.domain.cases.reports, "submit_report", "submit_report (KDF+seal+store)")
    patch(intake.public.views, "_render_case", "_render_case (status page)")
    patch(intake.public.views, "render_template", "render_template (public)")
    patch(intake.platform.headers, "_apply", "security headers (after_request)")
    patch(intake.platform.i18n, "select_locale", "Babel locale selector")
    patch(flask_wtf.csrf.CSRFProtect, "protect", "CSRF check (protect)")
    patch(flask_wtf.csrf, "generate_csrf", "CSRF token generate")
    patch(sqlalchemy.orm.Session, "commit", "Session.commit (flush+COMMIT)")
    patch(sqlalchemy.orm.Session, "flush", "Session.flush")
    patch(sqlalchemy.orm.Session, "close", "Session.close")
    import jinja2

    render = jinja2.Template.render

    def render_by_name(self, *args, **kwargs):
        return timed(f"  Jinja render {self.name}", render)(self, *args, **kwargs)

    jinja2.Template.render = render_by_name
    import babel.core
    import flask_babel

    patch(babel.core.Locale, "parse", "Babel Locale.parse")
    patch(flask_babel.Domain, "get_translations", "flask_babel get_translations")


def instrument_app(app) -> None:
    """Wrap what only exists once the app is built."""
    import flask_limiter
    from flask_wtf import FlaskForm
    from sqlalchemy import event

    import intake.platform.report_form
    import intake.public.forms

    iface = app.session_interface
    iface.open_session = timed("session cookie open", iface.open_session)
    iface.save_session = timed("session cookie save", iface.save_session)
    for cls in (intake.platform.report_form.ReportForm, intake.public.forms.StatusForm):
        patch(cls, "__init__", f"{cls.__name__}() build")
    patch(FlaskForm, "validate_on_submit", "form validate_on_submit")
    patch(intake.platform.report_form.ReportForm, "validate", "ReportForm.validate")
    patch(intake.public.forms.StatusForm, "validate", "StatusForm.validate")
    limiter = next(
        v for v in app.extensions.get("limiter", []) if isinstance(v, flask_limiter.Limiter)
    )
    patch(limiter, "_check_request_limit", "Flask-Limiter check (before_request)")
    inject = "_Limiter__inject_headers"
    if hasattr(limiter, inject):
        patch(limiter, inject, "Flask-Limiter headers (after_request)")
    # after_request hooks captured by reference: replace them in place.
    for key, hooks in app.after_request_funcs.items():
        app.after_request_funcs[key] = [
            h if getattr(h, "__wrapped__", None) else timed(f"after_request {_name(h)}", h)
            for h in hooks
        ]
    app.wsgi_app = timed("inside WSGI app (server side)", app.wsgi_app)

    engine = app.extensions["qingfeng.db"].engine
    started: dict[int, tuple[float, float]] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, params, context, executemany):
        started[id(cursor)] = (time.perf_counter(), time.thread_time())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, params, context, executemany):
        wall, cpu = started.pop(id(cursor))
        verb = statement.split(None, 1)[0].upper()
        entry = STATS[f"SQL {verb} (driver execute)"]
        entry[0] += 1
        entry[1] += time.perf_counter() - wall
        entry[2] += time.thread_time() - cpu

    @event.listens_for(engine, "commit")
    def _commit(conn):
        STATS["SQL COMMIT (events)"][0] += 1

    pragmas = os.environ.get("BENCH_SQLITE_PRAGMAS")
    if pragmas:

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            for pragma in pragmas.split(";"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

    # The raw sqlite3 COMMIT (where the journal is written and fsynced) is not a cursor
    # execute: time it at the dialect.
    dialect = engine.dialect
    dialect.do_commit = timed("driver COMMIT (journal write + fsync)", dialect.do_commit)


def _name(hook) -> str:
    target = getattr(hook, "func", hook)
    return getattr(target, "__qualname__", repr(target))[:40]


def make_instance(folder: str) -> str:
    env = {
        **os.environ,
        "QINGFENG_INSTANCE": folder,
        "QINGFENG_REPORT_RATE_LIMIT": "1000000 per hour",
        "QINGFENG_STATUS_RATE_LIMIT": "1000000 per hour",
        "QINGFENG_API_RATE_LIMIT": "1000000 per minute",
        "QINGFENG_PASSWORD_KDF_MEMORY_KIB": "1024",
        "QINGFENG_PASSWORD_KDF_ITERATIONS": "1",
    }
    os.environ.update({k: v for k, v in env.items() if k.startswith("QINGFENG_")})
    cli = [sys.executable, "-m", "admin.cli"]
    subprocess.run([*cli, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    made = subprocess.run(
        [*cli, "hotline-token", "create", "bench"], env=env, check=True,
        capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    return made


class Flows:
    def __init__(self, app, token: str) -> None:
        self.app, self.token, self.codes = app, token, []
        self.client = app.test_client()

    def api(self) -> None:
        response = self.client.post(
            "/api/v1/reports",
            data=json.dumps(CALL, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 201, response.status_code
        self.codes.append(response.get_json()["receipt_code"].replace(" ", ""))

    def _form(self, path: str, fields: dict[str, str]):
        page = self.client.get(path).get_data(as_text=True)
        tokens = dict(_TOKENS.findall(page))
        return self.client.post(
            path,
            data=urllib.parse.urlencode({**tokens, **fields}),
            content_type="application/x-www-form-urlencoded",
        )

    def web(self) -> None:
        response = self._form("/report", REPORT)
        match = _CODE.search(response.get_data(as_text=True))
        assert response.status_code == 200, response.status_code
        assert match, "no receipt code on the page"
        self.codes.append(match.group(1).replace(" ", ""))

    def status(self) -> None:
        response = self._form("/status", {"code": self.codes.pop()})
        assert response.status_code == 200, response.status_code


def package_of(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<built-in"):
        return "builtins/C"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if "/lib/python3" in filename:
        return "stdlib:" + filename.rsplit("/", 1)[-1]
    if str(ROOT) in filename:
        return filename.replace(str(ROOT) + "/", "").split("/", 1)[0] + "/"
    if filename.endswith(".html"):
        return "templates"
    return filename


def by_package(stats: pstats.Stats) -> list[tuple[str, float, float]]:
    totals: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0])
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        key = package_of(filename)
        if key == "builtins/C":
            key = "C: " + function.split(" of ", 1)[0].strip("<>{}").replace("method ", "")
            key = key[:60]
        totals[key][0] += tottime
    return sorted(((k, v[0], 0.0) for k, v in totals.items()), key=lambda r: -r[1])


def run_flow(name: str, flow, count: int, requests_per_flow: int) -> None:
    for _ in range(5):
        flow()
    STATS.clear()
    walls, cpus = [], []
    for _ in range(count):
        wall, cpu = time.perf_counter(), time.thread_time()
        flow()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.thread_time() - cpu)
    print(f"\n=== {name}: {count} flows ({requests_per_flow} HTTP request(s) each) ===")
    print(f"per flow: wall median {statistics.median(walls) * 1000:.2f} ms, "
          f"CPU median {statistics.median(cpus) * 1000:.2f} ms (test client included)")  # fmt: skip
    print(f"{'component (inclusive)':<46}{'calls/flow':>11}{'wall ms':>9}{'CPU ms':>9}")
    for key, (calls, wall, cpu) in sorted(STATS.items(), key=lambda kv: -kv[1][2]):
        print(
            f"{key:<46}{calls / count:>11.2f}{wall / count * 1000:>9.2f}{cpu / count * 1000:>9.2f}"
        )

    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    for _ in range(count):
        flow()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values())
    print(f"cProfile (thread CPU, profiler overhead inflates Python-heavy parts): "
          f"{total / count * 1000:.2f} ms per flow, exclusive time by package:")  # fmt: skip
    for key, tottime, _ in by_package(stats)[:22]:
        print(f"    {key:<60}{tottime / count * 1000:>8.2f} ms")
    if TOP:
        stats.sort_stats("cumulative").print_stats(TOP)
    dump = os.environ.get("BENCH_PROFILE_DUMP")
    if dump:
        stats.dump_stats(f"{dump}.{name.split()[0]}.pstats")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        token = make_instance(folder)
        instrument_before_app()
        from intake.platform.factory import create_app

        app = create_app()
        instrument_app(app)
        from crypto.kdf import RECEIPT_PARAMS

        print(f"receipt KDF {RECEIPT_PARAMS}; {N} flows each; SQLite in {folder}; "
              f"extra pragmas: {os.environ.get('BENCH_SQLITE_PRAGMAS') or 'none'}")  # fmt: skip
        flows = Flows(app, token)
        run_flow("hotline API POST", flows.api, N, 1)
        run_flow("web form GET+POST", flows.web, N, 2)
        run_flow("status GET+POST", flows.status, N, 2)


if __name__ == "__main__":
    main()

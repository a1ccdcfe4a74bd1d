"""The receipt KDF's share of each public flow's CPU: `python bench/profile_flows.py`.

Builds a fresh instance as bench/profile_requests.py does (SQLite, the production receipt KDF,
rate limits out of the way) and drives the app in-process with Flask's test client: the
hotline API POST, the web form (GET then POST) and the status check (GET then POST). The
thread CPU spent inside the WSGI app is what a worker spends on the flow; the receipt
Argon2id is timed on its own, so the rest (templates, forms, ORM, session, limiter…) is the
difference. The KDF share is the most of the KDF ceiling (cores ÷ one derivation) a flow can
reach. bench/profile_requests.py says where the rest goes.

BENCH_PROFILE_N flows each (default 40), after 5 to warm up. BENCH_KDF=minimal runs the same
flows with a tiny receipt KDF (8 KiB, 1 pass): NOT the production cost, only to show what the
rest of the stack costs on its own.
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.profile_requests import Flows, make_instance  # noqa: E402

N = int(os.environ.get("BENCH_PROFILE_N", "40"))
MINIMAL = os.environ.get("BENCH_KDF") == "minimal"

#: thread CPU seconds inside the WSGI app and inside the receipt KDF, for the flow running now
_SPENT = {"app": 0.0, "kdf": 0.0}


def _counting(key: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        started = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            _SPENT[key] += time.thread_time() - started

    return wrapper


def main() -> None:
    if MINIMAL:
        os.environ["QINGFENG_RECEIPT_KDF_MEMORY_KIB"] = "8"
        os.environ["QINGFENG_RECEIPT_KDF_ITERATIONS"] = "1"
    with tempfile.TemporaryDirectory() as folder:
        token = make_instance(folder)
        import crypto.receipts

        crypto.receipts.argon2id = _counting("kdf", crypto.receipts.argon2id)
        from intake.platform.factory import create_app

        app = create_app()
        app.wsgi_app = _counting("app", app.wsgi_app)
        kdf = app.extensions["qingfeng.settings"].receipt_kdf
        label = "MINIMAL receipt KDF, not the production cost" if MINIMAL else "production"
        print(f"receipt KDF {kdf} ({label}); {N} flows each; thread CPU inside the app")
        print(f"{'flow':<20}{'req':>4}{'CPU/flow ms':>13}{'CPU/req ms':>12}"
              f"{'KDF ms':>8}{'non-KDF ms':>12}{'KDF share':>11}")  # fmt: skip
        flows = Flows(app, token)
        for name, flow, requests in (
            ("hotline API", flows.api, 1),
            ("web form GET+POST", flows.web, 2),
            ("status GET+POST", flows.status, 2),
        ):
            for _ in range(5):
                flow()
            apps, kdfs = [], []
            for _ in range(N):
                _SPENT.update(app=0.0, kdf=0.0)
                flow()
                apps.append(_SPENT["app"])
                kdfs.append(_SPENT["kdf"])
            cpu = statistics.median(apps) * 1000
            kdf_ms = statistics.median(kdfs) * 1000
            rest = statistics.median(a - k for a, k in zip(apps, kdfs, strict=True)) * 1000
            print(f"{name:<20}{requests:>4}{cpu:>13.2f}{cpu / requests:>12.2f}"
                  f"{kdf_ms:>8.2f}{rest:>12.2f}{kdf_ms / (kdf_ms + rest):>10.0%}")  # fmt: skip
        print("medians per flow; KDF share = KDF ÷ (KDF + non-KDF)")


if __name__ == "__main__":
    main()

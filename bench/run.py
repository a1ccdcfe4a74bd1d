"""Benchmarks of the intake path, in process (no network): `python bench/run.py`.

Prints a table: the receipt key derivation at production cost (the ceiling it sets on
submissions per second across all cores), then submissions and status checks through the app
at production KDF cost, with p50/p95/p99 latency, and a check that every receipt opens.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crypto.kdf import RECEIPT_PARAMS
from crypto.receipts import derive_receipt_keys, generate_receipt
from tests.conftest import build_app, make_settings
from tests.helpers import VALID_REPORT, check_status, hidden_tokens, receipt_of

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))
# The length of the salt an installation makes: crypto/kdf.py derives other lengths more slowly.
RECEIPT_SALT = bytes(range(16))


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 in milliseconds."""
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return pick(0.50), pick(0.95), pick(0.99)


def main() -> None:
    """Run every benchmark and print the table."""
    code = generate_receipt()
    samples = []
    for _ in range(20):
        start = time.perf_counter()
        derive_receipt_keys(code, RECEIPT_SALT, RECEIPT_PARAMS)
        samples.append(time.perf_counter() - start)
    derivation = statistics.median(samples)
    cores = os.cpu_count() or 1

    with tempfile.TemporaryDirectory() as folder:
        app, _ = build_app(
            make_settings(
                Path(folder),
                receipt_kdf=RECEIPT_PARAMS,
                receipt_salt=RECEIPT_SALT,
                report_rate_limit="100000 per hour",
                status_rate_limit="100000 per hour",
                api_rate_limit="100000 per minute",
            )
        )
        client = app.test_client()
        web, codes = [], []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            tokens = hidden_tokens(client, "/report")
            # Each is a new report from one client, as "Send it as a new report" says.
            fields = {**VALID_REPORT, **tokens, "another": "new-report"}
            response = client.post("/report", data=fields)
            web.append(time.perf_counter() - start)
            codes.append(receipt_of(response))

        from intake.domain.keys import hotline
        from intake.platform import context, db

        with app.test_request_context():
            token = hotline.create_token(db.session(), "bench", context.today())
        body = json.dumps(
            {"transcript": "基准测试(虚构)", "hotline": "12345", "call_date": "2026-11-20"}
        )
        api = []
        for i in range(ROUNDS):
            start = time.perf_counter()
            response = client.post(
                "/api/v1/reports",
                data=body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"b{i}"},
            )
            api.append(time.perf_counter() - start)
            codes.append(response.get_json()["receipt_code"])

        status, opened = [], 0
        for code in codes:
            start = time.perf_counter()
            response = check_status(client, code)
            status.append(time.perf_counter() - start)
            opened += response.status_code == 200
        app.extensions["qingfeng.db"].engine.dispose()

    print(f"cores: {cores}; receipt KDF {RECEIPT_PARAMS}")
    print(f"{'measure':<44}{'value':>12}")
    print(f"{'receipt key derivation (median ms)':<44}{derivation * 1000:>12.1f}")
    print(f"{'ceiling, submissions/s (cores / KDF)':<44}{cores / derivation:>12.1f}")
    for name, values in (("web form (GET+POST)", web), ("hotline API POST", api),
                         ("status check (GET+POST)", status)):  # fmt: skip
        p50, p95, p99 = percentiles(values)
        rate = len(values) / sum(values)
        print(f"{name + ', per s, one thread':<44}{rate:>12.1f}")
        print(f"{name + ', p50/p95/p99 ms':<44}{f'{p50:.0f}/{p95:.0f}/{p99:.0f}':>12}")
    print(f"{'receipts that open their report':<44}{f'{opened}/{len(codes)}':>12}")


if __name__ == "__main__":
    main()

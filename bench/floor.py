"""The floor of the stack under the receipt KDF (issue 24): `python bench/floor.py`.

What share of a worker's CPU can one receipt derivation be, on Flask served by gunicorn as
`qingfeng serve` runs it (gthread, a worker per core, two threads, a new connection per
request), when the application does nothing else? A bare Flask app (bench/floor_app.py) is
driven like bench/load.py drives Qingfeng:

- two requests: GET a page of the report form's size, then POST a form to a view that runs
  one production receipt derivation and answers with a short page (the web form and the
  status check have this shape);
- one request: POST JSON to a view that runs the derivation and answers JSON (the API's).

Each shape runs again with the derivation left out, which is the stack's own cost per flow.
Prints the workers' CPU per flow (user + system from /proc, as bench/load.py reads it) and
the derivation's share of it: the most any application on this stack reaches, before it
stores, seals, checks or renders anything.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import Client, cpu_seconds  # noqa: E402
from crypto.kdf import RECEIPT_PARAMS  # noqa: E402
from crypto.receipts import derive_receipt_keys, generate_receipt  # noqa: E402
from tests.live import free_port  # noqa: E402

FLOWS = int(os.environ.get("BENCH_FLOWS", "400"))
LEVEL = int(os.environ.get("BENCH_LEVEL", "4"))


def form_flow(client: Client, kdf: str) -> bool:
    status, _page = client.request("GET", "/form")
    body = urllib.parse.urlencode({"what_happened": "基准测试（虚构）", "kdf": kdf}).encode()
    status, _page = client.request(
        "POST", "/form", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    return status == 200


def json_flow(client: Client, kdf: str) -> bool:
    body = json.dumps({"transcript": "基准测试（虚构）", "kdf": kdf}, ensure_ascii=False)
    status, _text = client.request(
        "POST", "/api", body.encode(), {"Content-Type": "application/json"}
    )
    return status == 201


def run(port: int, master: int, flow, kdf: str) -> tuple[float, int]:
    """CPU seconds of the workers per flow, and how many flows failed."""
    failed, lock = [0], threading.Lock()
    per_thread = FLOWS // LEVEL

    def drive() -> None:
        client = Client(port)
        for _ in range(per_thread):
            if not flow(client, kdf):
                with lock:
                    failed[0] += 1

    before = cpu_seconds(master)
    threads = [threading.Thread(target=drive) for _ in range(LEVEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (cpu_seconds(master) - before) / (per_thread * LEVEL), failed[0]


def main() -> None:
    samples = []
    code = generate_receipt()
    for _ in range(15):
        started = time.thread_time()
        derive_receipt_keys(code, bytes(range(16)), RECEIPT_PARAMS)
        samples.append(time.thread_time() - started)
    kdf = statistics.median(samples)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(os.cpu_count() or 1),
         "--worker-class", "gthread", "--threads", "2", "--keep-alive", "5",
         "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "bench.floor_app:app"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                Client(port).request("GET", "/form")
                break
            except OSError:
                time.sleep(0.1)
        rows = []
        for name, flow in (("two requests (form)", form_flow), ("one request (API)", json_flow)):
            bare, bare_failed = run(port, server.pid, flow, "no")
            full, full_failed = run(port, server.pid, flow, "yes")
            rows.append((name, bare, full, bare_failed + full_failed))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"cores: {os.cpu_count()}; gunicorn gthread, a worker per core × 2 threads; {FLOWS} "
          f"flows per row at concurrency {LEVEL}, a new connection per request")  # fmt: skip
    print(f"receipt key derivation ({RECEIPT_PARAMS}): {kdf * 1000:.1f} ms CPU in this process")
    print(f"{'flow':<22}{'stack ms':>10}{'with KDF ms':>13}{'KDF share':>11}{'failed':>8}")
    for name, bare, full, failed in rows:
        print(f"{name:<22}{bare * 1000:>10.2f}{full * 1000:>13.2f}"
              f"{kdf / full * 100:>10.0f}%{failed:>8}")  # fmt: skip
    print("stack ms: the workers' CPU per flow with no derivation; with KDF ms: the same")
    print("flow with one production derivation; KDF share: one derivation's CPU ÷ that.")


if __name__ == "__main__":
    main()

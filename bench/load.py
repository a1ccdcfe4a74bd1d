"""Load through gunicorn on 127.0.0.1: `python bench/load.py`.

Starts the service as production runs it (`qingfeng serve`: gunicorn, gthread workers, one per
core, the production receipt KDF) on a fresh instance (SQLite, or PostgreSQL with
BENCH_DATABASE_URL), then drives it from client threads at concurrency 1, 4, 16 and 32:

- web form: GET /report (CSRF token, form token, session cookie), then POST it;
- hotline API: POST /api/v1/reports with a bearer token;
- status check: GET /status, then POST a receipt code from the first two.

Prints requests per second and p50/p95/p99 latency per flow and level, next to the ceiling
the receipt key derivation sets (cores ÷ one derivation, measured in the same run); checks,
level by level, that every receipt returned opens its report (none lost); and reads each
worker's peak resident memory (VmHWM). Every request goes on a new connection, as nginx
(docs/deployment.md) passes them on without upstream keep-alive: a kept-alive connection stays
with the worker that accepted it, which left one worker idle. It also reads the workers' CPU
time per flow, so the share of it that is the key derivation can be told apart from a busy
machine.

BENCH_KDF=minimal runs the server and the client's own derivation with an 8 KiB, one-pass
receipt KDF: NOT the production cost, only to show what the rest of the stack costs (its "CPU
ms" column) and the rate it allows.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crypto.kdf import RECEIPT_PARAMS, Argon2Params  # noqa: E402
from crypto.receipts import derive_receipt_keys, generate_receipt  # noqa: E402
from tests.live import free_port  # noqa: E402

LEVELS = [int(n) for n in os.environ.get("BENCH_LEVELS", "1,4,16,32").split(",")]
MINIMAL = os.environ.get("BENCH_KDF") == "minimal"
PER_THREAD = int(os.environ.get("BENCH_PER_THREAD", "12"))
_TOKENS = re.compile(r'name="(csrf_token|form_token)"[^>]*value="([^"]*)"')
_CODE = re.compile(r'<p class="code"[^>]*>\s*([0-9 ]{24})\s*</p>')


class Client:
    """One browser's cookies; each request on a new connection, as nginx passes them on."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        all_headers = {**(headers or {}), "Connection": "close"}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def form(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        _status, page = self.request("GET", path)
        tokens = dict(_TOKENS.findall(page))
        body = urllib.parse.urlencode({**tokens, **fields}).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )


REPORT = {
    "category": "kickbacks",
    "what_happened": "负载测试举报:某医院收取回扣(基准测试用虚构数据)",
    "institution": "某县医院(虚构)",
    "official_involved": "no",
    # Each is a new report from one client, as "Send it as a new report" says.
    "another": "new-report",
}
CALL = {
    "transcript": "负载测试来电(基准测试用虚构数据)",
    "hotline": "12345",
    "call_date": time.strftime("%Y-%m-%d"),
    "category": "insurance_fraud",
}


def web(client: Client, _token: str, _codes: list[str]) -> str | None:
    status, page = client.form("/report", REPORT)
    match = _CODE.search(page)
    return match.group(1).replace(" ", "") if status == 200 and match else None


def api(client: Client, token: str, _codes: list[str]) -> str | None:
    status, text = client.request(
        "POST",
        "/api/v1/reports",
        json.dumps(CALL, ensure_ascii=False).encode(),
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    return json.loads(text)["receipt_code"].replace(" ", "") if status == 201 else None


def status_check(client: Client, _token: str, codes: list[str]) -> str | None:
    code = codes.pop() if codes else ""
    status, _page = client.form("/status", {"code": code})
    return code if status == 200 else None


def run_level(port: int, flow, level: int, token: str, codes: list[str]) -> dict:
    latencies: list[float] = []
    results: list[str | None] = []
    lock = threading.Lock()

    def worker() -> None:
        client = Client(port)
        for _ in range(PER_THREAD):
            started = time.perf_counter()
            result = flow(client, token, codes)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                results.append(result)

    threads = [threading.Thread(target=worker) for _ in range(level)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {
        "rate": len(latencies) / wall,
        "p50": pick(0.5),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "ok": sum(1 for r in results if r),
        "n": len(results),
        "codes": [r for r in results if r],
    }


def verify(port: int, codes: list[str]) -> int:
    """How many of the receipt codes open their report (four clients share the list)."""
    pending, opened, lock = list(codes), [0], threading.Lock()

    def worker() -> None:
        client = Client(port)
        while True:
            with lock:
                if not pending:
                    return
                code = pending.pop()
            if status_check(client, "", [code]):
                with lock:
                    opened[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return opened[0]


def workers(master: int) -> list[str]:
    return Path(f"/proc/{master}/task/{master}/children").read_text().split()


def cpu_seconds(master: int) -> float:
    """User + system CPU time of every gunicorn worker so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in workers(master):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def peak_memory(master: int) -> list[float]:
    """VmHWM (peak resident set) of each gunicorn worker, in MB."""
    peaks = []
    for pid in workers(master):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return peaks


def main() -> None:
    """Start gunicorn, run every flow at every level, print the table."""
    cores = os.cpu_count() or 1
    params = Argon2Params(memory_kib=8, iterations=1, lanes=1) if MINIMAL else RECEIPT_PARAMS
    code = generate_receipt()
    samples, walls = [], []
    for _ in range(15):
        started, started_cpu = time.perf_counter(), time.thread_time()
        # 16 bytes, as the server's own instance salt: crypto/kdf.py derives other lengths
        # more slowly.
        derive_receipt_keys(code, bytes(range(16)), params)
        samples.append(time.thread_time() - started_cpu)
        walls.append(time.perf_counter() - started)
    # Its CPU time, like the workers' column it is set against: on a shared machine the wall
    # time of one derivation grows with everyone else's load, its CPU time much less.
    kdf, kdf_wall = statistics.median(samples), statistics.median(walls)
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {
            **os.environ,
            "QINGFENG_INSTANCE": folder,
            "QINGFENG_BIND": f"127.0.0.1:{port}",
            "QINGFENG_REPORT_RATE_LIMIT": "1000000 per hour",
            "QINGFENG_STATUS_RATE_LIMIT": "1000000 per hour",
            "QINGFENG_API_RATE_LIMIT": "1000000 per minute",
            "QINGFENG_PASSWORD_KDF_MEMORY_KIB": "1024",  # staff passwords: not measured here
            "QINGFENG_PASSWORD_KDF_ITERATIONS": "1",
        }
        if MINIMAL:
            env["QINGFENG_RECEIPT_KDF_MEMORY_KIB"] = str(params.memory_kib)
            env["QINGFENG_RECEIPT_KDF_ITERATIONS"] = str(params.iterations)
        if os.environ.get("BENCH_DATABASE_URL"):
            env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
        # One worker per core, as production runs: the workers count rate limits in one shared
        # store (docs/deployment.md), here a Redis of our own that keeps nothing on disk.
        redis_port = free_port()
        redis = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(redis_port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        env["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{redis_port}/0"
        cli = [sys.executable, "-m", "admin.cli"]
        subprocess.run([*cli, "demo", "--no-serve"], env=env, check=True, capture_output=True)
        made = subprocess.run(
            [*cli, "hotline-token", "create", "bench"], env=env, check=True,
            capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        # `qingfeng serve` migrates, checks the installation, then becomes gunicorn (same pid).
        server = subprocess.Popen(
            [*cli, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            for _ in range(200):
                try:
                    Client(port).request("GET", "/")
                    break
                except OSError:
                    time.sleep(0.1)
            idle = peak_memory(server.pid)
            rows, codes = [], []
            for name, flow in (("web form", web), ("hotline API", api), ("status", status_check)):
                for level in LEVELS:
                    before = cpu_seconds(server.pid)
                    result = run_level(port, flow, level, made, codes)
                    result["cpu"] = (cpu_seconds(server.pid) - before) / result["n"]
                    if flow is not status_check:
                        codes.extend(result["codes"])
                    rows.append((name, level, result))
            # Every receipt handed out must open its report: counted level by level.
            for name, _level, result in rows:
                if name != "status":
                    result["lost"] = len(result["codes"]) - verify(port, result["codes"])
            stored = [c for name, _l, r in rows if name != "status" for c in r["codes"]]
            lost = sum(r.get("lost", 0) for _n, _l, r in rows)
            memory = peak_memory(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
            redis.terminate()
            redis.wait(timeout=30)
    threads = os.environ.get("QINGFENG_THREADS", "2")
    label = "MINIMAL, not the production cost" if MINIMAL else "production"
    print(f"cores: {cores}; receipt KDF {params} ({label}); "
          f"workers: {len(memory)} gthread × {threads}")  # fmt: skip
    print(f"receipt key derivation: {kdf * 1000:.1f} ms CPU ({kdf_wall * 1000:.1f} ms wall) "
          f"→ ceiling {cores / kdf:.1f}/s")  # fmt: skip
    print(f"{'flow':<14}{'conc':>5}{'req/s':>8}{'% ceiling':>11}{'p50 ms':>8}{'p95 ms':>8}"
          f"{'p99 ms':>8}{'ok':>9}{'lost':>5}{'CPU ms':>8}{'KDF share':>10}")  # fmt: skip
    for name, level, r in rows:
        share = r["rate"] / (cores / kdf) * 100
        print(f"{name:<14}{level:>5}{r['rate']:>8.1f}{share:>10.0f}%{r['p50']:>8.0f}"
              f"{r['p95']:>8.0f}{r['p99']:>8.0f}{r['ok']:>5}/{r['n']:<3}{r.get('lost', '-'):>5}"
              f"{r['cpu'] * 1000:>8.1f}{kdf / r['cpu'] * 100:>9.0f}%")  # fmt: skip
    print("CPU ms: the workers' CPU time per flow (user + system, /proc, 10 ms ticks);")
    print("KDF share: one derivation's CPU time as a share of it, the most the flow can reach.")
    print("lost: receipts handed out at that level that do not open their report.")
    print(f"receipts that open their report: {len(stored) - lost}/{len(stored)}")
    print("memory per worker after start (MB): " + ", ".join(f"{m:.0f}" for m in idle))
    print("peak memory per worker (MB): " + ", ".join(f"{m:.0f}" for m in memory))


if __name__ == "__main__":
    main()

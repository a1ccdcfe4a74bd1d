"""What linking repeat reports costs a submission, in process: `python bench/repeats.py`.

Submits web-form reports through the app at production receipt-KDF cost in blocks, with the
blind index of names switched off ("before": as the code was without it) and on ("after"),
in the order ABBA so both see the same machine load and database size; prints submissions
per second and p50/p95 for each, the cost of the linking step alone (normalising and tagging
a report's names), and the same comparison for the domain's submit_report alone with a cheap
KDF: the most sensitive view of what the index adds (its hashing, one INSERT, the pages
committed). Every report names an institution and three people, so each stores four tags.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crypto.kdf import RECEIPT_PARAMS, TEST_PARAMS
from intake.domain.cases import reports
from intake.domain.cases.content import ReportContent
from intake.domain.cases.name_index import index_report, tags_of
from intake.platform.context import today as china_today
from tests.conftest import build_app, make_settings
from tests.helpers import VALID_REPORT, hidden_tokens, receipt_of

BLOCKS = int(os.environ.get("BENCH_BLOCKS", "8"))
PER_BLOCK = int(os.environ.get("BENCH_PER_BLOCK", "15"))
REPORT = {
    **VALID_REPORT,
    "institution": "康泰口腔醫院有限公司(虚构)",
    "people": "周明远(主任)、吴小兰、赵六医生",
}


def _mode(block: int) -> str:
    """Blocks in the order before, after, after, before: the database grows as the run goes
    on, and this order cancels a steady drift instead of charging it all to "after"."""
    return "before" if block % 4 in (0, 3) else "after"


def _off(*_args: object) -> None:
    """The index switched off: what submit_report did before it."""


def _domain_only(folder: Path) -> dict[str, list[float]]:
    """submit_report alone, cheap KDF, alternating blocks of 20 without and with the index."""
    from intake.platform import context, db

    app, _ = build_app(make_settings(folder, receipt_kdf=TEST_PARAMS))
    timings: dict[str, list[float]] = {"before": [], "after": []}
    content = ReportContent("x" * 500, institution=REPORT["institution"], people=REPORT["people"])
    submission = reports.Submission("kickbacks", False, content)
    with app.app_context():
        session, settings, taxonomy = db.session(), context.settings(), context.taxonomy()
        for block in range(BLOCKS * 4):
            mode = _mode(block)
            reports.index_report = _off if mode == "before" else index_report  # type: ignore[assignment]
            for _ in range(20):
                begin = time.perf_counter()
                reports.submit_report(session, settings, taxonomy, submission, china_today())
                timings[mode].append(time.perf_counter() - begin)
    reports.index_report = index_report  # type: ignore[assignment]
    app.extensions["qingfeng.db"].engine.dispose()
    return timings


def main() -> None:
    """Run the alternating blocks and print the table."""
    key = bytes(32)
    content = ReportContent("x", institution=REPORT["institution"], people=REPORT["people"])
    start = time.perf_counter()
    for _ in range(2000):
        tags_of(key, content)
    tagging = (time.perf_counter() - start) / 2000

    timings: dict[str, list[float]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as folder:
        app, _ = build_app(
            make_settings(
                Path(folder),
                receipt_kdf=RECEIPT_PARAMS,
                receipt_salt=bytes(range(16)),
                report_rate_limit="100000 per hour",
            )
        )
        client = app.test_client()
        for block in range(BLOCKS * 2):
            mode = _mode(block)
            reports.index_report = _off if mode == "before" else index_report  # type: ignore[assignment]
            for _ in range(PER_BLOCK):
                tokens = hidden_tokens(client, "/report")
                begin = time.perf_counter()
                response = client.post("/report", data={**REPORT, **tokens})
                timings[mode].append(time.perf_counter() - begin)
                receipt_of(response)
        reports.index_report = index_report  # type: ignore[assignment]
        app.extensions["qingfeng.db"].engine.dispose()
    with tempfile.TemporaryDirectory() as folder:
        domain = _domain_only(Path(folder))

    print(f"receipt KDF {RECEIPT_PARAMS}; {BLOCKS} blocks of {PER_BLOCK} per mode, alternating")
    print(f"{'measure':<46}{'before':>10}{'after':>10}")
    rates = {m: len(v) / sum(v) for m, v in timings.items()}
    print(f"{'form POST, per s, one thread':<46}{rates['before']:>10.1f}{rates['after']:>10.1f}")
    for q, name in ((0.5, "p50"), (0.95, "p95")):
        row = {m: sorted(v)[min(len(v) - 1, int(q * len(v)))] * 1000 for m, v in timings.items()}
        print(f"{'form POST, ' + name + ' ms':<46}{row['before']:>10.1f}{row['after']:>10.1f}")
    medians = {m: statistics.median(v) * 1000 for m, v in timings.items()}
    print(f"{'difference of the medians, ms':<46}{medians['after'] - medians['before']:>20.2f}")
    print(f"{'normalising and tagging one report, µs':<46}{tagging * 1e6:>20.1f}")
    median = {m: statistics.median(v) * 1000 for m, v in domain.items()}
    label = "submit_report alone, cheap KDF, median ms"
    print(f"{label:<46}{median['before']:>10.2f}{median['after']:>10.2f}")


if __name__ == "__main__":
    main()

"""The queue page at 50 rows, each showing its institution and first line: `python
bench/queue_glimpses.py`.

Each row's glimpse unwraps that case's key with the bureau's key and opens its text
(admin/cases/views.py, `_glimpses`): 50 unwraps per page. Times the full page with and without
the glimpses (p50/p95 over BENCH_ROUNDS, 40 by default) on real, sealed reports in SQLite.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from admin.cases import views
from admin.cases.queue import PAGE_SIZE
from bench.console import timed
from intake.domain.cases.content import ReportContent
from intake.domain.cases.reports import Submission, submit_report
from intake.platform import context, db
from tests.conftest import build_app, make_settings
from tests.console.console import Staff, enrol_quickly

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))


def main() -> None:
    """Seed one page of sealed reports, log in, time the page with and without glimpses."""
    with tempfile.TemporaryDirectory() as folder:
        app, accounts = build_app(make_settings(Path(folder)))
        with app.app_context():
            for n in range(PAGE_SIZE):
                text = f"某医院收取回扣的第 {n} 份举报（基准测试，虚构）\n第二行不显示。" * 20
                content = ReportContent(what_happened=text, institution=f"某县医院{n}（虚构）")
                submit_report(
                    db.session(),
                    context.settings(),
                    context.taxonomy(),
                    Submission("kickbacks", False, content),
                    context.today(),
                )
        account = next(a for a in accounts if a.bureau == "health")
        member = Staff(app, account)
        member.secret = enrol_quickly(app, member.username)
        assert member.login().status_code == 303

        def page() -> None:
            response = member.client.get("/admin/queue?bureau=health&view=all")
            assert response.status_code == 200
            assert response.get_data(as_text=True).count('class="first-line"') == PAGE_SIZE

        with_glimpses = timed(page, ROUNDS)
        real = views._glimpses
        views._glimpses = lambda cases, bureau: {r.reference: ("", "") for r in cases}
        without = timed(page, ROUNDS)
        views._glimpses = real
        print(f"queue page, {PAGE_SIZE} rows, {ROUNDS} rounds")
        print(f"{'measure':<28}{'p50 ms':>9}{'p95 ms':>9}")
        for name, (p50, p95) in (("with glimpses", with_glimpses), ("without", without)):
            print(f"{name:<28}{p50:>9.1f}{p95:>9.1f}")


if __name__ == "__main__":
    main()

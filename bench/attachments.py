"""Peak memory while storing one large evidence file: `python bench/attachments.py`.

Each case runs in its own process: the file is spooled as Werkzeug would (encrypted, to
disk), then checked and sealed in chunks into SQLite, exactly as the form does. Printed: the
file's size, how far the process's resident memory rose above where it stood before the step
(sampled every millisecond from /proc/self/status, so Pillow's pixel buffers count too), and
the peak of Python's own allocations (tracemalloc). Non-image files stream: memory stays flat
whatever their size. Images are decoded to be cleaned, so they cost two copies of their pixels
(width × height × 3 bytes each) while re-encoded.
"""

from __future__ import annotations

import gc
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MB = 1024 * 1024


def _make(kind: str) -> tuple[str, bytes]:
    if kind == "text":
        line = "某医院收取回扣的账目记录,逐笔列出(基准测试用虚构数据)\n".encode()
        return "ledger.txt", line * (10 * MB // len(line))
    if kind == "pdf":
        return "scan.pdf", b"%PDF-1.4\n" + os.urandom(10 * MB - 20) + b"\n%%EOF\n"
    from PIL import Image

    # Noise does not compress: a 12-megapixel phone photo of about the largest size allowed.
    image = Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return "IMG_0001.jpg", out.getvalue()


def _child(kind: str) -> None:
    from intake.domain.cases.content import ReportContent
    from intake.domain.cases.reports import Submission, submit_report
    from intake.domain.evidence import attachments
    from intake.platform import context, db
    from intake.platform.spool import EncryptedSpool
    from tests.conftest import build_app, make_settings

    name, body = _make(kind)
    with tempfile.TemporaryDirectory() as folder:
        app, _ = build_app(make_settings(Path(folder), attachment_max_bytes=11 * MB))
        with app.test_request_context():
            spool = io.BufferedRandom(EncryptedSpool())
            spool.write(body)
            size = len(body)
            del body
            spool.seek(0)
            gc.collect()
            sampler = _Sampler()
            sampler.start()
            tracemalloc.start()
            started = time.perf_counter()
            checked = attachments.check(spool, name, 11 * MB)

            def store(receipt) -> None:
                attachments.store(
                    db.session(), receipt.report, receipt.data_key, checked, "reporter",
                    context.today(),
                )  # fmt: skip

            submit_report(
                db.session(), context.settings(), context.taxonomy(),
                Submission("kickbacks", False, ReportContent("benchmark (invented)")),
                context.today(), before_commit=store,
            )  # fmt: skip
            elapsed = time.perf_counter() - started
            _current, python_peak = tracemalloc.get_traced_memory()
            growth = sampler.stop()
        print(f"{kind}\t{size / MB:.1f}\t{growth / MB:.1f}\t{python_peak / MB:.1f}"
              f"\t{elapsed * 1000:.0f}")  # fmt: skip


def _rss() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class _Sampler(threading.Thread):
    """Samples resident memory until stopped; returns the peak rise over the start."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.base = _rss()
        self.peak = self.base
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, _rss())
            time.sleep(0.001)

    def stop(self) -> int:
        self.running = False
        self.join()
        return max(0, self.peak - self.base)


def main() -> None:
    """Run each case in a fresh process and print a table."""
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
        return
    print(f"{'file':<8}{'MB':>6}{'peak RSS growth MB':>20}{'Python peak MB':>16}{'ms':>8}")
    for kind in ("text", "pdf", "jpeg"):
        line = subprocess.run(
            [sys.executable, __file__, "--child", kind],
            check=True, capture_output=True, text=True,
        ).stdout.strip().split("\t")  # fmt: skip
        print(f"{line[0]:<8}{line[1]:>6}{line[2]:>20}{line[3]:>16}{line[4]:>8}")


if __name__ == "__main__":
    main()

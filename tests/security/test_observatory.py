"""The MDN HTTP Observatory's scanner (npm @mdn/mdn-http-observatory) against a real server:
grade A+ on the public pages and the console's login.

Run through the workplace's ../shared/tools/observatory_local.mjs, which scores local ports.
The service speaks plain HTTP behind nginx, which terminates TLS (docs/deployment.md), so the
three TLS-only tests (redirection to HTTPS, HSTS, Secure cookies) are left to that layer:
tests/test_headers.py proves HSTS is sent on HTTPS requests, and the cookie tests prove
`Secure` with QINGFENG_SECURE_COOKIES=1.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import LiveServer, start_server

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT.parent / "shared" / "tools" / "observatory_local.mjs"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("observatory"))
    yield live
    live.stop()


@pytest.mark.parametrize("path", ["/", "/report", "/status", "/figures", "/admin/login"])
def test_grade_a_plus(server: LiveServer, path: str) -> None:
    assert RUNNER.exists(), f"the Observatory runner is expected at {RUNNER}"
    assert (ROOT / "node_modules" / "@mdn" / "mdn-http-observatory").exists(), "run npm ci"
    port = server.base.rsplit(":", 1)[1]
    result = subprocess.run(
        ["node", str(RUNNER), "--http-port", port, "--path", path, "--min-grade", "A+",
         "--skip-https-tests"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert "GRADE A+" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr

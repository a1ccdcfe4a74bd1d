"""The MDN HTTP Observatory's scoring (npm @mdn/mdn-http-observatory) against a real server:
grade A+ on the public pages and the console's login.

tests/security/observatory.mjs runs the package's own retriever, tests and grader on a local
port. The service speaks plain HTTP behind nginx, which terminates TLS (docs/deployment.md),
so the three TLS-only tests (redirection to HTTPS, HSTS, Secure cookies) are left to that
layer: tests/test_headers.py proves HSTS is sent on HTTPS requests, and the cookie tests prove
`Secure` with QINGFENG_SECURE_COOKIES=1.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import LiveServer, start_server

RUNNER = Path(__file__).with_name("observatory.mjs")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("observatory"))
    yield live
    live.stop()


def _grade(port: str, path: str) -> dict:
    result = subprocess.run(
        ["node", str(RUNNER), port, path, "--behind-tls-proxy"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("path", ["/", "/report", "/status", "/figures", "/admin/login"])
def test_grade_a_plus(server: LiveServer, path: str) -> None:
    scan = _grade(server.base.rsplit(":", 1)[1], path)
    assert scan["status"] == 200, scan
    tests = scan["tests"]
    failed = {name: t["result"] for name, t in tests.items() if t["counted"] and not t["pass"]}
    assert scan["grade"] == "A+", (scan["score"], failed)
    assert not failed
    # Only the tests that need TLS were left to nginx.
    left_out = {name for name, t in tests.items() if not t["counted"]}
    assert left_out <= {"redirection", "strict-transport-security", "cookies"}

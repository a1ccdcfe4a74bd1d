"""The README's first command, run for real: a server process, a browser-like client.

Proves end to end that a report and its receipt work over HTTP, and that the server process
prints no client address, user agent or receipt code.
"""

from __future__ import annotations

import http.cookiejar
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake.platform.cli import RULE
from tests.helpers import RECEIPT_PATTERN, VALID_REPORT, form_values
from tests.live import LiveServer, start_server

USER_AGENT = "QingfengServerTest/1.0 (marker-7d2e)"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = start_server(tmp_path)
    yield live
    live.stop()


def test_a_report_over_real_http_leaves_no_trace_of_the_client(
    server: LiveServer, tmp_path: Path
) -> None:
    base = server.base
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]

    form = form_values(opener.open(base + "/report").read().decode())
    tokens = {"csrf_token": form["csrf_token"], "form_token": form["form_token"]}
    body = urllib.parse.urlencode({**VALID_REPORT, **tokens}).encode()
    receipt_page = opener.open(base + "/report", data=body).read().decode()
    match = RECEIPT_PATTERN.search(receipt_page)
    assert match, receipt_page[:500]
    code = match.group(1).replace(" ", "")

    status_form = form_values(opener.open(base + "/status").read().decode())
    body = urllib.parse.urlencode({"csrf_token": status_form["csrf_token"], "code": code}).encode()
    status_page = opener.open(base + "/status", data=body).read().decode()
    assert VALID_REPORT["what_happened"] in status_page

    output = server.stop()
    assert "password" in output  # the demo printed its accounts
    # ... and they are the last thing on screen: no Werkzeug banner below them.
    assert output.rstrip("\n").splitlines()[-1] == RULE
    assert "development server" not in output
    assert "Running on" not in output
    assert "marker-7d2e" not in output
    assert code not in output
    assert "127.0.0.1 - -" not in output
    assert '"POST /report' not in output
    # The database file with its write-ahead log and shared-memory file, if any are left.
    database = b"".join(
        path.read_bytes() for path in (tmp_path / "instance").glob("qingfeng.sqlite3*")
    )
    assert b"marker-7d2e" not in database
    assert b"127.0.0.1" not in database

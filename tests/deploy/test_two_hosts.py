"""Two hosts (two gunicorn servers) over one PostgreSQL and one Redis.

A report sent to one host is read on the other, and the rate limit is shared between them.
"""

from __future__ import annotations

import http.cookiejar
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from intake.domain.models import Base
from tests.conftest import TEST_DATABASE_URL, TEST_RATELIMIT_URI
from tests.helpers import RECEIPT_PATTERN, VALID_REPORT, form_values
from tests.live import CHEAP_KDF, free_port


def reset_database() -> None:
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture
def hosts(tmp_path: Path) -> Iterator[list[str]]:
    reset_database()
    env = {
        **os.environ,
        **CHEAP_KDF,
        "DATABASE_URL": TEST_DATABASE_URL,
        "RATELIMIT_STORAGE_URI": TEST_RATELIMIT_URI,
        "QINGFENG_SECRET_KEY": secrets.token_hex(32),
        "QINGFENG_RECEIPT_SALT": secrets.token_hex(16),
        "QINGFENG_INDEX_KEY": secrets.token_hex(32),
        "QINGFENG_INSTANCE": str(tmp_path),
        "QINGFENG_STATUS_RATE_LIMIT": "3 per minute",
        "QINGFENG_WORKERS": "2",
    }
    cli = [sys.executable, "-m", "intake.platform.cli"]
    demo = [*cli, "demo", "--no-serve", "--empty"]
    subprocess.run(demo, env=env, check=True, capture_output=True)
    processes, bases = [], []
    for name in ("a", "b"):
        port = free_port()
        with (tmp_path / f"{name}.log").open("wb") as log:
            processes.append(
                subprocess.Popen(
                    [*cli, "serve"],
                    env={**env, "QINGFENG_BIND": f"127.0.0.1:{port}"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        wait_until_up(base)
    yield bases
    for process in processes:
        process.terminate()
        process.wait(timeout=30)
    reset_database()


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310 (loopback only)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not start")


def browser() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def post_form(opener: urllib.request.OpenerDirector, url: str, fields: dict) -> tuple[int, str]:
    form = form_values(opener.open(url).read().decode())
    tokens = {k: form[k] for k in ("csrf_token", "form_token") if k in form}
    body = urllib.parse.urlencode({**fields, **tokens}).encode()
    try:
        with opener.open(url, data=body) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_report_sent_to_one_host_opens_on_the_other(hosts: list[str]) -> None:
    one, two = hosts
    status, page = post_form(browser(), one + "/report", VALID_REPORT)
    assert status == 200
    code = RECEIPT_PATTERN.search(page).group(1).replace(" ", "")
    status, page = post_form(browser(), two + "/status", {"code": code})
    assert status == 200
    assert VALID_REPORT["what_happened"] in page


def test_the_rate_limit_is_shared_between_hosts(hosts: list[str]) -> None:
    one, two = hosts
    answers = [post_form(browser(), base + "/status", {"code": "1234"})[0]
               for base in (one, two, one, two)]  # fmt: skip
    assert answers == [422, 422, 422, 429]

"""docs/operations.md, "First installation", followed top to bottom by real processes.

The commands are read from the document itself and run as an operator types them, against a
fresh database (its own PostgreSQL database in the PostgreSQL tier, a SQLite file otherwise).
The intake desk's founder logs in with the temporary password `bureaus setup` printed and
enrols through the real pages; then a report arrives through the form and one through the
hotline API, and both are in the desk's queue.
"""

from __future__ import annotations

import json
import re
import secrets
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import make_url

from tests.conftest import TEST_DATABASE_URL, TEST_RATELIMIT_URI
from tests.deploy.test_two_hosts import browser, post_form, wait_until_up
from tests.helpers import RECEIPT_PATTERN, VALID_REPORT, form_values
from tests.live import CHEAP_KDF, _create_database, _drop_database, free_port

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = ROOT / "docs" / "operations.md"
QINGFENG = Path(sys.executable).with_name("qingfeng")
#: An account line of `bureaus setup`: username, temporary password, role.
ACCOUNT = re.compile(r"^  (\S+)\s+password (\S+)  \((intake|handler)\)$")


def documented_commands() -> list[str]:
    """Every `qingfeng …` line of the code blocks in "First installation", in order."""
    text = OPERATIONS.read_text(encoding="utf-8")
    section = text.split("## First installation", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


@pytest.fixture
def environment(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The service's environment, as step 1 of the document sets it, on a fresh database."""
    database = None
    if TEST_DATABASE_URL:
        # Named like tests/live.py's databases, so scripts/test drops one a killed run left.
        name = f"{make_url(TEST_DATABASE_URL).database}_live_first_{secrets.token_hex(3)}"
        database = _create_database(name)
    env = {
        "PATH": str(QINGFENG.parent) + ":/usr/bin:/bin",
        "DATABASE_URL": database or f"sqlite:///{tmp_path / 'qingfeng.sqlite3'}",
        "QINGFENG_SECRET_KEY": secrets.token_hex(32),
        "QINGFENG_RECEIPT_SALT": secrets.token_hex(16),
        "QINGFENG_INDEX_KEY": secrets.token_hex(32),
        "RATELIMIT_STORAGE_URI": TEST_RATELIMIT_URI,
        "QINGFENG_INSTANCE": str(tmp_path / "instance"),
        "QINGFENG_BIND": f"127.0.0.1:{free_port()}",
        "QINGFENG_WORKERS": "1",
        **CHEAP_KDF,
    }
    try:
        yield env
    finally:
        if database:
            _drop_database(database)


def run(command: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    """One documented command, as typed (the `qingfeng` of this environment)."""
    argv = shlex.split(command)
    assert argv[0] == "qingfeng", command
    return subprocess.run(
        [str(QINGFENG), *argv[1:]], env=env, capture_output=True, text=True, check=check,
        timeout=120,
    )  # fmt: skip


def desk_founder(setup_output: str) -> tuple[str, str]:
    """The intake desk founder's username and temporary password, as printed."""
    lines = setup_output.splitlines()
    desk = next(i for i, line in enumerate(lines) if "[intake]:" in line)
    match = ACCOUNT.match(lines[desk + 1])
    assert match, lines[desk + 1]
    return match.group(1), match.group(2)


def enrol(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    """The founder's first login and enrolment through the real pages; their logged-in browser."""
    founder = browser()
    status, page = post_form(
        founder, base + "/admin/login", {"username": username, "password": password, "code": ""}
    )
    # The temporary password leads to enrolment (urllib follows the redirect).
    assert status == 200
    assert '<code class="secret">' in page, page
    secret = page.split('<code class="secret">')[1].split("<")[0]
    mine = "founder-own-password-2026"
    body = {"new_password": mine, "confirm": mine, "code": pyotp.TOTP(secret).now()}
    status, page = post_form(founder, base + "/admin/enrol", body)
    assert status == 200, page
    assert '<p class="code"' in page  # the recovery key
    return founder


def test_an_operator_follows_the_first_installation_and_reports_arrive(
    environment: dict[str, str],
) -> None:
    commands = documented_commands()
    assert commands == [
        "qingfeng db upgrade",
        "qingfeng staff create-admin admin",
        "qingfeng bureaus setup",
        "qingfeng serve",
        "qingfeng hotline-token create county-12345",
    ]
    upgrade, create_admin, setup, serve, token_command = commands

    run(upgrade, environment)
    # Started too early, the service refuses and names the command that fixes it.
    early = run(serve, environment, check=False)
    assert early.returncode != 0
    assert "qingfeng staff create-admin NAME" in early.stderr + early.stdout
    admin = run(create_admin, environment)
    assert "Temporary password" in admin.stdout
    founders = run(setup, environment).stdout
    username, password = desk_founder(founders)

    log_path = Path(environment["QINGFENG_INSTANCE"]).parent / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [str(QINGFENG), *shlex.split(serve)[1:]], env=environment, stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = "http://" + environment["QINGFENG_BIND"]
    try:
        wait_until_up(base)
        # Before the desk's founder enrols: refused, and the citizen keeps the text.
        status, page = post_form(browser(), base + "/report", VALID_REPORT)
        assert status == 503
        assert form_values(page)["what_happened"] == VALID_REPORT["what_happened"]

        desk = enrol(base, username, password)

        status, page = post_form(browser(), base + "/report", VALID_REPORT)
        assert status == 200, page
        assert RECEIPT_PATTERN.search(page)
        token = run(token_command, environment).stdout.strip().splitlines()[-1]
        call = {"transcript": "来电反映某医院收受回扣(虚构)", "hotline": "12345",
                "call_date": "2026-11-20", "category": "insurance_fraud"}  # fmt: skip
        request = urllib.request.Request(  # noqa: S310 (loopback only)
            base + "/api/v1/reports",
            data=json.dumps(call, ensure_ascii=False).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:  # noqa: S310 (loopback only)
            answer = json.loads(response.read())
        assert response.status == 201
        # Their bureaus' founders have not enrolled: the desk holds both.
        assert answer["bureau"]["code"] == "intake"

        queue = desk.open(base + "/admin/queue").read().decode()
        references = set(re.findall(r">(QF-[A-Z0-9]{8})</a>", queue))
        assert len(references) == 2
        for reference in references:
            case = desk.open(f"{base}/admin/cases/{reference}").read().decode()
            assert "承办单位尚无密钥，暂由综合受理保管" in case
    finally:
        server.terminate()
        server.wait(timeout=30)
    log = log_path.read_text(encoding="utf-8")
    assert "waiting for its founder" in log

"""A real server process (`qingfeng demo`), for tests that need real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from tests.conftest import TEST_DATABASE_URL

CHEAP_KDF = {
    "QINGFENG_RECEIPT_KDF_MEMORY_KIB": "1024",
    "QINGFENG_RECEIPT_KDF_ITERATIONS": "1",
    "QINGFENG_PASSWORD_KDF_MEMORY_KIB": "64",
    "QINGFENG_PASSWORD_KDF_ITERATIONS": "1",
}


@dataclass
class LiveServer:
    """A running `qingfeng demo` process."""

    base: str
    process: subprocess.Popen
    log_path: Path
    instance: Path
    env: dict[str, str]
    database: str | None = None  # a database of its own on the test server, dropped at stop

    def stop(self) -> str:
        """Stop the server and return what it printed."""
        try:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
        finally:
            if self.database:
                _drop_database(self.database)
        return self.log_path.read_text(encoding="utf-8")

    def cli(self, *args: str) -> str:
        """Run a `qingfeng` command against the same instance; return its output."""
        result = subprocess.run(
            [sys.executable, "-m", "intake.platform.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return result.stdout


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    tmp_path: Path, extra_env: dict[str, str] | None = None, *, tier_database: bool = False
) -> LiveServer:
    """Start `qingfeng demo` on a free port with its own instance folder; wait until it answers.

    With `tier_database`, and a test database server set (the PostgreSQL tier of .ci/run), the
    server runs on a fresh database of its own there instead of the embedded SQLite file.
    """
    port = free_port()
    instance = tmp_path / "instance"
    env = {**os.environ, "QINGFENG_INSTANCE": str(instance), **CHEAP_KDF, **(extra_env or {})}
    env.pop("DATABASE_URL", None)
    database = None
    if tier_database and TEST_DATABASE_URL:
        # Named after the run's test database, so that scripts/test drops it with that one.
        database = _create_database(f"{make_url(TEST_DATABASE_URL).database}_live_{port}")
        env["DATABASE_URL"] = database
    try:
        return _start(port, tmp_path, instance, env, database)
    except BaseException:
        if database:
            _drop_database(database)
        raise


def _start(
    port: int, tmp_path: Path, instance: Path, env: dict[str, str], database: str | None
) -> LiveServer:
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            # Without the sample cases: these tests make the cases they look for.
            [sys.executable, "-m", "intake.platform.cli", "demo", "--empty", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("server exited: " + log_path.read_text())
            try:
                urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310 (loopback only)
                return LiveServer(base, process, log_path, instance, env, database)
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start: " + log_path.read_text())
    except BaseException:
        process.kill()
        process.wait(timeout=10)
        raise


@contextmanager
def _server_connection() -> Iterator[Connection]:
    assert TEST_DATABASE_URL
    engine = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _create_database(name: str) -> str:
    """A new empty database beside the test database; its URL."""
    with _server_connection() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def _drop_database(url: str) -> None:
    name = make_url(url).database
    with _server_connection() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

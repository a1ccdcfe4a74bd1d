"""A real server process of the embedded default, for tests that need real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

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

    def stop(self) -> str:
        """Stop the server and return what it printed."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        return self.log_path.read_text(encoding="utf-8")

    def cli(self, *args: str) -> str:
        """Run a `qingfeng` command against the same instance; return its output."""
        result = subprocess.run(
            [sys.executable, "-m", "intake.cli", *args],
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


def start_server(tmp_path: Path, extra_env: dict[str, str] | None = None) -> LiveServer:
    """Start `qingfeng demo` on a free port with its own instance folder; wait until it answers."""
    port = free_port()
    instance = tmp_path / "instance"
    env = {**os.environ, "QINGFENG_INSTANCE": str(instance), **CHEAP_KDF, **(extra_env or {})}
    env.pop("DATABASE_URL", None)
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "intake.cli", "demo", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited: " + log_path.read_text())
        try:
            urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310 (loopback only)
            return LiveServer(base, process, log_path, instance, env)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start: " + log_path.read_text())

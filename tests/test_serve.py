"""`qingfeng serve` will not run workers that would each count rate limits on their own:
N workers over per-process counters would allow N times every limit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import CHEAP_KDF

MESSAGE = "would each count rate limits on their own"


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        **CHEAP_KDF,
        "QINGFENG_INSTANCE": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "RATELIMIT_STORAGE_URI": "memory://",
        **extra,
    }
    env.pop("GUNICORN_CMD_ARGS", None)
    return env


@pytest.mark.slow
@pytest.mark.parametrize(
    ("extra", "args"),
    [({"QINGFENG_WORKERS": "2"}, []), ({}, ["--workers", "3"])],
    ids=["QINGFENG_WORKERS", "gunicorn-option"],
)
def test_serve_refuses_several_workers_on_per_process_counters(
    tmp_path: Path, extra: dict[str, str], args: list[str]
) -> None:
    # A ready installation, so that serve gets as far as the worker count.
    qingfeng = str(Path(sys.executable).with_name("qingfeng"))
    for command in (["db", "upgrade"], ["staff", "create-admin", "root"], ["bureaus", "setup"]):
        subprocess.run(
            [qingfeng, *command], env=environment(tmp_path), capture_output=True, check=True
        )
    result = subprocess.run(
        [sys.executable, "-m", "intake.platform.cli", "serve", *args],
        env={**environment(tmp_path, **extra), "QINGFENG_BIND": "127.0.0.1:0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert MESSAGE in result.stderr
    assert "RATELIMIT_STORAGE_URI" in result.stderr
    assert "QINGFENG_WORKERS=1" in result.stderr


def workers_configured(tmp_path: Path, **extra: str) -> int:
    """The worker count intake/gunicorn_conf.py sets in this environment."""
    probe = "import intake.platform.gunicorn_conf as c; print(c.workers)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=environment(tmp_path, **extra),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return int(result.stdout)


def test_one_worker_is_the_default_on_per_process_counters(tmp_path: Path) -> None:
    assert workers_configured(tmp_path) == 1
    shared = workers_configured(tmp_path, RATELIMIT_STORAGE_URI="redis://redis.internal:6379/0")
    assert shared == os.cpu_count()


def test_a_worker_added_by_signal_is_taken_back(tmp_path: Path) -> None:
    # What gunicorn does on TTIN: num_workers += 1, which calls the hook with (2, 1).
    probe = """
import logging
from types import SimpleNamespace
import intake.platform.gunicorn_conf as c
server = SimpleNamespace(log=logging.getLogger("probe"), num_workers=2)
c.nworkers_changed(server, 2, 1)
print(server.num_workers)
"""
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "1"
    assert MESSAGE in result.stderr

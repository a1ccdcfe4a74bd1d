"""The hotline API against a real server process: idempotency under concurrent retries."""

from __future__ import annotations

import json
import sqlite3
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.test_hotline_api import CALL
from tests.live import LiveServer, start_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = start_server(tmp_path)
    yield live
    live.stop()


def post(base: str, token: str, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (loopback only)
        base + "/api/v1/reports",
        data=json.dumps(CALL).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_simultaneous_retries_make_one_report(server: LiveServer) -> None:
    token = server.cli("hotline-token", "create", "centre-live").strip().splitlines()[-1]
    results: list[tuple[int, dict]] = []
    barrier = threading.Barrier(8)

    def retry() -> None:
        barrier.wait()
        results.append(post(server.base, token, "same-call-42"))

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == 8
    assert {status for status, _ in results} == {201}, results
    assert len({json.dumps(body, sort_keys=True) for _, body in results}) == 1
    server.stop()
    database = sqlite3.connect(server.instance / "qingfeng.sqlite3")
    try:
        assert database.execute("select count(*) from reports").fetchone() == (1,)
    finally:
        database.close()

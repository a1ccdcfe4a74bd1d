"""Redis goes away and comes back: intake keeps working, warns once, and shares limits again."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

import pytest
import redis
from flask import Flask

from tests.conftest import TEST_RATELIMIT_URI
from tests.deploy.proxy import CuttableProxy
from tests.helpers import check_status, post_report, receipt_of

UNREACHABLE = "Rate limit storage unreachable - falling back to in-memory storage"
RECOVERED = "Rate limit storage recovered"


@pytest.fixture
def proxy() -> Iterator[CuttableProxy]:
    cuttable = CuttableProxy(("127.0.0.1", 6379))
    yield cuttable
    cuttable.close()


def counts(store: redis.Redis) -> dict[tuple[bytes, bytes], int]:
    """Every client's count in every window (one hash per window, a field per client)."""
    return {
        (key, field): int(value)
        for key in store.scan_iter("LIMITS:*")
        for field, value in store.hgetall(key).items()
    }


def limiter_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "flask-limiter"]


def test_redis_outage_and_return(
    make_app: Callable[..., Flask], proxy: CuttableProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    store = redis.Redis.from_url(TEST_RATELIMIT_URI)
    app = make_app(ratelimit_storage_uri=f"redis://127.0.0.1:{proxy.port}/0")
    client = app.test_client()
    assert post_report(client).status_code == 200
    shared_keys = set(store.keys("LIMITS:*"))
    assert shared_keys, "the limiter counts in Redis while it is there"

    proxy.cut()
    for number in range(3):
        code = receipt_of(post_report(client, what_happened=f"Redis 不在时的第 {number} 份(虚构)"))
        assert check_status(client, code).status_code == 200
    assert limiter_messages(caplog).count(UNREACHABLE) == 1

    proxy.restore()
    # flask-limiter looks at the storage again after a back-off that doubles with each failure
    # (1, 2, 4, 8 ... s), so give it time rather than a number of requests.
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        assert post_report(client).status_code == 200
        if RECOVERED in limiter_messages(caplog):
            break
        time.sleep(0.5)
    assert RECOVERED in limiter_messages(caplog)
    counts_before = counts(store)
    post_report(client)
    counts_after = counts(store)
    assert any(n > counts_before.get(c, 0) for c, n in counts_after.items()), (
        "after recovery the counts are kept in Redis again"
    )
    store.close()

"""The rate limiter's parts (issue 22, items 2 and 3): buckets, windows, the wait announced."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import time
from collections import Counter

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from intake.config import ConfigError
from intake.platform.ratelimit import BUCKET_BYTES, ClientKey, DailySecret
from intake.platform.ratestorage import ExactMemoryStorage, seconds_until_allowed, storage_uri

KEY = b"installation-secret-key-0123456789"
DAY = dt.date(2026, 11, 20)


def bucket_of(secret: DailySecret, address: str) -> str:
    app = Flask(__name__)
    with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
        return ClientKey(secret)()


def test_every_host_derives_the_same_day_key_and_stores_it_nowhere() -> None:
    one, two = DailySecret(KEY), DailySecret(KEY)
    assert one.for_day(DAY) == two.for_day(DAY)
    assert one.for_day(DAY) != one.for_day(DAY + dt.timedelta(days=1))
    assert DailySecret(b"another-installation-key-012345678").for_day(DAY) != one.for_day(DAY)
    # Nothing but the secret key goes in: no store, no connection.
    assert set(vars(one)) == {"_secret_key", "_lock", "_cache"}


def test_a_bucket_is_16_bits_and_stands_for_many_addresses() -> None:
    secret = DailySecret(KEY)
    bucket = bucket_of(secret, "203.0.113.7")
    assert len(bucket) == 2 * BUCKET_BYTES == 4
    assert bucket == bucket_of(secret, "203.0.113.7")
    today = hmac.new(secret.for_day(dt.datetime.now(dt.UTC).date()), digestmod=hashlib.sha256)
    today.update(b"203.0.113.7")
    assert bucket == today.digest()[:BUCKET_BYTES].hex()
    # Someone who holds the day's key hashes the 65,536 addresses of a /16: most of them share
    # their bucket with another address of that /16 alone (1 - 1/e of them, for 16 bits), and
    # across all of IPv4 each bucket holds about 65,536 addresses.
    key = hmac.new(secret.for_day(DAY), digestmod=hashlib.sha256)
    buckets: Counter[bytes] = Counter()
    for address in ipaddress.ip_network("198.51.0.0/16"):
        candidate = key.copy()
        candidate.update(str(address).encode())
        buckets[candidate.digest()[:BUCKET_BYTES]] += 1
    shared = sum(n for n in buckets.values() if n > 1)
    assert shared > 0.55 * 65536


def test_only_storages_whose_expiries_date_nothing_are_accepted() -> None:
    assert storage_uri("memory://") == "qingfeng+memory://"
    assert storage_uri("rediss://:pw@redis.internal:6380/0") == (
        "qingfeng+rediss://:pw@redis.internal:6380/0"
    )
    for other in ("memcached://cache:11211", "mongodb://db", "nonsense"):
        with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
            storage_uri(other)


def test_just_after_a_window_ends_the_previous_one_still_weighs_in_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    storage = ExactMemoryStorage()
    clock = [6_000_000 - 0.5]  # half a second before a minute ends
    monkeypatch.setattr(time, "time", lambda: clock[0])
    assert all(storage.acquire_sliding_window_entry("client", 3, 60) for _ in range(3))
    clock[0] += 0.6  # a tenth of a second into the next minute
    # The library rounds 3 × 0.998 down to 2 and would let a fourth through.
    assert not storage.acquire_sliding_window_entry("client", 3, 60)
    clock[0] += 20  # a third of the way in, the previous minute weighs 2
    assert storage.acquire_sliding_window_entry("client", 3, 60)


def weighted(previous: int, current: int, left: float, window: int, wait: float) -> float:
    """The count that the next request is weighed against, `wait` seconds from now."""
    if wait < left:
        return previous * (left - wait) / window + current
    return current * (window - (wait - left)) / window


@given(
    limit=st.integers(1, 200),
    previous=st.integers(0, 400),
    current=st.integers(0, 400),
    left_share=st.floats(0.001, 1.0),
    window=st.sampled_from([1, 60, 3600]),
)
def test_the_announced_wait_is_when_one_more_request_fits(
    limit: int, previous: int, current: int, left_share: float, window: int
) -> None:
    left = left_share * window
    wait = seconds_until_allowed(limit, previous, current, left, window)
    assert 0 <= wait <= left + window
    assert weighted(previous, current, left, window, wait) + 1 <= limit + 1e-9
    if wait > 0.001:
        assert weighted(previous, current, left, window, wait - 0.001) + 1 > limit

"""Issue 22, item 2: someone who reads Redis learns neither who posted nor when.

Citizens at known addresses post reports and check them through the real app, whose limiter
counts in a real Redis. Then the attacker reads everything Redis holds (every key, type,
value and time-to-live) and mounts the attacks that used to work: hash a dictionary of
addresses under any secret found there, and date each post from its counter's expiry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import re
import socket
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
import redis
from flask import Flask

from intake.platform.ratelimit import DailySecret
from tests.conftest import TEST_RATELIMIT_URI
from tests.helpers import check_status, post_report, receipt_of

#: A logical database of the tier's Redis that only this test uses, so that the attacker's
#: full read sees this test's keys and no other test's (other test runs may share the server).
ATTACK_DB = 13
CITIZENS = ["203.0.113.7", "198.51.100.23", "192.0.2.200", "100.64.12.34", "10.1.2.3"]
#: The attacker's dictionary: the citizens among 1,024 other addresses.
DICTIONARY = [*CITIZENS, *map(str, ipaddress.ip_network("203.0.116.0/22"))]
SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
WINDOW_KEY = re.compile(
    rb"LIMITS:LIMITER/(?P<scope>[^/]+)/(?P<amount>\d+)/(?P<multiples>\d+)/"
    rb"(?P<granularity>[a-z]+)/(?P<index>\d+)"
)


@pytest.fixture
def redis_url() -> Iterator[str]:
    url = urlsplit(TEST_RATELIMIT_URI)._replace(path=f"/{ATTACK_DB}").geturl()
    store = redis.Redis.from_url(url)
    store.flushdb()
    yield url
    store.flushdb()
    store.close()


def read_everything(url: str) -> tuple[float, dict[bytes, tuple[bytes, object, int]]]:
    """What the attacker reads: each key's type, value and time-to-live in ms, and when."""
    store = redis.Redis.from_url(url)
    seen = time.time()
    contents: dict[bytes, tuple[bytes, object, int]] = {}
    for key in store.scan_iter("*"):
        kind = store.type(key)
        value = store.hgetall(key) if kind == b"hash" else store.dump(key)
        contents[key] = (kind, value, store.pttl(key))
    store.close()
    return seen, contents


def strings_in(contents: dict[bytes, tuple[bytes, object, int]]) -> list[bytes]:
    """Every byte string the attacker has: key names, field names, values."""
    found: list[bytes] = []
    for key, (_kind, value, _ttl) in contents.items():
        found.append(key)
        if isinstance(value, dict):
            for field, count in value.items():
                found += [field, count]
        elif isinstance(value, bytes):
            found.append(value)
    return found


def test_redis_gives_away_no_address_and_no_time_of_posting(
    make_app: Callable[..., Flask], redis_url: str
) -> None:
    app = make_app(
        ratelimit_storage_uri=redis_url,
        report_rate_limit="20 per hour",
        status_rate_limit="10 per minute;100 per hour",
    )
    for address in CITIZENS:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        code = receipt_of(post_report(client))
        assert check_status(client, code).status_code == 200
        time.sleep(1.0)  # each citizen posts in a second of their own
    seen, contents = read_everything(redis_url)

    # The app counted in Redis: every citizen in the report limit and both code-lookup limits.
    clients = {field for _k, value, _t in contents.values() for field in value}  # type: ignore[union-attr]
    assert len(clients) == len(CITIZENS)
    assert {WINDOW_KEY.fullmatch(key)["scope"] for key in contents} == {
        b"public.report",
        b"receipt-code",
    }

    # Attack 1: the address itself, in any spelling.
    everything = b"\n".join(strings_in(contents))
    for address in CITIZENS:
        packed = socket.inet_aton(address)
        for spelling in (address.encode(), packed, packed.hex().encode()):
            assert spelling not in everything

    # Attack 2: the key the addresses are hashed under is not in Redis, so no string found
    # there hashes the dictionary onto the counters (the old attack took the day's secret
    # from Redis and found all five citizens).
    day_key = DailySecret(app.extensions["qingfeng.settings"].secret_key).for_day(
        dt.datetime.now(dt.UTC).date()
    )
    assert day_key not in everything
    assert day_key.hex().encode() not in everything
    for candidate_key in set(strings_in(contents)):
        mac = hmac.new(candidate_key, digestmod=hashlib.sha256)
        found = set()
        for address in DICTIONARY:
            digest = mac.copy()
            digest.update(address.encode())
            if any(digest.hexdigest().startswith(c.decode()) for c in clients):
                found.add(address)
        # A 16-bit bucket matches one address in 65,536 by chance; a key that explained the
        # counters would match every citizen.
        assert len(found & set(CITIZENS)) <= 1, candidate_key

    # Attack 3: the time of posting, from the expiries. Every key expires on a boundary of
    # its window, at the end of the window after the one it counts, whatever second the
    # citizens posted in: the expiry names the window and nothing finer.
    limits: dict[bytes, list[dict[bytes, bytes]]] = {}
    for key, (kind, value, ttl) in contents.items():
        assert kind == b"hash"
        parts = WINDOW_KEY.fullmatch(key)
        window = int(parts["multiples"]) * SECONDS[parts["granularity"].decode()]
        expires = seen + ttl / 1000
        assert abs(expires - (int(parts["index"]) + 2) * window) < 1.0, key
        limits.setdefault(key[: parts.start("index")], []).append(value)  # type: ignore[arg-type]
    # One key per window of each limit holds every citizen who posted in it: its expiry, and
    # the idle time Redis keeps per key, belong to the window, not to anyone's request. Three
    # limits (reports per hour; code lookups per minute and per hour), in one window each, or
    # two where a window ended during the test: never a key per citizen.
    assert len(limits) == 3
    for windows in limits.values():
        assert len(windows) <= 2
        assert sum(len(fields) for fields in windows) == len(CITIZENS)

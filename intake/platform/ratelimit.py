"""Rate limits keyed on a truncated, keyed, daily-rotating hash of the client address (promise 1).

The address is read here and nowhere else on the public side. It is hashed under the day's
key, derived from the installation's secret key (so every host and worker of a deployment
hashes alike, and nothing is stored to share it), and only 16 bits of the hash are kept: a
client's bucket stands for one in 65,536 of all addresses. Counters live in process memory
(`memory://`, one process) or in Redis (shared by every host), in windows whose stored form
dates nothing finer than the window (intake/platform/ratestorage.py). If Redis goes away,
each process falls back to its own counters (flask-limiter logs one warning) and goes back
to Redis when it answers again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter

from crypto.keywrap import hkdf_sha256
from intake.config import Settings
from intake.platform import ratestorage

log = logging.getLogger("qingfeng.ratelimit")

#: Bytes of the keyed hash kept as a client's bucket. Two bytes: 65,536 buckets, so a
#: dictionary of every IPv4 address puts about 65,536 candidates in each, while clients who
#: share a bucket by chance are rare enough at any one time (a few hundred pairs among 5,000
#: clients in an hour) and use far less than a limit.
BUCKET_BYTES = 2


class DailySecret:
    """The day's key for hashing client addresses, derived from the installation's secret key.

    Why derived, and not drawn at random: every worker and host must hash an address alike,
    or each would count it on its own and limits would multiply (issue 22, item 3). A random
    secret would have to be shared through some store, and it used to sit in Redis beside the
    counters, where whoever read Redis could hash a dictionary of addresses under it. Derived,
    it is stored nowhere and every host computes it. What that costs:
    - Someone who reads Redis (a dump, a replica, a stolen password) sees 16-bit buckets keyed
      under a secret that is not there: no address can be tested.
    - Someone who reads Redis and also has QINGFENG_SECRET_KEY can compute any address's
      bucket on any day, and learns which 1 in 65,536 of all addresses a counter belongs to: a
      suspected address that matches is one of about 65,536 IPv4 addresses that would. Such a
      person already holds the key that signs console sessions and keys the audit chain, and
      could as well change the code to log addresses from then on. A counter is gone two
      windows after its last request (two hours at most), so a copy of Redis is worth that
      much history and no more.
    - A secret drawn by each process would resist even that person, but could not be shared
      without a store, which is where this started.
    """

    def __init__(self, secret_key: bytes) -> None:
        self._secret_key = secret_key
        self._lock = threading.Lock()
        self._cache: tuple[dt.date, bytes] | None = None

    def for_day(self, day: dt.date) -> bytes:
        """The key of `day`; a new day derives a new one and forgets the old."""
        with self._lock:
            if self._cache is None or self._cache[0] != day:
                info = b"qingfeng/rate-limit-bucket/v1/" + day.isoformat().encode("ascii")
                self._cache = (day, hkdf_sha256(self._secret_key, b"", info, 32))
            return self._cache[1]


class ClientKey:
    """flask-limiter key function: the client's bucket, 16 bits of an HMAC of its address."""

    def __init__(self, secret: DailySecret) -> None:
        self._secret = secret

    def __call__(self) -> str:
        day = dt.datetime.now(dt.UTC).date()
        # The only read of the client address on the public side; it is never stored.
        address = (request.remote_addr or "").encode("utf-8")
        digest = hmac.new(self._secret.for_day(day), address, hashlib.sha256).digest()
        return digest[:BUCKET_BYTES].hex()


class _NoBucketLines(logging.Filter):
    """Drop flask-limiter's line for each refused request: it names the client's bucket, and
    a log line's time would date that client's request to the second."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("ratelimit ")


_NO_BUCKET_LINES = _NoBucketLines()


#: Short, so a Redis that stops answering costs a request half a second, not a minute.
_REDIS_TIMEOUTS: dict[str, Any] = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}


def init_app(
    app: Flask,
    settings: Settings,
    limits: dict[str, tuple[str, Callable[[], str] | None]],
    shared: Mapping[str, tuple[str, tuple[str, ...]]] | None = None,
) -> Limiter:
    """Create the limiter and apply `limits` to POSTs of those views.

    `limits` maps an endpoint to its limit string and its key function (None: the client's
    bucket). `shared` maps a scope to a limit and the endpoints that draw from its one budget.
    """
    limiter = Limiter(
        key_func=ClientKey(DailySecret(settings.secret_key)),
        app=app,
        storage_uri=ratestorage.storage_uri(settings.ratelimit_storage_uri),
        storage_options=_REDIS_TIMEOUTS
        if ratestorage.shared_between_processes(settings.ratelimit_storage_uri)
        else {},
        strategy=ratestorage.STRATEGY,
        # If the shared storage goes away, intake keeps working on per-process limits.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        # No X-RateLimit-* or Retry-After on answers that were not refused: a client that
        # honours Retry-After on a success or an outage would wait for nothing. A refusal
        # carries its own Retry-After (intake/errors.py).
        headers_enabled=False,
    )
    logging.getLogger("flask-limiter").addFilter(_NO_BUCKET_LINES)
    app.extensions["qingfeng.limiter"] = limiter
    for endpoint, (limit, key_func) in limits.items():
        limited = limiter.limit(limit, key_func=key_func, methods=["POST"])
        app.view_functions[endpoint] = limited(app.view_functions[endpoint])  # type: ignore[assignment]
    for scope, (limit, endpoints) in (shared or {}).items():
        decorate = limiter.shared_limit(limit, scope=scope, methods=["POST"])
        for endpoint in endpoints:
            app.view_functions[endpoint] = decorate(app.view_functions[endpoint])  # type: ignore[assignment]
    return limiter

"""Rate limits keyed on a keyed, daily-rotating hash of the client address (promise 1).

The address is read here and nowhere else on the public side. It is hashed under a secret
that changes every day and is never written to disk or the database: in process memory for
the embedded default, or in Redis with a time-to-live so that every host and worker of a
deployment hashes alike and limits are shared. If Redis goes away, each process falls back to
its own secret (and flask-limiter to its own counters), logs one warning, and goes back to the
shared secret when Redis answers again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping

from flask import Flask, request
from flask_limiter import Limiter

from intake.config import Settings

log = logging.getLogger("qingfeng.ratelimit")

#: How long a process waits before asking Redis again after it failed.
RETRY_SECONDS = 10.0


class DailySecret:
    """A random secret per UTC day, held only in this process's memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day: dt.date | None = None
        self._secret = b""

    def for_day(self, day: dt.date) -> bytes:
        """The secret of `day`; a new day draws a new one and forgets the old."""
        with self._lock:
            if day != self._day:
                self._day, self._secret = day, secrets.token_bytes(32)
            return self._secret


class SharedDailySecret:
    """The day's secret kept in Redis with a time-to-live, shared by every host."""

    def __init__(self, redis_url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(
            redis_url, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        self._local = DailySecret()
        self._lock = threading.Lock()
        self._cache: tuple[dt.date, bytes] | None = None
        self._failed_at: float | None = None

    def for_day(self, day: dt.date) -> bytes:
        """The shared secret of `day`, or this process's own while Redis is unreachable."""
        with self._lock:
            if self._cache and self._cache[0] == day and self._failed_at is None:
                return self._cache[1]
            if self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_SECONDS:
                return self._local.for_day(day)
            try:
                secret = self._fetch(day)
            except Exception as exc:
                if self._failed_at is None:
                    log.warning(
                        "Redis unreachable (%s): rate limits fall back to this process",
                        type(exc).__name__,
                    )
                self._failed_at = time.monotonic()
                return self._local.for_day(day)
            if self._failed_at is not None:
                log.warning("Redis is back: rate limits are shared again")
            self._failed_at = None
            self._cache = (day, secret)
            return secret

    def _fetch(self, day: dt.date) -> bytes:
        key = f"qingfeng:ratelimit-secret:{day.isoformat()}"
        # Two days, so a host whose clock is a little behind still finds yesterday's.
        self._redis.set(key, secrets.token_bytes(32), nx=True, ex=2 * 86400)
        value = self._redis.get(key)
        if not isinstance(value, bytes) or len(value) != 32:
            raise ValueError("no secret stored")
        return value


class ClientKey:
    """flask-limiter key function: HMAC of the address under today's secret."""

    def __init__(self, secret: DailySecret | SharedDailySecret) -> None:
        self._secret = secret

    def __call__(self) -> str:
        day = dt.datetime.now(dt.UTC).date()
        # The only read of the client address on the public side; it is never stored.
        address = (request.remote_addr or "").encode("utf-8")
        return hmac.new(self._secret.for_day(day), address, hashlib.sha256).hexdigest()[:32]


def daily_secret(settings: Settings) -> DailySecret | SharedDailySecret:
    """The secret source that matches the limiter's storage."""
    if settings.ratelimit_storage_uri.startswith(("redis://", "rediss://")):
        return SharedDailySecret(settings.ratelimit_storage_uri)
    return DailySecret()


def init_app(
    app: Flask,
    settings: Settings,
    limits: dict[str, tuple[str, Callable[[], str] | None]],
    shared: Mapping[str, tuple[str, tuple[str, ...]]] | None = None,
) -> Limiter:
    """Create the limiter and apply `limits` to POSTs of those views.

    `limits` maps an endpoint to its limit string and its key function (None: the hashed
    client address). `shared` maps a scope to a limit and the endpoints that draw from its
    one budget.
    """
    limiter = Limiter(
        key_func=ClientKey(daily_secret(settings)),
        app=app,
        storage_uri=settings.ratelimit_storage_uri,
        storage_options={"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        if settings.ratelimit_storage_uri.startswith("redis")
        else {},
        strategy="fixed-window",
        # If the shared storage goes away, intake keeps working on per-process limits.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        # No X-RateLimit-* or Retry-After on answers that were not refused: a client that
        # honours Retry-After on a success or an outage would wait for nothing. A refusal
        # carries its own Retry-After (intake/errors.py).
        headers_enabled=False,
    )
    app.extensions["qingfeng.limiter"] = limiter
    for endpoint, (limit, key_func) in limits.items():
        app.view_functions[endpoint] = limiter.limit(limit, key_func=key_func, methods=["POST"])(
            app.view_functions[endpoint]
        )
    for scope, (limit, endpoints) in (shared or {}).items():
        decorate = limiter.shared_limit(limit, scope=scope, methods=["POST"])
        for endpoint in endpoints:
            app.view_functions[endpoint] = decorate(app.view_functions[endpoint])
    return limiter

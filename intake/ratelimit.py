"""Rate limits keyed on a keyed, daily-rotating hash of the client address (promise 1).

The address is read here and nowhere else on the public side. It is hashed under a secret that
lives only in memory and changes every day, so neither the limiter's storage nor anything else
ever holds an address or a value that can be linked to one across days.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable

from flask import Flask, request
from flask_limiter import Limiter

from intake.config import Settings


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


class ClientKey:
    """flask-limiter key function: HMAC of the address under today's secret."""

    def __init__(self, secret: DailySecret) -> None:
        self._secret = secret

    def __call__(self) -> str:
        day = dt.datetime.now(dt.UTC).date()
        # The only read of the client address on the public side; it is never stored.
        address = (request.remote_addr or "").encode("utf-8")
        return hmac.new(self._secret.for_day(day), address, hashlib.sha256).hexdigest()[:32]


def init_app(
    app: Flask, settings: Settings, limits: dict[str, tuple[str, Callable[[], str] | None]]
) -> Limiter:
    """Create the limiter and apply `limits` to POSTs of those views.

    `limits` maps an endpoint to its limit string and its key function (None: the hashed
    client address).
    """
    limiter = Limiter(
        key_func=ClientKey(DailySecret()),
        app=app,
        storage_uri=settings.ratelimit_storage_uri,
        strategy="fixed-window",
        # If the shared storage goes away, intake keeps working on per-process limits.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        headers_enabled=True,
    )
    for endpoint, (limit, key_func) in limits.items():
        app.view_functions[endpoint] = limiter.limit(limit, key_func=key_func, methods=["POST"])(
            app.view_functions[endpoint]
        )
    return limiter

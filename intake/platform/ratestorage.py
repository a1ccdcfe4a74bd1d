"""Rate-limit counters that date nothing finer than their window (issue 22, items 2 and 3).

flask-limiter counts with one of the `limits` library's strategies in one of its storages. As
shipped, every Redis counter gets its time-to-live when it is first hit, so its TTL dates a
client's first request to the second, and Redis's own idle clock dates its last one. Here the
limiter uses the sliding-window counter with windows aligned to the clock (a minute limit's
windows start on the minute), and in Redis:

- each window of each limit is one hash, holding every client bucket's count as a field;
- the hash expires at the end of the window after it (when it stops weighing), set with
  EXPIREAT, so its expiry names the window and nothing else;
- Redis's idle time is kept per key, so it is now per window and shared by every bucket: it
  dates the latest request of anyone, not of a given client.

So a copy of Redis tells which buckets (ratelimit.py: 16 bits of a keyed hash of an address)
sent how many requests in which window, and nothing about the second of any of them.

The in-process storage (`memory://`, the embedded default) keeps the library's aligned
windows and only counts exactly (see ExactMemoryStorage). Other storages are refused: their
expiries date first requests again.
"""

from __future__ import annotations

import math
import threading
import time
from typing import ClassVar
from urllib.parse import urlsplit

from flask_limiter import Limiter
from limits.storage import MemoryStorage, RedisStorage

from intake.config import ConfigError

#: The strategy every limit uses; the storages below implement only this one.
STRATEGY = "sliding-window-counter"

#: Storage URI schemes an operator may configure, and the scheme of our storage for each.
_SCHEMES = {
    "memory": "qingfeng+memory",
    "redis": "qingfeng+redis",
    "rediss": "qingfeng+rediss",
    "redis+unix": "qingfeng+redis+unix",
}

_ACQUIRE = """
-- KEYS: the previous and the current window's hash; ARGV: the client's field, the limit, the
-- cost, the weight of the previous window (the share of the current one still to come) and
-- the end of the next window (when the current one stops weighing).
local field = ARGV[1]
local limit = tonumber(ARGV[2])
local amount = tonumber(ARGV[3])
local weight = tonumber(ARGV[4])
local previous = tonumber(redis.call('hget', KEYS[1], field) or 0)
local current = tonumber(redis.call('hget', KEYS[2], field) or 0)
if previous * weight + current + amount > limit then
    return 0
end
redis.call('hincrby', KEYS[2], field, amount)
redis.call('expireat', KEYS[2], ARGV[5])
return 1
"""


def storage_uri(configured: str) -> str:
    """The URI flask-limiter is given for the operator's RATELIMIT_STORAGE_URI."""
    scheme, _, rest = configured.partition("://")
    if scheme not in _SCHEMES or not _:
        raise ConfigError(
            "RATELIMIT_STORAGE_URI must be memory://, redis://, rediss:// or redis+unix:// "
            f"(not {scheme}://): other storages date each client's first request"
        )
    return f"{_SCHEMES[scheme]}://{rest}"


def shared_between_processes(configured: str) -> bool:
    """Whether every process (and host) using this storage counts in the same place."""
    return urlsplit(configured).scheme != "memory"


def _split(key: str) -> tuple[str, str]:
    """flask-limiter's key `LIMITER/<client>/<scope>/<limit>` as (hash name, field).

    The client's part becomes the field, so every client of one limit shares one hash. Any
    other shape keeps the whole key as the name: counting stays right, only the sharing goes.
    """
    namespace, sep, rest = key.partition("/")
    client, sep2, limit = rest.partition("/")
    if not (sep and sep2 and client):
        return key, "-"
    return f"{namespace}/{limit}", client


def _window(expiry: int, now: float) -> tuple[int, float]:
    """The index of the window `now` falls in, and the share of that window still to come."""
    index = int(now // expiry)
    return index, 1 - (now - index * expiry) / expiry


class AlignedRedisStorage(RedisStorage):
    """Redis storage of the sliding-window counter: one hash per window, aligned expiries."""

    # The `limits` library registers storages by this class attribute (its stubs call it an
    # instance variable).
    STORAGE_SCHEME: ClassVar[list[str]] = [  # type: ignore[misc]
        "qingfeng+redis",
        "qingfeng+rediss",
        "qingfeng+redis+unix",
    ]

    def __init__(self, uri: str, **options: float | str | bool) -> None:
        super().__init__(uri.removeprefix("qingfeng+"), **options)  # type: ignore[arg-type]

    def initialize_storage(self, uri: str) -> None:
        """Register only the script this storage runs."""
        self.lua_acquire_aligned = self.get_connection().register_script(_ACQUIRE)  # type: ignore[arg-type]

    def _names(self, key: str, expiry: int, now: float) -> tuple[str, str, str, float, int]:
        name, field = _split(key)
        index, weight = _window(expiry, now)
        return (
            self.prefixed_key(f"{name}/{index - 1}"),
            self.prefixed_key(f"{name}/{index}"),
            field,
            weight,
            (index + 2) * expiry,
        )

    def acquire_sliding_window_entry(
        self, key: str, limit: int, expiry: int, amount: int = 1
    ) -> bool:
        """Count `amount` for the client of `key` if the weighted count stays within `limit`."""
        if amount > limit:
            return False
        previous, current, field, weight, ends = self._names(key, expiry, time.time())
        return bool(
            self.lua_acquire_aligned([previous, current], [field, limit, amount, weight, ends])
        )

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        """(previous count, its weight in seconds, current count, seconds until it stops weighing),
        as the `limits` library's strategies expect them."""
        now = time.time()
        previous, current, field, weight, ends = self._names(key, expiry, now)
        pipe = self.get_connection().pipeline(transaction=False)  # type: ignore[attr-defined]
        pipe.hget(previous, field)
        pipe.hget(current, field)
        previous_count, current_count = (int(value or 0) for value in pipe.execute())
        left = weight * expiry
        return previous_count, left if previous_count else 0.0, current_count, ends - now

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        """Forget the client of `key` in both windows."""
        previous, current, field, _weight, _ends = self._names(key, expiry, time.time())
        pipe = self.get_connection().pipeline(transaction=False)  # type: ignore[attr-defined]
        pipe.hdel(previous, field)
        pipe.hdel(current, field)
        pipe.execute()

    # The other strategies would set expiries from a client's first request: refuse them.
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError(f"{type(self).__name__} counts only {STRATEGY}")

    def get(self, key: str) -> int:
        raise NotImplementedError(f"{type(self).__name__} counts only {STRATEGY}")

    def get_expiry(self, key: str) -> float:
        raise NotImplementedError(f"{type(self).__name__} counts only {STRATEGY}")

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        raise NotImplementedError(f"{type(self).__name__} counts only {STRATEGY}")

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        raise NotImplementedError(f"{type(self).__name__} counts only {STRATEGY}")


class ExactMemoryStorage(MemoryStorage):
    """The library's in-process storage, counting the weighted previous window exactly.

    The library rounds the weighted count down, so just after a window ends a client gets up
    to one request more than the limit; the same limit must mean the same thing in memory and
    in Redis (and tests must not depend on where the minute falls).
    """

    STORAGE_SCHEME: ClassVar[list[str]] = ["qingfeng+memory"]  # type: ignore[misc]

    def __init__(self, uri: str | None = None, **options: str) -> None:
        super().__init__(uri, **options)  # type: ignore[arg-type]
        self._acquire_lock = threading.Lock()

    def acquire_sliding_window_entry(
        self, key: str, limit: int, expiry: int, amount: int = 1
    ) -> bool:
        """Count `amount` if the weighted count stays within `limit` (check and count at once)."""
        if amount > limit:
            return False
        now = time.time()
        previous_key, current_key = self.sliding_window_keys(key, expiry, now)
        _index, weight = _window(expiry, now)
        with self._acquire_lock:
            if self.get(previous_key) * weight + self.get(current_key) + amount > limit:
                return False
            self.incr(current_key, 2 * expiry, amount=amount)
        return True


def seconds_until_allowed(
    limit: int, previous: int, current: int, left: float, window: int
) -> float:
    """How long until one more request fits, if the client sends nothing meanwhile.

    `left` is what remains of the current window, in seconds. The previous window weighs
    `previous * (share of the current window still to come)`; once the current window ends,
    it becomes the previous one.
    """
    if previous * left / window + current + 1 <= limit:
        return 0.0
    if current + 1 <= limit:
        return left - window * (limit - 1 - current) / previous
    return left + window * (1 - (limit - 1) / current)


def retry_after(limiter: Limiter) -> int | None:
    """Seconds a client refused by `limiter` in this request should wait (None: unknown)."""
    breached = limiter.current_limit
    if breached is None:
        return None
    item = breached.limit
    window = item.get_expiry()
    storage = breached.limiter.storage
    # Both storages above are sliding-window storages (storage_uri() picks only them).
    previous, _weight, current, until = storage.get_sliding_window(  # type: ignore[attr-defined]
        breached.key, window
    )
    wait = seconds_until_allowed(item.amount, previous, current, until - window, window)
    return max(1, math.ceil(wait))

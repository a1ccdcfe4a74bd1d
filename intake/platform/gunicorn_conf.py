"""gunicorn settings for production; `qingfeng serve` uses them.

By hand: `gunicorn -c python:intake.platform.gunicorn_conf wsgi:app`. Every value can be overridden
on gunicorn's command line or with GUNICORN_CMD_ARGS.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import TYPE_CHECKING

from intake.platform.ratestorage import shared_between_processes

if TYPE_CHECKING:
    from gunicorn.arbiter import Arbiter

bind = os.environ.get("QINGFENG_BIND", "127.0.0.1:8000")

# Report submission is CPU-bound (one Argon2id derivation, 15-30 ms at 19 MiB), so one worker
# process per core; two threads each let database and network waits overlap. More threads
# add no throughput (bench/README.md) but each concurrent derivation holds 19 MiB: with two,
# a worker peaks near 135 MB, with four near 175 MB. Workers keep no state of their own, so
# more hosts behind a load balancer is the way to scale out.
#
# Rate limits hold per installation only if every worker counts in the same place: with the
# per-process default (RATELIMIT_STORAGE_URI=memory://) one worker is the default, and more
# are refused (nworkers_changed below), since N workers would allow N times every limit.
_shared_limits = shared_between_processes(os.environ.get("RATELIMIT_STORAGE_URI", "memory://"))
workers = int(
    os.environ.get("QINGFENG_WORKERS", multiprocessing.cpu_count() if _shared_limits else 1)
)
worker_class = "gthread"
threads = int(os.environ.get("QINGFENG_THREADS", "2"))

# A request that takes 30 s is stuck (the slowest legitimate one is a status check with a
# KDF); kill it. Give in-flight requests as long to finish on reload or shutdown.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so no slow leak can grow; jitter avoids all at once.
max_requests = 2000
max_requests_jitter = 200

# Limits on what a client may send before Flask sees anything (headers too have limits).
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# No access log: every line would carry its time, and the time of a POST to /report is the
# precise submission time (promise 1). Set QINGFENG_ACCESS_LOG=- to log to stderr anyway, in
# a format without client address, user agent, query string or time.
accesslog = os.environ.get("QINGFENG_ACCESS_LOG") or None
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = "info"
# gunicorn logs the peer address of malformed requests at debug level only; stay above it.


def nworkers_changed(server: Arbiter, new_value: int, old_value: int | None) -> None:
    """Refuse several workers that would each count rate limits on their own.

    gunicorn calls this with the configured count before it starts (old_value None; whatever
    set it: QINGFENG_WORKERS, -w, GUNICORN_CMD_ARGS) and on every TTIN signal.
    """
    if new_value <= 1 or _shared_limits:
        return
    message = (
        f"{new_value} workers with RATELIMIT_STORAGE_URI=memory:// would each count rate "
        f"limits on their own, allowing {new_value} times every limit (status checks, "
        "reports, logins). Set RATELIMIT_STORAGE_URI to a Redis all workers share "
        "(redis:// or rediss://, docs/deployment.md), or run one worker (QINGFENG_WORKERS=1)."
    )
    if old_value is None:
        raise RuntimeError(message)  # gunicorn prints "Error: <message>" and exits 1
    server.log.error(message)
    server.num_workers = old_value

"""If Redis is unreachable, intake keeps working on per-process limits and says so once."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from flask import Flask

from tests.helpers import check_status, post_report, receipt_of
from tests.live import free_port


def test_intake_works_with_redis_unreachable(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    closed = f"redis://127.0.0.1:{free_port()}/0"
    app = make_app(ratelimit_storage_uri=closed, status_rate_limit="2 per minute")
    client = app.test_client()
    code = receipt_of(post_report(client))
    assert check_status(client, code).status_code == 200
    # Limits still hold, per process.
    assert check_status(client, code).status_code == 200
    assert check_status(client, code).status_code == 429
    # Addresses hash alike without Redis (the day's key is derived, not fetched), so the
    # only warning is flask-limiter's, once.
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == ["Rate limit storage unreachable - falling back to in-memory storage"]

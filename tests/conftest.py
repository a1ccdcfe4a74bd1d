"""Fixtures: an app on a temporary instance with cheap key derivation, and its demo staff.

QINGFENG_TEST_DATABASE_URL selects the database (the PostgreSQL tier of .ci/run sets it);
otherwise every test gets its own SQLite file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from crypto.kdf import TEST_PARAMS
from intake.config import Settings
from intake.domain.installation import DemoAccount, install_demo
from intake.domain.models import Base
from intake.platform import db
from intake.platform.factory import create_app

TEST_DATABASE_URL = os.environ.get("QINGFENG_TEST_DATABASE_URL")
TEST_RATELIMIT_URI = os.environ.get("QINGFENG_TEST_RATELIMIT_URI", "memory://")


def make_settings(instance: Path, **overrides: object) -> Settings:
    """Settings for a test app: temporary instance, cheap KDF, generous limits."""
    values: dict[str, object] = {
        "secret_key": b"test-secret-key-0123456789abcdef",
        "receipt_salt": b"test-receipt-salt-0123456789",
        "index_key": b"test-index-key-0123456789abcdef",
        "database_url": TEST_DATABASE_URL or f"sqlite:///{instance / 'test.sqlite3'}",
        "instance_path": instance,
        "ratelimit_storage_uri": TEST_RATELIMIT_URI,
        "receipt_kdf": TEST_PARAMS,
        "password_kdf": TEST_PARAMS,
        "report_rate_limit": "1000 per hour",
        "status_rate_limit": "1000 per hour",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def build_app(settings: Settings) -> tuple[Flask, list[DemoAccount]]:
    """An app with its tables and demo bureaus created."""
    app = create_app(settings)
    app.config["TESTING"] = True
    with app.app_context():
        database = db.database()
        if TEST_DATABASE_URL:
            Base.metadata.drop_all(database.engine)
        database.create_all()
        accounts = install_demo(db.session(), settings, app.extensions["qingfeng.taxonomy"])
    return app, accounts


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Test settings on a fresh instance folder."""
    return make_settings(tmp_path)


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app with settings overridden; its connections are closed after the test."""
    built: list[Flask] = []

    def make(**overrides: object) -> Flask:
        instance = tmp_path / f"app{len(built)}"
        instance.mkdir()
        app, _accounts = build_app(make_settings(instance, **overrides))
        built.append(app)
        return app

    yield make
    for app in built:
        app.extensions["qingfeng.db"].engine.dispose()


@pytest.fixture
def app_and_accounts(settings: Settings) -> Iterator[tuple[Flask, list[DemoAccount]]]:
    """The app and the demo accounts it was installed with."""
    app, accounts = build_app(settings)
    yield app, accounts
    app.extensions["qingfeng.db"].engine.dispose()


@pytest.fixture
def app(app_and_accounts: tuple[Flask, list[DemoAccount]]) -> Flask:
    """The app under test (pytest-flask builds `client` from it)."""
    return app_and_accounts[0]


@pytest.fixture
def accounts(app_and_accounts: tuple[Flask, list[DemoAccount]]) -> dict[str, DemoAccount]:
    """Demo accounts by bureau code (the supervisor and administrator by role)."""
    return {a.bureau or a.role: a for a in app_and_accounts[1]}


@pytest.fixture(autouse=True)
def _push_request_context() -> None:
    """Override pytest-flask's fixture of this name, which pushes a request context per test.

    With it, every request of a test would share one app context (and `g`), so the per-request
    database session and language choice would leak from one request to the next, which
    never happens in production. Tests push contexts themselves where they need one.
    """


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """In the Redis tier, start each test with no counters.

    Every test client comes from 127.0.0.1 and every test app has the same secret key (so
    the same day's key for hashing addresses), so counts would otherwise carry over from one
    test to the next.
    """
    if TEST_RATELIMIT_URI.startswith("redis://"):
        import redis

        store = redis.Redis.from_url(TEST_RATELIMIT_URI)
        for key in store.scan_iter("LIMITS*"):
            store.delete(key)
        store.close()

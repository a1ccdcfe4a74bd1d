"""Deployment tests. Those needing PostgreSQL and Redis are collected only in the tier of
scripts/test that provides them (QINGFENG_TEST_DATABASE_URL and a redis:// limiter URI)."""

from __future__ import annotations

from tests.conftest import TEST_DATABASE_URL, TEST_RATELIMIT_URI

collect_ignore = []
if not (TEST_DATABASE_URL and TEST_RATELIMIT_URI.startswith("redis://")):
    collect_ignore += [
        "test_two_hosts.py",
        "test_redis_recovery.py",
        "test_pg_backup.py",
        "test_database_outage.py",
        "test_redis_contents.py",
    ]

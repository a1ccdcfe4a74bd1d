"""Console fixtures for the evidence tests (shared with tests/console)."""

from tests.console.conftest import client, staff, submit  # noqa: F401

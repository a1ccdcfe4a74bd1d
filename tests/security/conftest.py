"""Security fixtures: the console's logged-in members and web reports (tests/console)."""

from tests.console.conftest import client, staff, submit  # noqa: F401

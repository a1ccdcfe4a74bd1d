"""Accessors for what the app factory attached to the current app."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from intake.config import Settings
from intake.domain.cases.taxonomy import Taxonomy

#: Campaign dates are Chinese civil dates, whatever the server's time zone.
CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def settings() -> Settings:
    """The current app's settings."""
    return current_app.extensions["qingfeng.settings"]


def taxonomy() -> Taxonomy:
    """The current app's taxonomy."""
    return current_app.extensions["qingfeng.taxonomy"]


def today() -> dt.date:
    """Today's date in China; reports carry this date and no time."""
    return dt.datetime.now(CHINA).date()


def now() -> dt.datetime:
    """The current time in UTC (one place, so tests can move the clock)."""
    return dt.datetime.now(dt.UTC)

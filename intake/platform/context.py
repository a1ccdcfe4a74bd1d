"""Accessors for what the app factory attached to the current app."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from flask import current_app

from intake.config import Settings
from intake.domain.cases.rewards import Scheme
from intake.domain.cases.taxonomy import Taxonomy

#: Campaign dates are Chinese civil dates, whatever the server's time zone.
CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def settings() -> Settings:
    """The current app's settings."""
    return current_app.extensions["qingfeng.settings"]


def taxonomy() -> Taxonomy:
    """The current app's taxonomy."""
    return current_app.extensions["qingfeng.taxonomy"]


def reward_schemes() -> tuple[Scheme, ...]:
    """The current app's reward schemes (docs/rules.md §5)."""
    return current_app.extensions["qingfeng.rewards"]


def today() -> dt.date:
    """Today's date in China; reports carry this date and no time."""
    return dt.datetime.now(CHINA).date()


def now() -> dt.datetime:
    """The current time in UTC (one place, so tests can move the clock)."""
    return dt.datetime.now(dt.UTC)


def display_zone() -> zoneinfo.ZoneInfo:
    """The one time zone every time shown to staff is written in (QINGFENG_DISPLAY_TIMEZONE)."""
    return zoneinfo.ZoneInfo(settings().display_timezone)


def local_time(value: dt.datetime | dt.date | None, seconds: bool = False) -> str:
    """A stored time in the display time zone ("2026-12-03 01:18"); a date as it is.

    Times are stored in UTC (SQLite hands them back without a zone); dates are already
    Chinese civil dates. One filter for every time on console pages, so none runs backwards.
    """
    if value is None:
        return "—"
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(display_zone()).strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else ""))

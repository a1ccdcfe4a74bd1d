"""Time limits (domain.md section 4), counted in calendar days as the 信访工作条例 does."""

from __future__ import annotations

import datetime as dt


def decision_due(received_on: dt.date, days: int) -> dt.date:
    """Last day to decide whether to accept a report received on `received_on`."""
    return received_on + dt.timedelta(days=days)

"""Kept statistics of finished months."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
)
from sqlalchemy.orm import Mapped, mapped_column

from intake.domain.models.base import Base


class StatisticMonth(Base):
    """The statistics of a finished month, counted once (intake/settled_months.py).

    Counts per bureau × category × channel and days-to-conclusion histograms: metadata only.
    Each unit's month is kept on its own (its own cases, docs/design.md "Units"); an upper
    unit's table is the sum of its units' kept months.
    `by_category` repeats the public page's two figures per category, so that /figures reads a
    few numbers per month instead of decoding every month's whole table.
    """

    __tablename__ = "statistic_months"

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", name="fk_statistic_months_unit_id_units"), primary_key=True
    )
    counted_on: Mapped[dt.date] = mapped_column(Date)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Null in months kept before the column existed; filled the first time /figures reads them.
    by_category: Mapped[dict[str, list[int]] | None] = mapped_column(JSON, default=None)

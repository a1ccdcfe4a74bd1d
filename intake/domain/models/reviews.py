"""回头看 in batches: review rounds a supervisor opens over concluded cases (docs/rules.md §3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.domain.models.base import Base
from intake.domain.models.cases import Report


class ReviewRound(Base):
    """One round of 回头看: the selection it was opened with, and its deadline."""

    __tablename__ = "review_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    #: The selection: category, bureau, concluded from and to, whether an institution was
    #: given (never its name); any may be absent.
    selection: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due: Mapped[dt.date] = mapped_column(Date)

    items: Mapped[list[ReviewItem]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="ReviewItem.id"
    )


class ReviewItem(Base):
    """A concluded case in a round: its review deadline and its review result, kept apart
    from the case's first finding (which the review does not change)."""

    __tablename__ = "review_items"
    __table_args__ = (UniqueConstraint("round_id", "report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id"), index=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    due: Mapped[dt.date] = mapped_column(Date)
    #: In the round because a report about the same institution or person came after it was
    #: concluded (rather than by the selection alone).
    proposed: Mapped[bool] = mapped_column(default=False)
    result: Mapped[str | None] = mapped_column(String(24))
    reviewed_on: Mapped[dt.date | None] = mapped_column(Date)

    round: Mapped[ReviewRound] = relationship(back_populates="items")
    report: Mapped[Report] = relationship()

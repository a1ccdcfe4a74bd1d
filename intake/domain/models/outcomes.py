"""What a concluded case achieved: dated measure entries and 整改 items (cases/outcomes.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.domain.models.base import Base

if TYPE_CHECKING:
    from intake.domain.models.cases import Report


class Measure(Base):
    """One dated entry of a measure: an amount in fen or a count, for the statistics.

    `bureau` is the bureau that recorded it, `category` and `channel` the case's as filed: the
    statistics sum a period's entries from the index alone, without joining the reports.
    """

    __tablename__ = "measures"
    __table_args__ = (
        Index(
            "ix_measures_statistics",
            "recorded_on",
            "bureau",
            "category",
            "channel",
            "kind",
            "quantity",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    quantity: Mapped[int] = mapped_column(BigInteger)
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    bureau: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    report: Mapped[Report] = relationship(back_populates="measures")


class Rectification(Base):
    """A 整改 item: what must be put right (sealed with the report's key) and when it was."""

    __tablename__ = "rectifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    added_on: Mapped[dt.date] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)

    report: Mapped[Report] = relationship(back_populates="rectifications")


class TypicalCase(Base):
    """A 典型案例 for publication: a summary a bureau wrote for the public, with names and
    details taken out, published once a supervisor approves it (docs/rules.md §7). Written
    to be public, so kept in clear; the case it comes from stays sealed."""

    __tablename__ = "typical_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    bureau: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text)
    written_on: Mapped[dt.date] = mapped_column(Date)
    written_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    approved_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

"""Cases handed down by a higher office (上级交办, docs/rules.md §9): the order, the cases it
names, and the progress and completion reports (办结报告) sent back.

The order's number, issuer and dates are metadata; what staff write about a case (the note on
a case's link, the text of a report sent back) is sealed with that case's data key.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.domain.models.base import Base, RandomId, random_id
from intake.domain.models.cases import Report
from intake.domain.models.documents import CaseDocument


class HandDown(Base):
    """One 交办 order: its number (交办文号), the office that issued it (交办机关), when it
    arrived and the deadline the office set."""

    __tablename__ = "hand_downs"
    __table_args__ = (UniqueConstraint("issuer", "number"),)

    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=random_id
    )
    number: Mapped[str] = mapped_column(String(60))
    issuer: Mapped[str] = mapped_column(String(100))
    received_on: Mapped[dt.date] = mapped_column(Date)
    due: Mapped[dt.date] = mapped_column(Date)

    cases: Mapped[list[HandDownCase]] = relationship(
        back_populates="hand_down", cascade="all, delete-orphan", order_by="HandDownCase.linked_on"
    )


class HandDownCase(Base):
    """A case named by a 交办 order; a case belongs to one order at most."""

    __tablename__ = "hand_down_reports"

    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=random_id
    )
    hand_down_id: Mapped[int] = mapped_column(ForeignKey("hand_downs.id"), index=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), unique=True)
    linked_on: Mapped[dt.date] = mapped_column(Date)
    #: Sealed with the case's data key (field "hand_down_note"); None when nothing was written.
    note: Mapped[bytes | None] = mapped_column(LargeBinary)

    hand_down: Mapped[HandDown] = relationship(back_populates="cases")
    report: Mapped[Report] = relationship()


class HandDownProgress(Base):
    """A progress report or the completion report (办结报告) sent back to the 交办机关: its date,
    the number of the document that carried it, and its text sealed with the case's key."""

    __tablename__ = "hand_down_progress"

    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=random_id
    )
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "progress" or "completion"
    sent_on: Mapped[dt.date] = mapped_column(Date)
    document_number: Mapped[str | None] = mapped_column(String(60))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    #: Bound to the case, the field and this row's id (hand_downs.py).
    text: Mapped[bytes] = mapped_column(LargeBinary)
    #: The 办结报告 issued on the case that carried a completion report, if one did.
    document_id: Mapped[int | None] = mapped_column(RandomId, ForeignKey("case_documents.id"))

    document: Mapped[CaseDocument | None] = relationship()

"""Documents (文书) a bureau issues on a case, and each bureau's yearly run of numbers
(docs/rules.md §10)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.domain.models.base import Base, RandomId, random_id

if TYPE_CHECKING:  # only for annotations: the mapper resolves the names itself
    from intake.domain.models.staff import Bureau


class DocumentNumber(Base):
    """The last number a bureau gave a document in a year: one row per bureau and year,
    raised in place (an UPDATE locks the row), so two members never get the same number."""

    __tablename__ = "document_numbers"

    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class CaseDocument(Base):
    """One document issued on a case: its kind, number, date and who issued it.

    The text is not kept: it is drawn again from the case whenever the document is opened.
    The one thing a member types for a document (where a refused reporter should go instead)
    is sealed with the case's data key, like every other text about a case.
    """

    __tablename__ = "case_documents"
    # A number is given once per bureau and year, whatever happens to the counter.
    __table_args__ = (UniqueConstraint("bureau_id", "year", "number"),)

    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=random_id
    )
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    kind: Mapped[str] = mapped_column(String(24))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    #: The number as printed (文号), e.g. 县医保〔2026〕第3号.
    reference: Mapped[str] = mapped_column(String(60))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issued_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    #: The deadline the document states, as it stood that day: a copy printed after an
    #: extension or a transfer still says what was sent.
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    sealed_text: Mapped[bytes | None] = mapped_column(LargeBinary)

    #: The bureau in whose name it was issued (the lead bureau then, or the campaign office).
    bureau: Mapped[Bureau] = relationship()

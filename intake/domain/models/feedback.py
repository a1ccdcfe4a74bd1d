"""What a real-name (实名) reporter was told, and how (docs/rules.md §8, cases/feedback.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.domain.models.base import Base, RandomId, random_id

if TYPE_CHECKING:  # only for annotations: the mapper resolves the names itself
    from intake.domain.models.cases import Report
    from intake.domain.models.documents import CaseDocument


class ReporterFeedback(Base):
    """One feedback to a real-name reporter: the notice whether the report was accepted, the
    result after conclusion, or a return visit (回访) with the reporter's satisfaction.

    The date, the way and the codes are metadata for the deadlines and the 统计表; what the
    reporter said (their opinion, an objection) is sealed with the case's data key, bound to
    the row (cases/feedback.py).
    """

    __tablename__ = "reporter_feedback"

    # A random id, as for notes: a counter would tell how many feedbacks all bureaus gave.
    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=random_id
    )
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    #: "notice", "result" or "visit" (回访).
    kind: Mapped[str] = mapped_column(String(8))
    #: The day the reporter was told (may be before the day it is recorded).
    given_on: Mapped[dt.date] = mapped_column(Date)
    #: "phone", "in_person", "letter" or "status_page".
    way: Mapped[str] = mapped_column(String(12))
    #: 回访 only: "satisfied", "basically" or "dissatisfied".
    satisfaction: Mapped[str | None] = mapped_column(String(12))
    opinion: Mapped[bytes | None] = mapped_column(LargeBinary)
    objection: Mapped[bool] = mapped_column(default=False)
    objection_text: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The objection came with new evidence, so the case was reopened for checking.
    new_evidence: Mapped[bool] = mapped_column(default=False)
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    # A staff id without a foreign key, as for rewards (models/cases.py).
    recorded_by: Mapped[int | None] = mapped_column(Integer)
    #: The notice or 答复意见书 issued on the case that carried this feedback, if one did.
    document_id: Mapped[int | None] = mapped_column(RandomId, ForeignKey("case_documents.id"))

    report: Mapped[Report] = relationship()
    document: Mapped[CaseDocument | None] = relationship()

"""Collective studies (集体研判) of a case: each round grades the lead (docs/rules.md §9)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.domain.models.base import Base, RandomId, random_id

if TYPE_CHECKING:  # only for annotations: the mapper resolves the names itself
    from intake.domain.models.cases import Report


class CaseStudy(Base):
    """One round of 集体研判: when, who took part, the grade it set and its conclusion, sealed
    with the case's data key (cases/grading.py). The latest round is the case's grade."""

    __tablename__ = "case_studies"

    # Random, like the other rows on a case: an id from one sequence would order the rounds
    # of every case against each other.
    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=random_id
    )
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    studied_on: Mapped[dt.date] = mapped_column(Date)
    grade: Mapped[str] = mapped_column(String(16))
    #: Staff ids of the members who took part, in the order they were listed.
    participants: Mapped[list[int]] = mapped_column(JSON, default=list)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    conclusion: Mapped[bytes] = mapped_column(LargeBinary)

    report: Mapped[Report] = relationship(back_populates="studies")

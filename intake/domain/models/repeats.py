"""The blind index of the names a report gives (docs/rules.md §9, "Repeat reports")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.domain.models.base import Base

if TYPE_CHECKING:  # only for annotations: the mapper resolves the names itself
    from intake.domain.models.cases import Report


class NameTag(Base):
    """A keyed hash (HMAC under the index key, which the database never holds) of one
    normalised name a report gives: its institution or one person it names.

    It carries no date and no text: reports that share a tag name the same institution or
    person, which is all a copy of the table tells (docs/design.md "Repeat reports").
    """

    __tablename__ = "name_tags"
    # The case page finds the other reports with one of its tags from this index alone.
    __table_args__ = (Index("ix_name_tags_tag_report", "tag", "report_id"),)

    # No row id: a counter would tell the order reports came in, and the key is natural.
    report_id: Mapped[str] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    #: "institution" or "person"
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    tag: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)

    # Stored after its report in the same flush (the unit of work orders by this).
    report: Mapped[Report] = relationship()

"""The blind index of the names a report gives (docs/rules.md §9, "Repeat reports")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
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
    __table_args__ = (
        UniqueConstraint("report_id", "kind", "tag"),
        # The case page finds the other reports with one of its tags from this index alone.
        Index("ix_name_tags_tag_report", "tag", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    #: "institution" or "person"
    kind: Mapped[str] = mapped_column(String(12))
    tag: Mapped[bytes] = mapped_column(LargeBinary(32))

    report: Mapped[Report] = relationship()

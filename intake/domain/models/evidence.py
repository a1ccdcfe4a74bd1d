"""Evidence files, sealed in chunks with the report's data key."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.domain.models.base import Base, RandomId, random_id

if TYPE_CHECKING:  # only for annotations: the mapper resolves the names itself
    from intake.domain.models.cases import Report


class Attachment(Base):
    """A file sent with a report, sealed with the report's data key in chunks.

    The name is sealed too; `uid` binds every chunk to this file. Size, kind and whether its
    metadata could be removed are metadata.
    """

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=random_id
    )
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    author: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    cleaned: Mapped[bool]
    size: Mapped[int] = mapped_column(Integer)
    chunks: Mapped[int] = mapped_column(Integer)
    added_on: Mapped[dt.date] = mapped_column(Date)
    name: Mapped[bytes] = mapped_column(LargeBinary)

    report: Mapped[Report] = relationship(back_populates="attachments")


class AttachmentChunk(Base):
    """One sealed piece of an attachment; its AAD names the file, the position and the end."""

    __tablename__ = "attachment_chunks"
    # Keyed by (file, position): on SQLite no hidden rowid counts the insertions.
    __table_args__ = ({"sqlite_with_rowid": False},)

    attachment_id: Mapped[int] = mapped_column(
        RandomId, ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)

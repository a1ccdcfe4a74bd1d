"""Call-centre systems' bearer tokens and their idempotent submissions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from intake.domain.models.base import Base


class HotlineToken(Base):
    """A call-centre system's bearer token, stored only as a SHA-256 hash. It can submit only."""

    __tablename__ = "hotline_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True, index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    # The unit whose hotline it is: its calls are filed with that unit (docs/design.md,
    # "Units"), and only that unit's administrators see or revoke it.
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", name="fk_hotline_tokens_unit_id_units")
    )


class IdempotencyRecord(Base):
    """The answer to one Idempotency-Key of one token, so a retried post makes no second report.

    The answer holds the receipt code, so it is stored only sealed under a key derived from
    the bearer token (never stored) and the idempotency key, and purged after a day.
    """

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("token_id", "key_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("hotline_tokens.id"), index=True)
    key_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    request_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    answer: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_on: Mapped[dt.date] = mapped_column(Date)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

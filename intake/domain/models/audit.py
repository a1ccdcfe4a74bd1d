"""The audit trail: an append-only keyed hash chain and its head."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from intake.domain.models.base import Base


class AuditEvent(Base):
    """An append-only audit record; each one hashes the one before it (a hash chain).

    `report_id` is not a foreign key: the trail outlives a destroyed (shredded) report.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 1, 2, 3, … in the order of the chain, and part of each link (admin/audit.py): an id can
    # be reused after the newest rows are deleted, a number in a keyed link cannot.
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor_staff_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40), index=True)
    report_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Unique: two appends that read the same head cannot both commit (no fork).
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditHead(Base):
    """One row: the newest link of the audit chain and how many events it has, under a MAC
    (so the trail cannot be cut by deleting the newest events and pointing the head back);
    locked while an event is appended."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    count: Mapped[int] = mapped_column(Integer, default=0)
    # The number of the first event whose link includes its number: events written before
    # the upgrade that added numbers (their links stay as they were) come before it.
    first_numbered: Mapped[int] = mapped_column(Integer, default=1)
    # HMAC over (count, last_hash, first_numbered); None only until the first event written
    # after that upgrade.
    mac: Mapped[bytes | None] = mapped_column(LargeBinary(32))

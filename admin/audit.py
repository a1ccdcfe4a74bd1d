"""The audit trail: append-only events that form a keyed hash chain (HMAC-SHA-256).

Each event's link covers the previous link and its own fields, so changing, removing or
reordering any event breaks every link after it; `qingfeng audit verify` finds the first. The
links are keyed with a key derived from the installation's secret key, so someone who can
write to the database but does not hold that key cannot rebuild a chain after tampering.
Appends lock the single chain-head row, and a unique constraint on the previous link makes a
fork impossible to commit even where row locks do nothing (SQLite).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto.keywrap import hkdf_sha256
from intake.domain.models import AuditEvent, AuditHead, StaffMember
from intake.domain.models.base import as_utc
from intake.platform import context

GENESIS = b"\0" * 32


def _key() -> bytes:
    return hkdf_sha256(context.settings().secret_key, b"", b"qingfeng/audit-chain/v1", 32)


def _digest(prev_hash: bytes, event: AuditEvent, key: bytes | None = None) -> bytes:
    when = as_utc(event.occurred_at)
    body = json.dumps(
        [
            when.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            event.actor_staff_id,
            event.actor,
            event.action,
            event.report_id,
            event.detail,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")
    return hmac.new(key or _key(), prev_hash + body, hashlib.sha256).digest()


def record(
    db: Session,
    actor: StaffMember | None,
    action: str,
    report_id: str | None = None,
    now: dt.datetime | None = None,
    actor_name: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append an event in the caller's transaction (it commits with the action it records)."""
    head = db.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).first()
    if head is None:
        head = AuditHead(id=1, last_hash=GENESIS)
        db.add(head)
    event = AuditEvent(
        occurred_at=(now or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        actor_staff_id=actor.id if actor else None,
        actor=actor.username if actor else (actor_name or "system"),
        action=action,
        report_id=report_id,
        detail=detail,
        prev_hash=head.last_hash,
    )
    event.hash = _digest(head.last_hash, event)
    head.last_hash = event.hash
    db.add(event)
    return event


@dataclass(frozen=True)
class Verification:
    """The result of checking the chain: how many events, and the first broken one."""

    checked: int
    broken_at: int | None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """Whether every link holds."""
        return self.broken_at is None


def verify(db: Session) -> Verification:
    """Walk the chain in order; name the first event whose link or content does not hold."""
    key = _key()
    prev = GENESIS
    checked = 0
    last_id: int | None = None
    for event in db.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        checked += 1
        if event.prev_hash != prev:
            return Verification(checked, event.id, "does not follow the event before it")
        if _digest(prev, event, key) != event.hash:
            return Verification(checked, event.id, "was changed after it was written")
        prev = event.hash
        last_id = event.id
    head = db.get(AuditHead, 1)
    if (head.last_hash if head is not None else GENESIS) != prev:
        return Verification(checked, last_id, "events after this one were removed")
    return Verification(checked, None)


def trail(db: Session, report_id: str) -> list[AuditEvent]:
    """A case's audit events, oldest first."""
    return list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.report_id == report_id).order_by(AuditEvent.id)
        )
    )

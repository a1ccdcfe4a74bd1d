"""The audit trail: append-only events that form a keyed hash chain (HMAC-SHA-256).

Each event's link covers the previous link, its number in the chain and its own fields, so
changing, removing or reordering any event breaks every link after it; `qingfeng audit
verify` finds the first. The links are keyed with a key derived from the installation's secret
key, so someone who can write to the database but does not hold that key cannot rebuild a
chain after tampering. Appends lock the single chain-head row, and a unique constraint on the
previous link makes a fork impossible to commit even where row locks do nothing (SQLite).

Cutting the newest events off leaves a chain that holds up to its end, so the head counts the
events and carries a MAC over that count and the last link: pointing it back is noticed. And
emptying both tables leaves nothing to check inside the database, so `qingfeng audit
checkpoint` writes MACed checkpoints (time, count, head) to a file the operator keeps outside
it; `qingfeng audit verify --checkpoints FILE` fails when the trail went back behind one
(docs/operations.md, "Audit checkpoints").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import aead
from crypto.keywrap import hkdf_sha256
from intake.domain.models import AuditEvent, AuditHead, StaffMember
from intake.domain.models.base import as_utc
from intake.platform import context

GENESIS = b"\0" * 32


CHECKPOINT_MARK = "qingfeng-audit-checkpoint v1"


def _key(label: bytes = b"qingfeng/audit-chain/v1") -> bytes:
    return hkdf_sha256(context.settings().secret_key, b"", label, 32)


def _digest(
    prev_hash: bytes, event: AuditEvent, key: bytes | None = None, numbered: bool = True
) -> bytes:
    """The event's link; `numbered` is False only for events written before links carried
    their number (AuditHead.first_numbered)."""
    when = as_utc(event.occurred_at)
    number = [event.seq] if numbered else []
    body = json.dumps(
        [
            *number,
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
        head = AuditHead(id=1, last_hash=GENESIS, count=0, first_numbered=1)
        db.add(head)
    # A head whose MAC is missing or wrong (cut, or pointed back) stays without one: an
    # append must not vouch for a trail it found tampered with.
    sealed = head.count == 0 or _head_sealed(head)
    head.count += 1
    event = AuditEvent(
        seq=head.count,
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
    head.mac = _head_mac(head.count, head.last_hash, head.first_numbered) if sealed else None
    db.add(event)
    return event


def _head_sealed(head: AuditHead) -> bool:
    return head.mac is not None and hmac.compare_digest(
        _head_mac(head.count, head.last_hash, head.first_numbered), head.mac
    )


def seal_head(db: Session) -> None:
    """Give the head its first MAC, once, after the upgrade that added it: the caller has
    verified the chain and made sure no checkpoint exists yet (every later one would show a
    head that lost its MAC as tampering)."""
    head = db.get(AuditHead, 1)
    if head is not None and head.mac is None:
        head.mac = _head_mac(head.count, head.last_hash, head.first_numbered)


def _head_mac(count: int, last_hash: bytes, first_numbered: int) -> bytes:
    message = aead.associated_data("audit-head", str(count), last_hash, str(first_numbered))
    return hmac.new(_key(b"qingfeng/audit-head/v1"), message, hashlib.sha256).digest()


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint line: at `time`, the trail had `count` events ending in link `head`."""

    line: int
    time: str
    count: int
    head: bytes
    mac: bytes

    def authentic(self) -> bool:
        """Whether the line was written by this installation, unchanged."""
        return hmac.compare_digest(_checkpoint_mac(self.time, self.count, self.head), self.mac)


def _checkpoint_mac(time: str, count: int, head: bytes) -> bytes:
    message = aead.associated_data("audit-checkpoint", time, str(count), head)
    return hmac.new(_key(b"qingfeng/audit-checkpoint/v1"), message, hashlib.sha256).digest()


def checkpoint_line(db: Session, now: dt.datetime) -> str:
    """A checkpoint of the trail as it is now, as one line; ValueError if the chain does not
    verify (a broken trail is not vouched for)."""
    result = verify(db)
    if not result.ok:
        raise ValueError(result.message())
    head = db.get(AuditHead, 1)
    last = head.last_hash if head is not None else GENESIS
    time = now.astimezone(dt.UTC).isoformat(timespec="seconds")
    mac = _checkpoint_mac(time, result.checked, last)
    return f"{CHECKPOINT_MARK} time={time} count={result.checked} head={last.hex()} mac={mac.hex()}"


class CheckpointUnreadable(ValueError):
    """A line of the checkpoint file is marked as a checkpoint but cannot be read."""


def read_checkpoints(lines: Iterable[str]) -> list[Checkpoint]:
    """The checkpoints in a file's lines; anything before the mark on a line (a syslog
    prefix) and lines without it are ignored."""
    found = []
    for number, text in enumerate(lines, start=1):
        at = text.find(CHECKPOINT_MARK)
        if at < 0:
            continue
        try:
            fields = dict(part.split("=", 1) for part in text[at + len(CHECKPOINT_MARK) :].split())
            found.append(
                Checkpoint(
                    number,
                    fields["time"],
                    int(fields["count"]),
                    bytes.fromhex(fields["head"]),
                    bytes.fromhex(fields["mac"]),
                )
            )
        except (KeyError, ValueError):
            raise CheckpointUnreadable(f"line {number} of the checkpoint file") from None
    return found


@dataclass(frozen=True)
class Verification:
    """The result of checking the trail: how many events, the first broken one (None when
    the trail was cut after its last event, or behind a checkpoint), and why."""

    checked: int
    broken_at: int | None
    reason: str | None = None
    #: The head has no MAC at all: as the upgrade that added it left it, or stripped.
    unsealed: bool = False

    @property
    def ok(self) -> bool:
        """Whether every link, the head and every checkpoint hold."""
        return self.reason is None

    def message(self) -> str:
        """What is wrong, in a sentence for the operator."""
        if self.broken_at is not None:
            return (
                f"audit chain broken at event {self.broken_at}: it {self.reason} "
                f"({self.checked} events checked)"
            )
        return f"audit trail cut: {self.reason} ({self.checked} events checked)"


def verify(db: Session, checkpoints: Iterable[Checkpoint] = ()) -> Verification:
    """Walk the chain in order and name the first event whose number, link or content does
    not hold; then check the head (count, last link, MAC) and every checkpoint."""
    key = _key()
    wanted = list(checkpoints)
    at_count = {c.count for c in wanted}
    head = db.get(AuditHead, 1)
    first_numbered = head.first_numbered if head is not None else 1
    prev = GENESIS
    checked = 0
    last_id: int | None = None
    links: dict[int, bytes] = {0: GENESIS}
    for event in db.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
        checked += 1
        if event.seq != checked:
            return Verification(checked, event.id, "has a number that skips events before it")
        if event.prev_hash != prev:
            return Verification(checked, event.id, "does not follow the event before it")
        if _digest(prev, event, key, event.seq >= first_numbered) != event.hash:
            return Verification(checked, event.id, "was changed after it was written")
        prev = event.hash
        last_id = event.id
        if event.seq in at_count:
            links[event.seq] = event.hash
    if head is None:
        if checked:
            return Verification(checked, last_id, "is followed by no head of the chain")
    elif head.count != checked or head.last_hash != prev:
        if last_id is None:
            return Verification(checked, None, f"all {head.count} events were removed")
        return Verification(checked, last_id, "events after this one were removed")
    elif head.mac is None and checked:
        return Verification(
            checked,
            None,
            "the head of the chain has no MAC (right after the upgrade that added it, "
            "`qingfeng audit checkpoint` gives it one)",
            unsealed=True,
        )
    elif head.mac is not None and not _head_sealed(head):
        return Verification(checked, None, "the head of the chain was rewritten (its MAC fails)")
    return _against_checkpoints(checked, links, wanted)


def _against_checkpoints(
    checked: int, links: dict[int, bytes], checkpoints: list[Checkpoint]
) -> Verification:
    before = 0
    for point in checkpoints:
        where = f"the checkpoint of {point.time} (line {point.line})"
        if not point.authentic():
            return Verification(checked, None, f"{where} is not authentic (its MAC fails)")
        if point.count < before:
            return Verification(
                checked, None, f"{where} counts fewer events than the one before it"
            )
        before = point.count
        if point.count > checked:
            return Verification(
                checked,
                None,
                f"{where} counted {point.count} events, the trail has only {checked}: "
                "events were removed",
            )
        if links.get(point.count) != point.head:
            return Verification(
                checked, None, f"event {point.count}, where {where} ended, is missing or changed"
            )
    return Verification(checked, None)


def trail(db: Session, report_id: str) -> list[AuditEvent]:
    """A case's audit events, oldest first."""
    return list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.report_id == report_id).order_by(AuditEvent.id)
        )
    )

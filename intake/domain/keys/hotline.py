"""Hotline tokens and idempotent submissions for call-centre systems.

A token can submit and never read. It is stored only as a SHA-256 hash (it has 256 random
bits, so a slow hash adds nothing). A retried post with the same Idempotency-Key returns the
first answer: that answer holds a receipt code, so it is kept only sealed under a key derived
from the token and the idempotency key, neither of which the server stores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto import aead, keywrap
from crypto.errors import DecryptionError
from intake.domain import units
from intake.domain.models import HotlineToken, IdempotencyRecord, Unit
from intake.domain.models.base import as_utc

# A prefix that makes leaked tokens easy to recognise, not a secret.
TOKEN_PREFIX = "qfh_"  # noqa: S105  # nosec B105
#: How long a first attempt may hold its key before a retry may take over (a crashed worker).
LOCK_SECONDS = 60
#: Whole days an answer is kept for retries before it is deleted.
ANSWER_DAYS = 1
#: How long a concurrent retry waits for the first attempt's answer.
WAIT_SECONDS = 15.0


class TokenError(Exception):
    """No valid token: `reason` is "missing", "unknown" or "revoked"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IdempotencyConflict(Exception):
    """The key was used before with a different body."""


class StillInProgress(Exception):
    """The first attempt with this key has not finished; retry later."""


@dataclass(frozen=True)
class Answer:
    """An API answer that can be replayed: status and JSON body."""

    status: int
    body: dict[str, Any]


def token_hash(token: str) -> bytes:
    """SHA-256 of a token."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def create_token(db: Session, name: str, today: dt.date, unit: Unit | None = None) -> str:
    """Create a token for an operator system of `unit` (by default the home unit); the token
    is returned once and never stored."""
    if db.scalars(select(HotlineToken).where(HotlineToken.name == name)).first():
        raise ValueError(f"a token named {name!r} exists; revoke it or choose another name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    unit_id = (unit or units.home(db)).id
    db.add(HotlineToken(name=name, token_hash=token_hash(token), created_on=today, unit_id=unit_id))
    db.commit()
    return token


def revoke_token(db: Session, name: str, today: dt.date) -> bool:
    """Revoke a token by name; False if there is no active token of that name."""
    record = db.scalars(select(HotlineToken).where(HotlineToken.name == name)).first()
    if record is None or record.revoked_on is not None:
        return False
    record.revoked_on = today
    db.commit()
    return True


def authenticate(db: Session, authorization: str | None) -> HotlineToken:
    """The token named by an `Authorization: Bearer` header, or TokenError."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("missing")
    record = db.scalars(
        select(HotlineToken).where(HotlineToken.token_hash == token_hash(token.strip()))
    ).first()
    if record is None:
        raise TokenError("unknown")
    if record.revoked_on is not None:
        raise TokenError("revoked")
    return record


def _answer_key(token: str, idempotency_key: str) -> bytes:
    return keywrap.hkdf_sha256(
        token.encode("utf-8"),
        b"qingfeng/idempotency/v1",
        idempotency_key.encode("utf-8"),
        aead.DATA_KEY_BYTES,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def idempotent(
    db: Session,
    token: HotlineToken,
    raw_token: str,
    idempotency_key: str | None,
    request_body: bytes,
    today: dt.date,
    work: Callable[[Callable[[Answer], None]], Answer],
) -> Answer:
    """Run `work` once per (token, Idempotency-Key); replay its answer to every retry.

    `work` receives a function that stores the answer in the caller's transaction, so the
    report and its answer are committed together or not at all.
    """
    if idempotency_key is None:
        return work(lambda _answer: None)
    key_hash = hashlib.sha256(idempotency_key.encode("utf-8")).digest()
    request_hash = hashlib.sha256(request_body).digest()
    seal_key = _answer_key(raw_token, idempotency_key)
    aad = aead.associated_data("idempotency", str(token.id), key_hash)

    # Answers hold sealed receipt codes: keep them only as long as a retry is plausible.
    db.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.created_on < today - dt.timedelta(days=ANSWER_DAYS)
        )
    )
    db.commit()
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        claimed = _claim(db, token.id, key_hash, request_hash, today)
        if claimed is not None:
            break
        record = db.scalars(
            select(IdempotencyRecord).where(
                IdempotencyRecord.token_id == token.id, IdempotencyRecord.key_hash == key_hash
            )
        ).first()
        if record is None:
            continue  # purged between our insert and select; claim again
        if record.request_hash != request_hash:
            raise IdempotencyConflict
        if record.answer is not None:
            try:
                stored = json.loads(aead.open_sealed(seal_key, record.answer, aad))
            except DecryptionError as exc:  # same key hash but another token: impossible
                raise IdempotencyConflict from exc
            return Answer(status=stored["status"], body=stored["body"])
        if record.locked_until is not None and as_utc(record.locked_until) < _now():
            # The first attempt died without an answer (and without a report): take over.
            db.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
            db.commit()
            continue
        if time.monotonic() > deadline:
            raise StillInProgress
        db.rollback()  # end the read transaction so the next poll sees the other commit
        time.sleep(0.05)

    def store(answer: Answer) -> None:
        sealed = aead.seal(
            seal_key, json.dumps({"status": answer.status, "body": answer.body}).encode(), aad
        )
        db.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == claimed)
            .values(answer=sealed, locked_until=None)
        )

    try:
        return work(store)
    except BaseException:
        db.rollback()
        db.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == claimed))
        db.commit()
        raise


def _claim(
    db: Session, token_id: int, key_hash: bytes, request_hash: bytes, today: dt.date
) -> int | None:
    """Insert the pending record; its id if this attempt is first, None if another was."""
    record = IdempotencyRecord(
        token_id=token_id,
        key_hash=key_hash,
        request_hash=request_hash,
        created_on=today,
        locked_until=_now() + dt.timedelta(seconds=LOCK_SECONDS),
    )
    db.add(record)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        return None
    return record.id

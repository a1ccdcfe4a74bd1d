"""Console sessions: the cookie holds a session id and the key that unseals the staff key.

The server stores only the session id's hash and the staff member's private key sealed under
the cookie's key (docs/design.md, "Bureau keys"): a copy of the database, even of a live session,
unlocks nothing without the browser that holds the cookie.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlalchemy.orm import Session

from crypto import aead
from crypto.errors import DecryptionError
from intake.config import Settings
from intake.domain.models import StaffMember, StaffSession
from intake.domain.models.base import as_utc

COOKIE = "qf_console"
COOKIE_PATH = "/admin"


@dataclass(frozen=True)
class Opened:
    """A live session; the staff member's private key is unsealed only when a page needs it,
    so pages that show metadata decrypt nothing at all."""

    record: StaffSession
    staff: StaffMember
    cookie_key: bytes = field(repr=False)

    @property
    def staff_key(self) -> bytes | None:
        """The member's unlocked private key, or None for a new account that has none yet;
        DecryptionError if the cookie's key is wrong."""
        plain = aead.open_sealed(self.cookie_key, self.record.sealed_key, _aad(self.record.id_hash))
        return plain or None

    @property
    def staff_private(self) -> bytes:
        """The member's unlocked private key; DecryptionError if the cookie's key is wrong or
        the session holds none (only enrolled members' pages ask for it)."""
        key = self.staff_key
        if key is None:
            raise DecryptionError("this session holds no key")
        return key


def form_marker(cookie: str) -> str:
    """What Flask's session cookie holds to name the console session it belongs to: a hash
    of the console cookie, so the session cookie reveals nothing of it."""
    return hashlib.sha256(b"qingfeng/form-session\0" + cookie.encode()).hexdigest()[:32]


def _aad(id_hash: bytes) -> bytes:
    return aead.associated_data("console-session", id_hash)


def create(db: Session, member: StaffMember, staff_private: bytes | None, now: dt.datetime) -> str:
    """Store a new session; return the cookie value (the only copy of its key).

    A new account's session holds no key (it has none before enrolment): an empty value is
    sealed in its place.
    """
    session_id, key = secrets.token_bytes(32), aead.new_data_key()
    # Looked up by the hash of id and key together: a cookie with a wrong key finds nothing.
    id_hash = hashlib.sha256(session_id + key).digest()
    db.add(
        StaffSession(
            id_hash=id_hash,
            staff_id=member.id,
            created_at=now,
            last_seen_at=now,
            authenticated_at=now,
            sealed_key=aead.seal(key, staff_private or b"", _aad(id_hash)),
        )
    )
    return base64.urlsafe_b64encode(session_id + key).decode("ascii")


def open_cookie(
    db: Session, cookie: str | None, settings: Settings, now: dt.datetime
) -> Opened | None:
    """The session a cookie names, if it is live; expired sessions are deleted on sight."""
    if not cookie or len(cookie) > 100:
        return None
    try:
        raw = base64.urlsafe_b64decode(cookie.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    if len(raw) != 64:
        return None
    id_hash = hashlib.sha256(raw).digest()
    record = db.get(StaffSession, id_hash)
    if record is None:
        return None
    idle = dt.timedelta(minutes=settings.console_idle_minutes)
    absolute = dt.timedelta(hours=settings.console_absolute_hours)
    if (
        now - as_utc(record.last_seen_at) > idle
        or now - as_utc(record.created_at) > absolute
        or not record.staff.active
    ):
        db.delete(record)
        db.commit()
        return None
    record.last_seen_at = now
    return Opened(record, record.staff, raw[32:])


def recently_authenticated(opened: Opened, settings: Settings, now: dt.datetime) -> bool:
    """Whether the member proved their password and second factor within the re-auth window."""
    window = dt.timedelta(minutes=settings.reauth_minutes)
    return now - as_utc(opened.record.authenticated_at) <= window


def end(db: Session, record: StaffSession) -> None:
    """Delete one session (logout)."""
    db.delete(record)


def end_all(db: Session, member: StaffMember) -> None:
    """Delete every session of a member (deactivation, password or second-factor reset)."""
    db.execute(delete(StaffSession).where(StaffSession.staff_id == member.id))

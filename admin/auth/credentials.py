"""Checking and changing a staff member's credentials: password, second factor, recovery key.

The password is checked by unlocking the member's private key with it (Argon2id), so there is
no separate password hash to steal. A new account has no key yet: its temporary password is
checked against a verifier (Argon2id too), and its key pair is made at enrolment, under the
member's own password (intake/domain/keys/keyring.py says why).

Failed attempts are counted per account *and* per hashed client address, with a delay that
doubles and is capped: an attacker elsewhere cannot keep a member locked out of their own
desk, and nobody can lock an account for ever.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin.auth import sessions, totp
from crypto import locking
from crypto.errors import DecryptionError
from crypto.kdf import Argon2Params
from intake.config import Settings
from intake.domain.keys import keyring
from intake.domain.models import BureauMembership, LoginThrottle, StaffMember
from intake.domain.models.base import as_utc

#: Failures allowed before the delay starts; then 1, 2, 4, ... minutes, never more than 15.
FREE_FAILURES = 5
MAX_DELAY = dt.timedelta(minutes=15)
PASSWORD_MIN = 12
PASSWORD_MAX = 256


class LoginRefused(Exception):
    """Wrong credentials, or still locked; `retry_after` is set while locked."""

    def __init__(self, retry_after: dt.datetime | None = None) -> None:
        super().__init__("login refused")
        self.retry_after = retry_after


class LastKeyHolder(Exception):
    """The member is the last active holder of these bureaus' keys; removing them would leave
    the bureaus' cases readable by no staff member at all."""

    def __init__(self, bureaus: list[str]) -> None:
        super().__init__(", ".join(bureaus))
        self.bureaus = bureaus


class PasswordRejected(ValueError):
    """A new password that does not meet the rules; the message says which."""


@dataclass(frozen=True)
class LoggedIn:
    """A member whose password (and second factor, once enrolled) was right; their private
    key, or None for a new account that has none until it enrols."""

    member: StaffMember
    staff_private: bytes | None


@dataclass(frozen=True)
class Recovered:
    """A member whose recovery key and second factor were right, and their private key."""

    member: StaffMember
    staff_private: bytes


@dataclass(frozen=True)
class Enrolled:
    """A member's new key pair (and the bureaus their enrolment founded)."""

    staff_private: bytes
    recovery_key: str
    founded: list[str]


def normalise_username(username: str) -> str:
    """Usernames compare without case or surrounding spaces, in lookups and in the counters."""
    return username.strip().lower()


def throttle_key(secret_key: bytes, username: str, client: str) -> bytes:
    """The key failures are counted under; the address is kept only inside this HMAC."""
    message = f"{normalise_username(username)}\0{client}".encode()
    return hmac.new(secret_key, b"login-throttle\0" + message, hashlib.sha256).digest()


def _locked_until(db: Session, key: bytes, now: dt.datetime) -> dt.datetime | None:
    row = db.get(LoginThrottle, key)
    if row is None or row.locked_until is None or as_utc(row.locked_until) <= now:
        return None
    return as_utc(row.locked_until)


def _fail(db: Session, key: bytes, now: dt.datetime) -> dt.datetime | None:
    row = db.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key_hash=key, failures=0, updated_at=now)
        db.add(row)
    row.failures += 1
    row.updated_at = now
    over = row.failures - FREE_FAILURES
    if over >= 0:
        row.locked_until = now + min(dt.timedelta(minutes=2**over), MAX_DELAY)
    return row.locked_until if over >= 0 else None


def _forget(db: Session, key: bytes) -> None:
    row = db.get(LoginThrottle, key)
    if row is not None:
        db.delete(row)


def find_active(db: Session, username: str) -> StaffMember | None:
    """An active member by username (case-insensitive)."""
    return db.scalars(
        select(StaffMember).where(
            func.lower(StaffMember.username) == normalise_username(username), StaffMember.active
        )
    ).first()


# A locked blob under a random passphrase: unknown usernames cost the same Argon2id work.
_DECOY: dict[tuple[int, int], bytes] = {}


def _decoy(params: Argon2Params) -> bytes:
    key = (params.memory_kib, params.iterations)
    if key not in _DECOY:
        _DECOY[key] = locking.lock_with_passphrase(b"\0" * 32, "decoy-not-a-password", params)
    return _DECOY[key]


def check_login(
    db: Session,
    settings: Settings,
    username: str,
    password: str,
    code: str,
    client: str,
    now: dt.datetime,
) -> LoggedIn:
    """Check a login; count a failure (committed) and raise LoginRefused when it is wrong.

    A member who has not enrolled yet logs in with the temporary password alone and is
    sent to enrolment. Each way costs one Argon2id derivation: the temporary password's
    verifier, the member's key lock, or a decoy for a name that is no account.
    """

    def attempt(member: StaffMember | None) -> LoggedIn:
        staff_private: bytes | None
        if member is None:
            locking.unlock_with_passphrase(_decoy(settings.password_kdf), password)
            raise DecryptionError("no such member")
        if not member.enrolled and member.password_verifier is not None:
            if not keyring.check_temporary_password(member, password):
                raise DecryptionError("wrong temporary password")
            staff_private = None
        else:
            staff_private = keyring.unlock_staff_key(member, password)
        if member.enrolled and not check_second_factor(settings, member, code, now):
            raise DecryptionError("wrong second factor")
        member.last_login_at = now
        return LoggedIn(member, staff_private)

    return _throttled(db, settings, username, client, now, attempt)


def check_second_factor(
    settings: Settings, member: StaffMember, code: str, now: dt.datetime
) -> bool:
    """Check (and use up) a TOTP code of an enrolled member."""
    secret = totp.open_secret(settings.secret_key, member)
    step = totp.verify(secret, code, member.totp_last_step, now) if secret else None
    if step is None:
        return False
    member.totp_last_step = step
    return True


def check_password_rules(password: str, confirm: str, username: str) -> None:
    """Length, confirmation, and not the username; PasswordRejected says what is wrong."""
    if password != confirm:
        raise PasswordRejected(_l("The two passwords differ."))
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise PasswordRejected(
            _l("A password has %(min)d to %(max)d characters.", min=PASSWORD_MIN, max=PASSWORD_MAX)
        )
    if username.casefold() in password.casefold():
        raise PasswordRejected(_l("The password must not contain the username."))


def relock(
    db: Session, settings: Settings, member: StaffMember, staff_private: bytes, password: str
) -> str:
    """Lock the private key under a new password and a new recovery key; return that key.

    Every other session of the member ends: whoever held the old password is logged out.
    """
    recovery_key = keyring.lock_staff_key(member, staff_private, password, settings.password_kdf)
    sessions.end_all(db, member)
    return recovery_key


def enrol(
    db: Session,
    settings: Settings,
    member: StaffMember,
    old_private: bytes | None,
    password: str,
) -> Enrolled:
    """Enrolment, after the member chose their password and second factor: their key pair is
    made now, in their own session, and the bureaus they found get theirs.

    A key the session already holds (a demo account, or a member whose second factor was
    reset) is replaced too, with every bureau key it opened sealed again to the new one: so
    a key that a temporary password once locked never opens anything new.
    """
    staff_private, recovery_key = keyring.new_staff_keys(
        member, password, settings.password_kdf, old_private, settings.secret_key
    )
    founded = keyring.found_bureaus(db, member, settings.secret_key)
    member.enrolled = True
    sessions.end_all(db, member)
    return Enrolled(staff_private, recovery_key, [bureau.code for bureau in founded])


def rotate_key(
    db: Session, settings: Settings, member: StaffMember, staff_private: bytes, password: str
) -> Enrolled:
    """A new key pair for an enrolled member: every bureau key they hold sealed again to it,
    locked under their (unchanged) password and a new recovery key; other sessions end."""
    new_private, recovery_key = keyring.new_staff_keys(
        member, password, settings.password_kdf, staff_private, settings.secret_key
    )
    sessions.end_all(db, member)
    return Enrolled(new_private, recovery_key, [])


def recover(
    db: Session,
    settings: Settings,
    username: str,
    recovery_key: str,
    code: str,
    client: str,
    now: dt.datetime,
) -> Recovered:
    """Unlock the private key with the recovery key and a second-factor code (throttled)."""

    def attempt(member: StaffMember | None) -> Recovered:
        if member is None or member.private_key_recovery is None or not member.enrolled:
            raise DecryptionError("cannot recover")
        staff_private = locking.unlock_with_recovery_key(member.private_key_recovery, recovery_key)
        if not check_second_factor(settings, member, code, now):
            raise DecryptionError("wrong second factor")
        return Recovered(member, staff_private)

    return _throttled(db, settings, username, client, now, attempt)


Attempt = TypeVar("Attempt", LoggedIn, Recovered)


def _throttled(
    db: Session,
    settings: Settings,
    username: str,
    client: str,
    now: dt.datetime,
    attempt: Callable[[StaffMember | None], Attempt],
) -> Attempt:
    """Run one attempt under the account-and-address throttle: refused while locked; a
    failure (DecryptionError) is counted and committed; a success clears the count."""
    key = throttle_key(settings.secret_key, username, client)
    locked = _locked_until(db, key, now)
    if locked is not None:
        raise LoginRefused(locked)
    try:
        logged_in = attempt(find_active(db, username))
    except DecryptionError:
        retry_after = _fail(db, key, now)
        db.commit()
        raise LoginRefused(retry_after) from None
    _forget(db, key)
    return logged_in


def reset_second_factor(db: Session, member: StaffMember) -> None:
    """Clear the second factor: at the next login the member enrols a new one."""
    member.totp_secret_sealed = None
    member.totp_last_step = None
    member.enrolled = False
    sessions.end_all(db, member)


def replace_keys(
    db: Session, settings: Settings, member: StaffMember, temporary_password: str
) -> int:
    """For a member who lost both password and recovery key: back to a new account's state (no
    key pair, no bureau key, a temporary password); returns how many memberships were dropped.

    Their old key is unrecoverable by design, so their copies of bureau keys are useless; they
    enrol again (a new key pair, in their own session) and a colleague in each bureau grants
    the bureau key again.
    """
    _refuse_if_last_holder(db, member)
    dropped = keyring.forget_staff_keys(db, member, temporary_password, settings.password_kdf)
    reset_second_factor(db, member)
    return dropped


def deactivate(db: Session, member: StaffMember) -> None:
    """Deactivate: no login, sessions end; rotating the bureau keys drops their copies."""
    _refuse_if_last_holder(db, member)
    member.active = False
    sessions.end_all(db, member)


def _refuse_if_last_holder(db: Session, member: StaffMember) -> None:
    sole = []
    for membership in member.memberships:
        others = db.scalar(
            select(func.count())
            .select_from(BureauMembership)
            .join(StaffMember)
            .where(
                BureauMembership.bureau_id == membership.bureau_id,
                BureauMembership.staff_id != member.id,
                StaffMember.active,
            )
        )
        if not others:
            sole.append(membership.bureau.code)
    if sole:
        raise LastKeyHolder(sorted(sole))

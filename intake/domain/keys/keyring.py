"""Bureau and staff keys: who can unwrap what (docs/design.md, "Wrapping" and "Bureau keys").

A report's data key is sealed to its bureau's public key. A bureau's private key is sealed to
each member's public key. A member's private key is locked under their password. So a stolen
database, without a password, opens nothing.

Who makes which key, and when: a member's key pair is made at enrolment, in their own session,
after they chose their own password; until then the account holds only a verifier of the
temporary password an administrator handed over, which locks nothing. A bureau set up for real
use gets its key pair when its founder enrols, sealed straight to the founder's new key. So no
administrator and no temporary password ever touches a private key. Only the demo
installation (invented data for a first look) makes keys under printed passwords.

Every public key is stored with a MAC under a key derived from the installation's secret key
(intake/domain/keys/authentic.py): `set_bureau_public_key` and `set_staff_public_key` are the
only places that give a key (a reset only takes one away), and every seal reads the key
through `bureau_public_key` or `staff_public_key`, which refuse a key whose MAC is missing or
wrong. So a database writer who swaps a key gets nothing sealed to theirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import aead, keywrap, locking, verifier
from crypto.errors import DecryptionError
from crypto.kdf import Argon2Params
from intake.domain import units
from intake.domain.codes import CASE_ROLES
from intake.domain.keys import authentic
from intake.domain.models import (
    Bureau,
    BureauMembership,
    KeyWrap,
    Report,
    RetentionKey,
    StaffMember,
    SupervisionNote,
    Unit,
)

#: The wrap the reporter opens: the current data key, sealed to the case's reporter key.
REPORTER_HOLDER = "reporter"
#: The reporter key pair's private half, sealed under the key derived from the receipt code.
REPORTER_KEY_HOLDER = "reporter-key"


def bureau_holder(code: str) -> str:
    """The key-wrap holder name of a bureau."""
    return f"bureau:{code}"


def unit_holder(unit_code: str, code: str) -> str:
    """The holder name of a bureau whose code another unit's bureau already holds on the
    case: a case handed down or reported between levels (cases/levels.py) is held by the
    city's and the county's 医保局 at once, and a case keeps one wrap per holder name."""
    return f"bureau:{unit_code}/{code}"


def wrap_aad(report_id: str, holder: str) -> bytes:
    """Associated data binding a wrapped data key to its report and holder."""
    return aead.associated_data("data-key", report_id, holder)


def period_layer_aad(report_id: str, holder: str, period: str) -> bytes:
    """Associated data of the outer seal a concluded case's bureau copy gets (periods.py)."""
    return aead.associated_data("retention-layer", report_id, holder, period)


def retention_key_aad(period: str, bureau_code: str, public: bytes) -> bytes:
    """Associated data binding a retention key's private half to its period and bureau."""
    return aead.associated_data("retention-key", period, bureau_code, public)


def retention_private_key(key: RetentionKey, code: str, bureau_private: bytes) -> bytes:
    """Open a bureau's retention key for one period with the bureau's private key."""
    return keywrap.open_sealed_to(
        bureau_private, key.wrapped_private, retention_key_aad(key.period, code, key.public_key)
    )


def _inner_wrap(wrap: KeyWrap, code: str, bureau_private: bytes) -> bytes:
    """A bureau wrap without its retention layer (the seal to the bureau's key itself)."""
    key = wrap.retention_key
    if key is None:
        return wrap.wrapped
    return keywrap.open_sealed_to(
        retention_private_key(key, code, bureau_private),
        wrap.wrapped,
        period_layer_aad(wrap.report_id, wrap.holder, key.period),
    )


def mark_lead(report: Report, lead: Bureau) -> None:
    """Flag the wrap the lead bureau holds, so its queue finds every other one apart."""
    for wrap in report.key_wraps:
        wrap.lead = wrap.bureau_id is not None and wrap.bureau_id == lead.id


def _membership_aad(bureau_code: str, staff_public_key: bytes) -> bytes:
    return aead.associated_data("bureau-key", bureau_code, staff_public_key)


class KeyNotReady(Exception):
    """A bureau or member that has no key pair yet (its first enrolment is still to come)."""


def set_bureau_public_key(bureau: Bureau, public: bytes, secret_key: bytes) -> None:
    """Give the bureau `public` as its key, with the MAC that authenticates it."""
    bureau.public_key = public
    bureau.public_key_mac = authentic.key_mac(
        secret_key, authentic.BUREAU, units.mac_name(bureau), public
    )


def set_staff_public_key(member: StaffMember, public: bytes | None, secret_key: bytes) -> None:
    """Give the member `public` as their key (None: no key), with its MAC. The member's row
    must have its id (flushed): the MAC names the holder by it, which never changes."""
    if member.id is None:
        raise ValueError("flush the member before giving them a key")
    member.public_key = public
    member.public_key_mac = (
        None
        if public is None
        else authentic.key_mac(secret_key, authentic.STAFF, str(member.id), public)
    )


def bureau_public_key(bureau: Bureau, secret_key: bytes) -> bytes:
    """The bureau's public key, to seal to: KeyNotReady while its founder has not enrolled,
    KeyNotAuthentic if its MAC is missing or does not match (changed outside Qingfeng)."""
    if bureau.public_key is None:
        raise KeyNotReady(bureau.code)
    return authentic.check(
        secret_key,
        authentic.BUREAU,
        units.mac_name(bureau),
        bureau.public_key,
        bureau.public_key_mac,
    )


def staff_public_key(member: StaffMember, secret_key: bytes) -> bytes:
    """The member's public key, to seal to: KeyNotReady until they enrol, KeyNotAuthentic if
    its MAC is missing or does not match."""
    if member.public_key is None:
        raise KeyNotReady(member.username)
    return authentic.check(
        secret_key,
        authentic.STAFF,
        str(member.id),
        member.public_key,
        member.public_key_mac,
        name=member.username,
    )


def create_bureau(
    db: Session, code: str, secret_key: bytes, unit: Unit | None = None, name: str | None = None
) -> tuple[Bureau, bytes]:
    """Create a bureau with a fresh key pair; the caller must grant the private key to a member.

    Only the demo installation does this (its members' keys are locked under printed
    passwords); a real bureau is created without a key by `create_unfounded_bureau`.
    """
    private, public = keywrap.generate_keypair()
    bureau = Bureau(code=code, unit=unit or units.home(db), name_zh=name)
    set_bureau_public_key(bureau, public, secret_key)
    db.add(bureau)
    return bureau, private


def create_unfounded_bureau(
    db: Session, code: str, founder: StaffMember, unit: Unit | None = None, name: str | None = None
) -> Bureau:
    """Create a bureau with no key pair yet; `founder`'s enrolment will make it."""
    if founder.role not in CASE_ROLES:
        raise ValueError("only intake desk and bureau staff can found a bureau")
    bureau = Bureau(
        code=code, public_key=None, founder=founder, unit=unit or units.home(db), name_zh=name
    )
    db.add(bureau)
    return bureau


def appoint_founder(bureau: Bureau, founder: StaffMember) -> None:
    """A new founder for a bureau still without a key (the first left before enrolling)."""
    if bureau.public_key is not None:
        raise ValueError(f"bureau {bureau.code} already has its key")
    if founder.role not in CASE_ROLES:
        raise ValueError("only intake desk and bureau staff can found a bureau")
    bureau.founder = founder


def found_bureaus(db: Session, member: StaffMember, secret_key: bytes) -> list[Bureau]:
    """Give every bureau `member` founds (and that has no key yet) a key pair, sealed to them.

    Runs in the founder's own enrolment, after their key pair was made: the bureau's private
    key exists only in this request and, sealed, for the founder.
    """
    founded: list[Bureau] = []
    if member.role not in CASE_ROLES or member.public_key is None:
        return founded
    waiting = db.scalars(
        select(Bureau).where(Bureau.founder_id == member.id, Bureau.public_key.is_(None))
    )
    for bureau in waiting:
        private, public = keywrap.generate_keypair()
        set_bureau_public_key(bureau, public, secret_key)
        grant_bureau(db, bureau, private, member, secret_key)
        founded.append(bureau)
    return founded


def create_staff(
    db: Session,
    username: str,
    role: str,
    temporary_password: str,
    params: Argon2Params,
    unit: Unit | None = None,
) -> StaffMember:
    """Create an account that holds no key: only a verifier of its temporary password.

    The key pair is made when the member enrols (`new_staff_keys`), under a password of
    their own, so the administrator who saw the temporary password can open nothing with it.
    """
    member = StaffMember(
        username=username,
        role=role,
        password_verifier=verifier.make_verifier(temporary_password, params),
        unit_id=(unit or units.home(db)).id,
        active=True,
        created_at=dt.datetime.now(dt.UTC),
    )
    db.add(member)
    return member


def create_demo_staff(
    db: Session,
    username: str,
    role: str,
    password: str,
    params: Argon2Params,
    secret_key: bytes,
    unit: Unit | None = None,
) -> tuple[StaffMember, str]:
    """A demo account with a key pair locked under its printed password; returns the recovery
    key. Only for the demo installation: whoever saw that password holds the key."""
    private, public = keywrap.generate_keypair()
    recovery_key = locking.generate_recovery_key()
    member = StaffMember(
        username=username,
        role=role,
        private_key_locked=locking.lock_with_passphrase(private, password, params),
        private_key_recovery=locking.lock_with_recovery_key(private, recovery_key),
        unit_id=(unit or units.home(db)).id,
        active=True,
        created_at=dt.datetime.now(dt.UTC),
    )
    db.add(member)
    db.flush()
    set_staff_public_key(member, public, secret_key)
    return member, recovery_key


def check_temporary_password(member: StaffMember, password: str) -> bool:
    """Whether `password` is the temporary password of an account that holds no key yet."""
    if member.password_verifier is None:
        return False
    return verifier.check_verifier(member.password_verifier, password)


def new_staff_keys(
    member: StaffMember,
    password: str,
    params: Argon2Params,
    old_private: bytes | None,
    secret_key: bytes,
) -> tuple[bytes, str]:
    """A new key pair for the member, locked under `password` and a new recovery key; every
    bureau key they hold is sealed again to it. Returns the private key and the recovery key.

    At enrolment (`old_private` is None for a new account, or the key the session holds) and
    when a member rotates their key: whatever opened the old key opens nothing of the new one,
    and the verifier of a temporary password is dropped.
    """
    private, public = keywrap.generate_keypair()
    for membership in member.memberships:
        if old_private is None:
            raise DecryptionError("bureau keys held without a staff key")
        code = membership.bureau.code
        bureau_private = keywrap.open_sealed_to(
            old_private,
            membership.wrapped_bureau_key,
            _membership_aad(code, keywrap.public_key_of(old_private)),
        )
        membership.wrapped_bureau_key = keywrap.seal_to(
            public, bureau_private, _membership_aad(code, public)
        )
    set_staff_public_key(member, public, secret_key)
    member.password_verifier = None
    return private, lock_staff_key(member, private, password, params)


def lock_staff_key(
    member: StaffMember, staff_private: bytes, password: str, params: Argon2Params
) -> str:
    """Lock the member's private key under a password and a new recovery key; return that key."""
    recovery_key = locking.generate_recovery_key()
    member.private_key_locked = locking.lock_with_passphrase(staff_private, password, params)
    member.private_key_recovery = locking.lock_with_recovery_key(staff_private, recovery_key)
    return recovery_key


def forget_staff_keys(
    db: Session, member: StaffMember, temporary_password: str, params: Argon2Params
) -> int:
    """Back to a new account's state: no key pair, no bureau key, a verifier of a temporary
    password; returns how many memberships were dropped."""
    member.public_key = None
    member.public_key_mac = None
    member.private_key_locked = None
    member.private_key_recovery = None
    member.password_verifier = verifier.make_verifier(temporary_password, params)
    dropped = 0
    for membership in list(member.memberships):
        db.delete(membership)
        dropped += 1
    return dropped


def grant_bureau(
    db: Session, bureau: Bureau, bureau_private: bytes, member: StaffMember, secret_key: bytes
) -> None:
    """Seal the bureau's private key to a member, which makes them able to read its cases."""
    public = staff_public_key(member, secret_key)
    wrapped = keywrap.seal_to(public, bureau_private, _membership_aad(bureau.code, public))
    db.add(BureauMembership(staff=member, bureau=bureau, wrapped_bureau_key=wrapped))


def unlock_staff_key(member: StaffMember, password: str) -> bytes:
    """The member's private key; DecryptionError on a wrong password, or if they have none."""
    if member.private_key_locked is None:
        raise DecryptionError("no key yet")
    return locking.unlock_with_passphrase(member.private_key_locked, password)


def bureau_private_key(db: Session, member: StaffMember, staff_private: bytes, code: str) -> bytes:
    """Unseal a bureau's private key with a member's unlocked key; KeyError if not a member."""
    membership = db.scalars(
        select(BureauMembership)
        .join(Bureau)
        .where(BureauMembership.staff_id == member.id, Bureau.code == code)
    ).first()
    if membership is None:
        raise KeyError(code)
    # The public key is recomputed from the private one, not read from the row.
    return keywrap.open_sealed_to(
        staff_private,
        membership.wrapped_bureau_key,
        _membership_aad(code, keywrap.public_key_of(staff_private)),
    )


def data_key_for_bureau(
    report: Report, code: str, bureau_private: bytes, bureau_id: int | None = None
) -> bytes:
    """Unwrap a report's data key with a bureau's private key; KeyError if it holds no wrap.
    With `bureau_id`, the wrap of that bureau whatever its holder name (unit_holder)."""
    holder = bureau_holder(code)
    for wrap in report.key_wraps:
        if wrap.bureau_id == bureau_id if bureau_id is not None else wrap.holder == holder:
            inner = _inner_wrap(wrap, code, bureau_private)
            aad = wrap_aad(report.id, wrap.holder)
            return keywrap.open_sealed_to(bureau_private, inner, aad)
    raise KeyError(code)


def rotate_bureau_key(
    db: Session, member: StaffMember, staff_private: bytes, code: str, secret_key: bytes
) -> int:
    """Give a bureau a new key pair; returns how many report wraps were re-sealed.

    Run by a logged-in member (their unlocked key opens the old bureau key). Every report
    wrap of the bureau and every active member's copy of the bureau key are re-sealed in one
    transaction; inactive members lose their copy, which is the usual reason to rotate.
    """
    bureau = db.scalars(
        select(Bureau)
        .join(BureauMembership)
        .where(BureauMembership.staff_id == member.id, Bureau.code == code)
    ).first()
    if bureau is None:  # the member's own bureau of that code, in their unit
        raise KeyError(code)
    old_private = bureau_private_key(db, member, staff_private, code)
    new_private, new_public = keywrap.generate_keypair()
    # Every wrap of the bureau, under whichever holder name it was sealed (unit_holder).
    wrap_ids = list(db.scalars(select(KeyWrap.id).where(KeyWrap.bureau_id == bureau.id)))
    for start in range(0, len(wrap_ids), 500):
        batch = db.scalars(select(KeyWrap).where(KeyWrap.id.in_(wrap_ids[start : start + 500])))
        for wrap in batch:
            holder = wrap.holder
            aad = wrap_aad(wrap.report_id, holder)
            data_key = keywrap.open_sealed_to(
                old_private, _inner_wrap(wrap, code, old_private), aad
            )
            inner = keywrap.seal_to(new_public, data_key, aad)
            if wrap.retention_key is None:
                wrap.wrapped = inner
            else:  # the retention layer stays: its key pair is only re-sealed below
                period = wrap.retention_key.period
                wrap.wrapped = keywrap.seal_to(
                    wrap.retention_key.public_key,
                    inner,
                    period_layer_aad(wrap.report_id, holder, period),
                )
    for key in db.scalars(select(RetentionKey).where(RetentionKey.bureau_id == bureau.id)):
        aad = retention_key_aad(key.period, code, key.public_key)
        key.wrapped_private = keywrap.seal_to(
            new_public, keywrap.open_sealed_to(old_private, key.wrapped_private, aad), aad
        )
    # 督办 notes are sealed to the bureau's key too.
    for note in db.scalars(select(SupervisionNote).where(SupervisionNote.bureau_id == bureau.id)):
        aad = aead.associated_data("supervision", note.report_id, code)
        note.body = keywrap.seal_to(
            new_public, keywrap.open_sealed_to(old_private, note.body, aad), aad
        )
    memberships = db.scalars(
        select(BureauMembership).where(BureauMembership.bureau_id == bureau.id)
    )
    for membership in memberships:
        staff = membership.staff
        if not staff.active:
            db.delete(membership)
            continue
        public = staff_public_key(staff, secret_key)
        membership.wrapped_bureau_key = keywrap.seal_to(
            public, new_private, _membership_aad(code, public)
        )
    set_bureau_public_key(bureau, new_public, secret_key)
    db.commit()
    return len(wrap_ids)


@dataclass(frozen=True)
class StoredKey:
    """A stored public key as `authenticate_stored_keys` found it."""

    kind: str
    name: str
    #: "authenticated" (it had no MAC: given one now), "tampered" (a MAC that does not
    #: match: left as it is) or "ok" (already authenticated).
    state: str


def authenticate_stored_keys(
    db: Session, secret_key: bytes, previous_secret_key: bytes | None = None
) -> list[StoredKey]:
    """Give every stored public key without a MAC (written before keys were authenticated)
    its MAC, once, at the upgrade; and, after the secret key was changed, every key whose MAC
    the previous secret key proves a MAC under the new one. Any other key whose MAC does not
    match is left as it is, never re-authenticated. The caller commits."""
    found = []
    for bureau in db.scalars(select(Bureau).order_by(Bureau.code)):
        if bureau.public_key is None:
            continue
        state = _mac_state(partial(bureau_public_key, bureau), secret_key, previous_secret_key)
        if state == "authenticated":
            set_bureau_public_key(bureau, bureau.public_key, secret_key)
        found.append(StoredKey(authentic.BUREAU, bureau.code, state))
    for member in db.scalars(select(StaffMember).order_by(StaffMember.username)):
        if member.public_key is None:
            continue
        state = _mac_state(partial(staff_public_key, member), secret_key, previous_secret_key)
        if state == "authenticated":
            set_staff_public_key(member, member.public_key, secret_key)
        found.append(StoredKey(authentic.STAFF, member.username, state))
    return found


def _mac_state(
    read: Callable[[bytes], bytes], secret_key: bytes, previous_secret_key: bytes | None
) -> str:
    """ "ok", "authenticated" (to be given a MAC now) or "tampered", as StoredKey says."""
    try:
        read(secret_key)
        return "ok"
    except authentic.KeyNotAuthentic as exc:
        if exc.missing:
            return "authenticated"
    if previous_secret_key is None:
        return "tampered"
    try:
        read(previous_secret_key)
    except authentic.KeyNotAuthentic:
        return "tampered"
    return "authenticated"

"""Bureau and staff keys: who can unwrap what (docs/design.md, "Wrapping" and "Bureau keys").

A report's data key is sealed to its bureau's public key. A bureau's private key is sealed to
each member's public key. A member's private key is locked under their password. So a stolen
database, without a password, opens nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import aead, keywrap, locking
from crypto.kdf import Argon2Params
from intake.domain.models import (
    Bureau,
    BureauMembership,
    KeyWrap,
    Report,
    StaffMember,
    SupervisionNote,
)


def bureau_holder(code: str) -> str:
    """The key-wrap holder name of a bureau."""
    return f"bureau:{code}"


def wrap_aad(report_id: str, holder: str) -> bytes:
    """Associated data binding a wrapped data key to its report and holder."""
    return aead.associated_data("data-key", report_id, holder)


def mark_lead(report: Report, lead: Bureau) -> None:
    """Flag the wrap the lead bureau holds, so its queue finds every other one apart."""
    for wrap in report.key_wraps:
        wrap.lead = wrap.bureau_id is not None and wrap.bureau_id == lead.id


def _membership_aad(bureau_code: str, staff_public_key: bytes) -> bytes:
    return aead.associated_data("bureau-key", bureau_code, staff_public_key)


def create_bureau(db: Session, code: str) -> tuple[Bureau, bytes]:
    """Create a bureau with a fresh key pair; the caller must grant the private key to a member."""
    private, public = keywrap.generate_keypair()
    bureau = Bureau(code=code, public_key=public)
    db.add(bureau)
    return bureau, private


def create_staff(
    db: Session, username: str, role: str, password: str, params: Argon2Params
) -> tuple[StaffMember, str]:
    """Create a staff member with a key pair locked under the password; returns the recovery key."""
    private, public = keywrap.generate_keypair()
    recovery_key = locking.generate_recovery_key()
    member = StaffMember(
        username=username,
        role=role,
        public_key=public,
        private_key_locked=locking.lock_with_passphrase(private, password, params),
        private_key_recovery=locking.lock_with_recovery_key(private, recovery_key),
        active=True,
        created_at=dt.datetime.now(dt.UTC),
    )
    db.add(member)
    return member, recovery_key


def grant_bureau(db: Session, bureau: Bureau, bureau_private: bytes, member: StaffMember) -> None:
    """Seal the bureau's private key to a member, which makes them able to read its cases."""
    wrapped = keywrap.seal_to(
        member.public_key, bureau_private, _membership_aad(bureau.code, member.public_key)
    )
    db.add(BureauMembership(staff=member, bureau=bureau, wrapped_bureau_key=wrapped))


def unlock_staff_key(member: StaffMember, password: str) -> bytes:
    """The member's private key; raises crypto.errors.DecryptionError on a wrong password."""
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
    return keywrap.open_sealed_to(
        staff_private, membership.wrapped_bureau_key, _membership_aad(code, member.public_key)
    )


def data_key_for_bureau(report: Report, code: str, bureau_private: bytes) -> bytes:
    """Unwrap a report's data key with a bureau's private key; KeyError if it holds no wrap."""
    holder = bureau_holder(code)
    for wrap in report.key_wraps:
        if wrap.holder == holder:
            return keywrap.open_sealed_to(bureau_private, wrap.wrapped, wrap_aad(report.id, holder))
    raise KeyError(code)


def rotate_bureau_key(db: Session, member: StaffMember, staff_private: bytes, code: str) -> int:
    """Give a bureau a new key pair; returns how many report wraps were re-sealed.

    Run by a logged-in member (their unlocked key opens the old bureau key). Every report
    wrap of the bureau and every active member's copy of the bureau key are re-sealed in one
    transaction; inactive members lose their copy, which is the usual reason to rotate.
    """
    bureau = db.scalars(select(Bureau).where(Bureau.code == code)).one()
    old_private = bureau_private_key(db, member, staff_private, code)
    new_private, new_public = keywrap.generate_keypair()
    holder = bureau_holder(code)
    wrap_ids = list(db.scalars(select(KeyWrap.id).where(KeyWrap.holder == holder)))
    for start in range(0, len(wrap_ids), 500):
        batch = db.scalars(select(KeyWrap).where(KeyWrap.id.in_(wrap_ids[start : start + 500])))
        for wrap in batch:
            aad = wrap_aad(wrap.report_id, holder)
            data_key = keywrap.open_sealed_to(old_private, wrap.wrapped, aad)
            wrap.wrapped = keywrap.seal_to(new_public, data_key, aad)
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
        membership.wrapped_bureau_key = keywrap.seal_to(
            staff.public_key, new_private, _membership_aad(code, staff.public_key)
        )
    bureau.public_key = new_public
    db.commit()
    return len(wrap_ids)

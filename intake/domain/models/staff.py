"""Bureaus, staff members, their key memberships, console sessions and login throttles."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.domain.models.base import Base
from intake.domain.models.units import Unit


class Bureau(Base):
    """A bureau (or the intake desk) with its X25519 public key; names live in the taxonomy."""

    __tablename__ = "bureaus"
    # Each unit has its own bureaus of the taxonomy, so a code is unique within its unit only.
    __table_args__ = (UniqueConstraint("unit_id", "code", name="uq_bureaus_unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", name="fk_bureaus_unit_id_units"))
    # The name in the unit ("XX县医疗保障局"); None: the taxonomy's name (a unit's first tree).
    name_zh: Mapped[str | None] = mapped_column(String(100))
    # None until the bureau's founder enrols: their own session makes the key pair, so no
    # administrator and no temporary password ever touches a bureau's private key.
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    # HMAC over (bureau, code, public key) under a key derived from the secret key, checked
    # before every seal (intake/domain/keys/authentic.py).
    public_key_mac: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    # The first member (`qingfeng bureaus setup`), whose enrolment creates the key pair.
    founder_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", name="fk_bureaus_founder_id_staff")
    )

    founder: Mapped[StaffMember | None] = relationship(foreign_keys=[founder_id])
    unit: Mapped[Unit] = relationship()


class StaffMember(Base):
    """A console user; the private key is stored only locked under the password or recovery key."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    # The unit the member works for: an administrator manages its staff, a supervisor reads
    # the metadata of it and the units below (docs/design.md, "Units").
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", name="fk_staff_unit_id_units"))
    # The key pair is made at enrolment, in the member's own session: until then (and again
    # after a reset) the account holds no key, only a verifier of its temporary password.
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    # HMAC over (staff, id, public key), as for a bureau's key.
    public_key_mac: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    private_key_locked: Mapped[bytes | None] = mapped_column(LargeBinary)
    private_key_recovery: Mapped[bytes | None] = mapped_column(LargeBinary)
    password_verifier: Mapped[bytes | None] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # Where deadline reminders go; optional, and never sent any report content.
    email: Mapped[str | None] = mapped_column(String(254))
    # Until enrolled, the password is a temporary one and no second factor is set.
    enrolled: Mapped[bool] = mapped_column(default=False)
    # The TOTP secret, sealed under a key derived from the installation's secret key.
    totp_secret_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The last time step accepted, so one code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # 负责人: may approve a colleague's request in the bureaus they belong to (an extension,
    # cases/extensions.py); set by an administrator.
    may_approve: Mapped[bool] = mapped_column(default=False)

    memberships: Mapped[list[BureauMembership]] = relationship(back_populates="staff")


class BureauMembership(Base):
    """A bureau's private key sealed to one member's public key."""

    __tablename__ = "bureau_memberships"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), primary_key=True)
    wrapped_bureau_key: Mapped[bytes] = mapped_column(LargeBinary)

    staff: Mapped[StaffMember] = relationship(back_populates="memberships")
    bureau: Mapped[Bureau] = relationship()


class StaffSession(Base):
    """A console session. The staff member's private key is kept sealed under a key that
    exists only in their cookie, so this table alone unlocks nothing."""

    __tablename__ = "staff_sessions"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    authenticated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary)

    staff: Mapped[StaffMember] = relationship()


class LoginThrottle(Base):
    """Failed logins per account and per hashed client address, for progressive delay.

    Keyed by both, so an attacker elsewhere cannot lock a member out of their own desk.
    """

    __tablename__ = "login_throttles"

    key_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

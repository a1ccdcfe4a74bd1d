"""Tables. Report content is stored only as ciphertext; everything in clear here is metadata.

Metadata carries dates, not times, for anything the public side creates (promise 1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.db import Base


class Bureau(Base):
    """A bureau (or the intake desk) with its X25519 public key; names live in the taxonomy."""

    __tablename__ = "bureaus"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))


class StaffMember(Base):
    """A console user; the private key is stored only locked under the password or recovery key."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    private_key_locked: Mapped[bytes] = mapped_column(LargeBinary)
    private_key_recovery: Mapped[bytes | None] = mapped_column(LargeBinary)
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

    memberships: Mapped[list[BureauMembership]] = relationship(back_populates="staff")


class BureauMembership(Base):
    """A bureau's private key sealed to one member's public key."""

    __tablename__ = "bureau_memberships"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), primary_key=True)
    wrapped_bureau_key: Mapped[bytes] = mapped_column(LargeBinary)

    staff: Mapped[StaffMember] = relationship(back_populates="memberships")
    bureau: Mapped[Bureau] = relationship()


class Report(Base):
    """One case file (一案一档). `content` and `contact` are AES-GCM ciphertexts."""

    __tablename__ = "reports"
    # A bureau's queue reads its own cases from these two alone (admin/queue.py): counts per
    # tab from the first without touching a row, pages in date order from the second.
    __table_args__ = (
        Index(
            "ix_reports_lead_queue", "lead_bureau_id", "state", "accepted_on", "decision_due",
            "conclusion_due", "awaiting_staff", "destroyed_on", "category", "channel",
            "received_on", "reference",
        ),
        Index("ix_reports_lead_received", "lead_bureau_id", "received_on", "reference"),
        # The overdue board and `qingfeng tick`: late cases by the deadline they missed. Each
        # part of the board reads one of these three alone, without touching a row.
        Index(
            "ix_reports_deciding_due", "state", "decision_due", "accepted_on", "destroyed_on",
            "major", "lead_bureau_id", "category", "received_on", "reference",
        ),
        Index(
            "ix_reports_concluding_due", "state", "conclusion_due", "accepted_on",
            "destroyed_on", "major", "lead_bureau_id", "category", "received_on", "reference",
        ),
        # Statistics: the cases open at the end of a period, and retention's concluded cases.
        Index(
            "ix_reports_open_stock", "concluded_on", "received_on", "lead_bureau_id", "category",
            "channel",
        ),
        Index(
            "ix_reports_major", "major", "destroyed_on", "state", "accepted_on", "decision_due",
            "conclusion_due", "lead_bureau_id", "category", "received_on", "reference",
        ),
    )  # fmt: skip

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    lookup_tag: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(40), index=True)
    state: Mapped[str] = mapped_column(String(20))
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    decision_due: Mapped[dt.date] = mapped_column(Date)
    lead_bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    routing: Mapped[dict[str, Any]] = mapped_column(JSON)
    official_involved: Mapped[bool]
    real_name: Mapped[bool]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    contact: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Case work (metadata in clear so queues and statistics never decrypt).
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    conclusion_due: Mapped[dt.date | None] = mapped_column(Date)
    extended: Mapped[bool] = mapped_column(default=False)
    concluded_on: Mapped[dt.date | None] = mapped_column(Date)
    finding: Mapped[str | None] = mapped_column(String(24))
    handed_over_to: Mapped[str | None] = mapped_column(String(24))
    major: Mapped[bool] = mapped_column(default=False)
    assigned_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # The reporter wrote something no staff member has opened yet.
    awaiting_staff: Mapped[bool] = mapped_column(default=False)
    # What the reporter is told: the reason for not accepting, or the outcome (sealed).
    public_reason: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Reward (举报奖励): the claim is sealed; the amounts decided and paid are metadata.
    reward_claim: Mapped[bytes | None] = mapped_column(LargeBinary)
    reward_claimed_on: Mapped[dt.date | None] = mapped_column(Date)
    reward_amount: Mapped[int | None] = mapped_column(Integer)
    reward_paid_on: Mapped[dt.date | None] = mapped_column(Date)
    # The deadlines `qingfeng tick` already warned about or flagged, so each is recorded once.
    warned_for: Mapped[dt.date | None] = mapped_column(Date)
    overdue_for: Mapped[dt.date | None] = mapped_column(Date)
    supervised_on: Mapped[dt.date | None] = mapped_column(Date)
    # Set when retention destroyed every key and ciphertext; the metadata stays for statistics.
    destroyed_on: Mapped[dt.date | None] = mapped_column(Date, index=True)

    lead_bureau: Mapped[Bureau] = relationship()
    assigned_staff: Mapped[StaffMember | None] = relationship()
    key_wraps: Mapped[list[KeyWrap]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )
    events: Mapped[list[Event]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Event.id"
    )
    messages: Mapped[list[Message]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Message.id"
    )
    notes: Mapped[list[Note]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Note.id"
    )
    supervision_notes: Mapped[list[SupervisionNote]] = relationship(
        cascade="all, delete-orphan", order_by="SupervisionNote.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Attachment.id"
    )


class KeyWrap(Base):
    """The report's data key wrapped for one holder: a bureau, or the reporter's receipt key."""

    __tablename__ = "report_key_wraps"
    # A bureau's queue finds the cases it holds without leading them here (admin/queue.py).
    __table_args__ = (
        UniqueConstraint("report_id", "holder"),
        Index("ix_report_key_wraps_bureau_lead_report", "bureau_id", "lead", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    holder: Mapped[str] = mapped_column(String(60))
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    # Held by the bureau that leads the case (kept true by intake/reports.py and casework).
    lead: Mapped[bool] = mapped_column(default=False, server_default=false())
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)

    report: Mapped[Report] = relationship(back_populates="key_wraps")


class Event(Base):
    """A step in a case's life. Public-side events carry a date only; staff events a time too.

    `bureau` is the bureau the step counts for in the statistics (the lead bureau at the time,
    or the one a case left); `value` is the step's one code (a finding, a target, a bureau).
    """

    __tablename__ = "events"
    # Statistics count a period's steps from this index alone, never joining the reports.
    __table_args__ = (
        Index(
            "ix_events_statistics", "occurred_on", "kind", "bureau", "value", "category",
            "channel", "received_on",
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    occurred_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    actor_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    bureau: Mapped[str | None] = mapped_column(String(40))
    value: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The case's category, channel and date of receipt, which never change after intake:
    # copied here when the step is recorded (see _case_facts).
    category: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))
    received_on: Mapped[dt.date] = mapped_column(Date)

    report: Mapped[Report] = relationship(back_populates="events")


@event.listens_for(Report.events, "append")
def _case_facts(report: Report, step: Event, _initiator: object) -> None:
    # Every step is recorded through report.events, so no caller can forget the copy.
    step.category, step.channel, step.received_on = (
        report.category,
        report.channel,
        report.received_on,
    )


class UsedFormToken(Base):
    """Hash of a submitted form's one-time token, so a resubmitted page makes no second report."""

    __tablename__ = "used_form_tokens"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    used_on: Mapped[dt.date] = mapped_column(Date)


class HotlineToken(Base):
    """A call-centre system's bearer token, stored only as a SHA-256 hash. It can submit only."""

    __tablename__ = "hotline_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True, index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)


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


class Message(Base):
    """A message between the bureau and the reporter, sealed with the report's data key.

    A reporter's message carries its date only; a staff message its time and author.
    """

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    author: Mapped[str] = mapped_column(String(10))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    occurred_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    body: Mapped[bytes] = mapped_column(LargeBinary)

    report: Mapped[Report] = relationship(back_populates="messages")


class Note(Base):
    """An internal note on a case, sealed with the report's data key; never shown to reporters."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[bytes] = mapped_column(LargeBinary)

    report: Mapped[Report] = relationship(back_populates="notes")


class SupervisionNote(Base):
    """A supervisor's 督办 note, sealed to the lead bureau's public key: a supervisor needs no
    report key to write it, and only the bureau can read it."""

    __tablename__ = "supervision_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[bytes] = mapped_column(LargeBinary)


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


class AuditEvent(Base):
    """An append-only audit record; each one hashes the one before it (a hash chain).

    `report_id` is not a foreign key: the trail outlives a destroyed (shredded) report.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
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
    """One row: the newest link of the audit chain, locked while an event is appended."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class Attachment(Base):
    """A file sent with a report, sealed with the report's data key in chunks.

    The name is sealed too; `uid` binds every chunk to this file. Size, kind and whether its
    metadata could be removed are metadata.
    """

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    author: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    cleaned: Mapped[bool]
    size: Mapped[int] = mapped_column(Integer)
    chunks: Mapped[int] = mapped_column(Integer)
    added_on: Mapped[dt.date] = mapped_column(Date)
    name: Mapped[bytes] = mapped_column(LargeBinary)

    report: Mapped[Report] = relationship(back_populates="attachments")


class AttachmentChunk(Base):
    """One sealed piece of an attachment; its AAD names the file, the position and the end."""

    __tablename__ = "attachment_chunks"

    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)


class StatisticMonth(Base):
    """The statistics of a finished month, counted once (intake/settled_months.py).

    Counts per bureau × category × channel and days-to-conclusion histograms: metadata only.
    `by_category` repeats the public page's two figures per category, so that /figures reads a
    few numbers per month instead of decoding every month's whole table.
    """

    __tablename__ = "statistic_months"

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    counted_on: Mapped[dt.date] = mapped_column(Date)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Null in months kept before the column existed; filled the first time /figures reads them.
    by_category: Mapped[dict[str, list[int]] | None] = mapped_column(JSON, default=None)

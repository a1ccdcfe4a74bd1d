"""A case and what hangs on it: key wraps, steps, messages, notes, 督办 notes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.domain.models.base import Base, RandomId, next_ordinal, random_id

if TYPE_CHECKING:  # only for annotations: the mapper resolves the names itself
    from intake.domain.models.evidence import Attachment
    from intake.domain.models.grading import CaseStudy
    from intake.domain.models.outcomes import Measure, Rectification
    from intake.domain.models.staff import Bureau, StaffMember


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
        # Real-name cases first (优先办理, cases/feedback.py): each part of a tab in date order.
        Index(
            "ix_reports_lead_named_received", "lead_bureau_id", "real_name", "received_on",
            "reference",
        ),
        # Then 重大 ones (cases/grading.py): each grade's part of a tab in date order.
        Index(
            "ix_reports_lead_named_grade_received", "lead_bureau_id", "real_name", "grade",
            "received_on", "reference",
        ),
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
        # Late feedback to real-name reporters (oversight/feedback_due.py): a tenth of the
        # cases, read per bureau without touching a row.
        Index(
            "ix_reports_named_feedback", "lead_bureau_id", "received_on", "reference",
            "deadline_profile", "state", "accepted_on", "concluded_on", "repeat_of_id", "id",
            postgresql_where=text("real_name IS TRUE AND destroyed_on IS NULL"),
            sqlite_where=text("real_name IS TRUE AND destroyed_on IS NULL"),
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
        # The supervisors' board: the few cases under 挂牌 or 联合督办 (cases/grading.py).
        Index("ix_reports_listing", "listing", "destroyed_on", "state", "major"),
        # A statistics count reads each step's case for its lead bureau (units counted apart,
        # oversight/statistics.py), the 交办 board each order's cases for their bureau and state
        # (oversight/hand_down_board.py): from this alone, not a case row each.
        Index("ix_reports_id_lead", "id", "lead_bureau_id", "state", "destroyed_on"),
        # Rewards per period: the few cases with a reward, by the day of each step.
        *(
            Index(
                f"ix_reports_reward_{step}", f"reward_{step}_on", "lead_bureau_id", "category",
                "channel", "reward_amount",
                postgresql_where=text("reward_amount IS NOT NULL"),
                sqlite_where=text("reward_amount IS NOT NULL"),
            )
            for step in ("proposed", "approved", "paid", "lapsed")
        ),
        # On SQLite a table keyed by text has a hidden rowid counting insertions: none here.
        {"sqlite_with_rowid": False},
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
    # The deadline profile chosen at receipt (cases/profiles.py); None for older cases, which
    # count by the default. A conclusion date set from outside the profile (a 交办 order,
    # deadlines.override) keeps its source here, shown as the date's basis.
    deadline_profile: Mapped[str | None] = mapped_column(String(40))
    conclusion_basis: Mapped[str | None] = mapped_column(String(200))
    # An extension (延期) asked for by one member and approved by a 负责人 (cases/extensions.py);
    # the reason is sealed with the data key, for the reporter to read once approved.
    extension_requested_on: Mapped[dt.date | None] = mapped_column(Date)
    extension_requested_by: Mapped[int | None] = mapped_column(Integer)
    extension_reason: Mapped[bytes | None] = mapped_column(LargeBinary)
    extension_approved_on: Mapped[dt.date | None] = mapped_column(Date)
    extension_approved_by: Mapped[int | None] = mapped_column(Integer)
    concluded_on: Mapped[dt.date | None] = mapped_column(Date)
    finding: Mapped[str | None] = mapped_column(String(24))
    # 处置方式 under the rule that governs the case (cases/outcomes.py).
    disposal: Mapped[str | None] = mapped_column(String(24))
    handed_over_to: Mapped[str | None] = mapped_column(String(24))
    # The 移送函 (its number and date) and what the receiving organ answered, and when.
    hand_over_letter: Mapped[str | None] = mapped_column(String(60))
    hand_over_letter_on: Mapped[dt.date | None] = mapped_column(Date)
    hand_over_reply: Mapped[str | None] = mapped_column(String(16))
    hand_over_reply_on: Mapped[dt.date | None] = mapped_column(Date)
    major: Mapped[bool] = mapped_column(default=False)
    assigned_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # The reporter wrote something no staff member has opened yet.
    awaiting_staff: Mapped[bool] = mapped_column(default=False)
    # What the reporter is told: the reason for not accepting, or the outcome (sealed).
    public_reason: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Reward (举报奖励, docs/rules.md §5; intake/domain/cases/rewards.py): the reporter's claim
    # and the ID document checked at payment are sealed; the rest is metadata for the 统计表.
    reward_claim: Mapped[bytes | None] = mapped_column(LargeBinary)
    reward_claimed_on: Mapped[dt.date | None] = mapped_column(Date)
    reward_scheme: Mapped[str | None] = mapped_column(String(32))
    reward_grade: Mapped[int | None] = mapped_column(Integer)
    # What the percentage applies to (案值 or the fines), and the reward, in fen.
    reward_basis: Mapped[int | None] = mapped_column(Integer)
    reward_amount: Mapped[int | None] = mapped_column(Integer)
    # Why the reporter gets none (医保 staff, own conduct), recorded instead of an amount.
    reward_excluded: Mapped[str | None] = mapped_column(String(24))
    reward_proposed_on: Mapped[dt.date | None] = mapped_column(Date)
    # Staff ids, without a foreign key: a second key to staff would make every join of
    # reports and staff ambiguous, and staff rows are deactivated, never deleted.
    reward_proposed_by: Mapped[int | None] = mapped_column(Integer)
    # Approval is the notice to the reporter: the claim window runs from that day.
    reward_approved_on: Mapped[dt.date | None] = mapped_column(Date)
    reward_approved_by: Mapped[int | None] = mapped_column(Integer)
    reward_claim_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    reward_id_check: Mapped[bytes | None] = mapped_column(LargeBinary)
    reward_paid_by: Mapped[str | None] = mapped_column(String(16))
    reward_paid_on: Mapped[dt.date | None] = mapped_column(Date)
    reward_lapsed_on: Mapped[dt.date | None] = mapped_column(Date)
    # The deadlines `qingfeng tick` already warned about or flagged, so each is recorded once.
    warned_for: Mapped[dt.date | None] = mapped_column(Date)
    overdue_for: Mapped[dt.date | None] = mapped_column(Date)
    supervised_on: Mapped[dt.date | None] = mapped_column(Date)
    # Grading and disposal (cases/grading.py, docs/rules.md §9): the grade of the latest
    # 集体研判 (for the queue), the 包案 leader (a staff id, see reward_proposed_by), the
    # 提级办理 (the body above, the day, the reason sealed) and a 挂牌 or 联合督办 flag.
    grade: Mapped[str | None] = mapped_column(String(16))
    leader_staff_id: Mapped[int | None] = mapped_column(Integer)
    escalated_to: Mapped[str | None] = mapped_column(String(100))
    escalated_on: Mapped[dt.date | None] = mapped_column(Date)
    escalation_reason: Mapped[bytes | None] = mapped_column(LargeBinary)
    listing: Mapped[str | None] = mapped_column(String(16))
    listed_by: Mapped[str | None] = mapped_column(String(100))
    listed_on: Mapped[dt.date | None] = mapped_column(Date)
    # 重复件: the earlier case this report repeats (docs/rules.md §9). The report is kept and
    # worked with that case; the statistics count the case once, with its repeats.
    repeat_of_id: Mapped[str | None] = mapped_column(ForeignKey("reports.id"), index=True)
    # Set when retention destroyed every key and ciphertext; the metadata stays for statistics.
    destroyed_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # Key epochs (intake/domain/keys/epochs.py): a change of holders gives the case a new data
    # key; every earlier one is kept sealed under the current key, so only current holders
    # read the whole file and a former holder's key opens nothing added after they left.
    key_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    earlier_keys: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The reporter's X25519 public key: staff seal each new epoch's key to it; its private key
    # is sealed under the key derived from the receipt code. None for cases from before epochs.
    reporter_public_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    # Under the secret key, like the bureaus' keys (intake/domain/keys/authentic.py).
    reporter_public_key_mac: Mapped[bytes | None] = mapped_column(LargeBinary(32))

    lead_bureau: Mapped[Bureau] = relationship()
    assigned_staff: Mapped[StaffMember | None] = relationship()
    key_wraps: Mapped[list[KeyWrap]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )
    events: Mapped[list[Event]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Event.ordinal"
    )
    messages: Mapped[list[Message]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Message.ordinal"
    )
    notes: Mapped[list[Note]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Note.ordinal"
    )
    supervision_notes: Mapped[list[SupervisionNote]] = relationship(
        cascade="all, delete-orphan", order_by="SupervisionNote.occurred_at"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Attachment.ordinal"
    )
    measures: Mapped[list[Measure]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Measure.id"
    )
    rectifications: Mapped[list[Rectification]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Rectification.id"
    )
    studies: Mapped[list[CaseStudy]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="CaseStudy.ordinal"
    )


class KeyWrap(Base):
    """The report's data key wrapped for one holder: a bureau, or the reporter's receipt key."""

    __tablename__ = "report_key_wraps"
    # A bureau's queue finds the cases it holds without leading them here (admin/queue.py).
    __table_args__ = (
        UniqueConstraint("report_id", "holder"),
        Index("ix_report_key_wraps_bureau_lead_report", "bureau_id", "lead", "report_id"),
    )

    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=random_id
    )
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    holder: Mapped[str] = mapped_column(String(60))
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    # Held by the bureau that leads the case (kept true by intake/reports.py and casework).
    lead: Mapped[bool] = mapped_column(default=False, server_default=false())
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    # A concluded case's bureau copy is sealed once more to its retention period's key, which
    # purge deletes (intake/domain/keys/periods.py).
    retention_key_id: Mapped[int | None] = mapped_column(ForeignKey("retention_keys.id"))

    report: Mapped[Report] = relationship(back_populates="key_wraps")
    retention_key: Mapped[RetentionKey | None] = relationship()


class RetentionKey(Base):
    """A bureau's key pair for one retention period (the month cases were concluded in): the
    private key is sealed to the bureau's key; purge deletes the row once every case concluded
    in that month is due for destruction, and with it every copy of their data keys.

    The row without a bureau is the reporters' pair for the period, its private key in clear:
    against a copy of the database the receipt code still protects the reporter's copy; this
    pair only makes that copy die with the period."""

    __tablename__ = "retention_keys"
    __table_args__ = (UniqueConstraint("period", "bureau_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    wrapped_private: Mapped[bytes] = mapped_column(LargeBinary)


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

    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=random_id
    )
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
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
    if step.ordinal is None:
        step.ordinal = next_ordinal(report.events)


class Message(Base):
    """A message between the bureau and the reporter, sealed with the report's data key.

    A reporter's message carries its date only; a staff message its time and author.
    """

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=random_id
    )
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(10))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    occurred_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    body: Mapped[bytes] = mapped_column(LargeBinary)

    report: Mapped[Report] = relationship(back_populates="messages")


class Note(Base):
    """An internal note on a case, sealed with the report's data key; never shown to reporters."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=random_id
    )
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[bytes] = mapped_column(LargeBinary)

    report: Mapped[Report] = relationship(back_populates="notes")


class SupervisionNote(Base):
    """A supervisor's 督办 note, sealed to the lead bureau's public key: a supervisor needs no
    report key to write it, and only the bureau can read it."""

    __tablename__ = "supervision_notes"

    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=random_id
    )
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    # 督办 asks for an answer by a date; 约谈 and 通报 are recorded on the same row
    # (cases/supervision_answers.py, docs/rules.md §9).
    kind: Mapped[str] = mapped_column(
        String(16), default="supervision", server_default="supervision"
    )
    held_on: Mapped[dt.date | None] = mapped_column(Date)  # the day of a 约谈 or 通报
    answer_due: Mapped[dt.date | None] = mapped_column(Date)
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    answered_by: Mapped[int | None] = mapped_column(Integer)
    #: The bureau's answer, sealed with the case's data key and bound to this note.
    answer: Mapped[bytes | None] = mapped_column(LargeBinary)


class UsedFormToken(Base):
    """Hash of a submitted form's one-time token, so a resubmitted page makes no second report."""

    __tablename__ = "used_form_tokens"
    # No hidden rowid on SQLite counting the submissions.
    __table_args__ = ({"sqlite_with_rowid": False},)

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    used_on: Mapped[dt.date] = mapped_column(Date)

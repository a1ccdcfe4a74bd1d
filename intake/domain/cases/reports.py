"""Submitting a report and opening it again: the heart of the public side.

A report is stored whole or not at all: content, wraps and its first event are added in one
transaction. The receipt code leaves this module only in the returned Receipt; it is never
stored and never logged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto import aead, keywrap, receipts
from crypto.errors import DecryptionError
from intake.config import Settings
from intake.domain import units
from intake.domain.cases import profiles
from intake.domain.cases.content import Contact, ReportContent
from intake.domain.cases.lifecycle import State
from intake.domain.cases.name_index import name_tags
from intake.domain.cases.report_rows import insert_new
from intake.domain.cases.routing import RoutingDecision, route
from intake.domain.cases.taxonomy import Taxonomy
from intake.domain.keys import authentic
from intake.domain.keys.epochs import open_any, reporter_data_key, reporter_wraps
from intake.domain.keys.keyring import (
    bureau_holder,
    bureau_public_key,
    data_key_for_bureau,
    wrap_aad,
)
from intake.domain.models import Bureau, Event, KeyWrap, Report, UsedFormToken
from intake.domain.models.base import Base

#: How a report arrived; after "referred" (上级交办), the other sources staff record, each
#: counted apart in the statistics (docs/rules.md §9).
CHANNELS: tuple[str, ...] = (
    "web", "hotline", "letter", "visit", "email", "referred",
    "reported_up", "dept_referral", "inspection", "check_finding", "online_opinion",
)  # fmt: skip
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class ReportNotFound(LookupError):
    """No report answers to this receipt code."""


class ReportDestroyed(LookupError):
    """The code is right but the case was destroyed under the retention rules."""

    def __init__(self, destroyed_on: dt.date) -> None:
        super().__init__(destroyed_on.isoformat())
        self.destroyed_on = destroyed_on


class UnknownUnit(LookupError):
    """The report names a unit the installation does not hold."""


class InstallationIncomplete(RuntimeError):
    """The intake desk has no key yet (its founder has not enrolled, or `qingfeng bureaus
    setup` was never run), so no report can be taken: nothing is stored."""


class ReportUnreadable(Exception):
    """The data key opened but a ciphertext did not: the row was damaged or tampered with."""


class AlreadySubmitted(Exception):
    """This form was already submitted once (a reload or a double click)."""


@dataclass(frozen=True)
class Submission:
    """A validated report, as the web form or the hotline API hands it over."""

    category: str | None
    official_involved: bool
    content: ReportContent
    contact: Contact | None = None
    channel: str = "web"
    source: str | None = None
    # The unit the report is filed with (its code); None: the home unit.
    unit: str | None = None


@dataclass(frozen=True)
class Receipt:
    """The stored report and its receipt code, which exists nowhere else; the data key, for
    what must be sealed in the same transaction (attachments)."""

    code: str
    report: Report
    data_key: bytes = dataclasses.field(repr=False, default=b"")


@dataclass(frozen=True)
class OpenedReport:
    """A report with its decrypted content, and the data key that opened it."""

    report: Report
    content: ReportContent
    contact: Contact | None
    routing: RoutingDecision
    data_key: bytes = dataclasses.field(repr=False, default=b"")


def submit_report(
    db: Session,
    settings: Settings,
    taxonomy: Taxonomy,
    submission: Submission,
    today: dt.date,
    form_token: str | None = None,
    before_commit: Callable[[Receipt], None] | None = None,
) -> Receipt:
    """Route, seal and store a report in one transaction; return its receipt code.

    `before_commit` may add rows that must be stored with the report or not at all.
    """
    if submission.channel not in CHANNELS:
        raise ValueError(f"unknown channel {submission.channel!r}")
    # The slow key derivation runs before the transaction, so no lock is held during it.
    code = receipts.generate_receipt()
    keys = receipts.derive_receipt_keys(code, settings.receipt_salt, settings.receipt_kdf)
    named = f"{submission.content.institution}\n{submission.content.people}"
    decision = route(taxonomy, submission.category, submission.official_involved, named)
    desk_code = taxonomy.intake_desk.code
    # A report is routed to the bureaus of the unit it is filed with (docs/design.md, "Units").
    unit = units.by_code(db, submission.unit) if submission.unit else units.home(db)
    if unit is None:
        raise UnknownUnit(submission.unit)
    rows = {
        b.code: b
        for b in db.scalars(
            select(Bureau).where(
                Bureau.unit_id == unit.id, Bureau.code.in_({decision.lead, desk_code})
            )
        )
    }
    desk = rows.get(desk_code)
    if desk is None or desk.public_key is None:
        raise InstallationIncomplete(desk_code)
    lead = rows.get(decision.lead)
    if lead is None or lead.public_key is None:
        # The bureau has no key yet (its founder has not enrolled): the intake desk holds the
        # report and transfers it once the bureau is ready. The routing keeps where it belongs.
        decision = decision.lead_not_ready()
        lead = desk
    bureaus = {b.code: b for b in (lead, desk)}
    # Checked before anything is built: a key whose MAC fails (KeyNotAuthentic) is never
    # sealed to, and the report is not taken (docs/design.md, "Bureau keys").
    publics = {code: bureau_public_key(b, settings.secret_key) for code, b in bureaus.items()}

    report_id = str(uuid.uuid4())
    data_key = aead.new_data_key()
    chosen = profiles.profile(
        profiles.choose(
            taxonomy, submission.category, submission.channel, submission.official_involved
        ),
        taxonomy,
        settings,
    )
    report = Report(
        id=report_id,
        reference=_unused_reference(db),
        lookup_tag=keys.lookup_tag,
        channel=submission.channel,
        source=submission.source,
        category=submission.category if taxonomy.category(submission.category or "") else "other",
        state=State.RECEIVED,
        received_on=today,
        decision_due=profiles.decision_due(chosen, settings, today),
        deadline_profile=chosen.code,
        lead_bureau=lead,
        routing=decision.to_dict(),
        official_involved=submission.official_involved,
        real_name=submission.contact is not None,
        content=aead.seal(data_key, submission.content.to_bytes(), field_aad(report_id, "content")),
        contact=(
            aead.seal(data_key, submission.contact.to_bytes(), field_aad(report_id, "contact"))
            if submission.contact
            else None
        ),
    )
    report.reporter_public_key, wraps = reporter_wraps(report_id, keys.reporter_key, data_key)
    report.reporter_public_key_mac = authentic.key_mac(
        settings.secret_key, authentic.REPORTER, report_id, report.reporter_public_key
    )
    report.key_wraps.extend(wraps)
    for bureau in bureaus.values():
        holder = bureau_holder(bureau.code)
        report.key_wraps.append(
            KeyWrap(
                holder=holder,
                bureau_id=bureau.id,
                lead=bureau.code == lead.code,
                wrapped=keywrap.seal_to(
                    publics[bureau.code], data_key, wrap_aad(report_id, holder)
                ),
            )
        )
    report.events.append(
        Event(
            kind="received",
            occurred_on=today,
            bureau=lead.code,
            detail={"routing": decision.to_dict()},
        )
    )
    new_rows: list[Base] = [report, *name_tags(settings.index_key, report, submission.content)]
    if form_token is not None:
        # A form's CSRF token expires within hours; older one-time tokens need not be kept.
        db.execute(
            delete(UsedFormToken).where(UsedFormToken.used_on < today - dt.timedelta(days=2))
        )
        new_rows.append(UsedFormToken(token_hash=form_token_hash(form_token), used_on=today))
    receipt = Receipt(code=code, report=report, data_key=data_key)
    try:
        # One Core INSERT per table instead of the unit of work (report_rows.py); the same
        # rows, in the same transaction, committed once.
        insert_new(db, new_rows)
        if before_commit is not None:
            before_commit(receipt)
        db.commit()
    except IntegrityError:
        db.rollback()
        # Two copies of one form raced (a double click); the other one stored the report.
        if form_token is not None and form_token_used(db, form_token):
            raise AlreadySubmitted from None
        raise
    return receipt


def remember_form_token(db: Session, form_token: str, today: dt.date) -> None:
    """Record one more one-time token of a form being stored (only its hash, and only the day).

    A Core insert, like the report's rows (report_rows.py): a token already used raises
    IntegrityError here, in the caller's transaction.
    """
    db.execute(
        insert(cast(Table, UsedFormToken.__table__)),
        [{"token_hash": form_token_hash(form_token), "used_on": today}],
    )


def form_token_used(db: Session, form_token: str) -> bool:
    """Whether a form with this one-time token was already stored."""
    return db.get(UsedFormToken, form_token_hash(form_token)) is not None


def form_token_hash(form_token: str) -> bytes:
    """Hash of a form token; the token itself has 128 random bits, so a plain hash suffices."""
    return hashlib.sha256(form_token.encode("utf-8")).digest()


def open_with_receipt(db: Session, settings: Settings, code: str) -> OpenedReport:
    """Find and decrypt a report with its receipt code.

    The code must already be normalised (crypto.receipts.normalise_receipt).
    """
    keys = receipts.derive_receipt_keys(code, settings.receipt_salt, settings.receipt_kdf)
    report = db.scalars(select(Report).where(Report.lookup_tag == keys.lookup_tag)).first()
    if report is None:
        raise ReportNotFound
    if report.destroyed_on is not None:
        raise ReportDestroyed(report.destroyed_on)
    try:
        data_key = reporter_data_key(report, keys.reporter_key)
    except (KeyError, DecryptionError) as exc:
        raise ReportNotFound from exc
    return open_with_key(report, data_key)


def open_for_bureau(report: Report, code: str, bureau_private: bytes) -> OpenedReport:
    """Decrypt a report with the private key of a bureau that holds it."""
    return open_with_key(report, data_key_for_bureau(report, code, bureau_private))


def field_aad(report_id: str, field: str) -> bytes:
    """Associated data binding a ciphertext to its report and field."""
    return aead.associated_data("report", report_id, field)


def open_with_key(report: Report, data_key: bytes) -> OpenedReport:
    """Decrypt a report with its data key, however the caller unwrapped it."""
    try:
        # Content and contact are sealed at submission, under the case's first key.
        content = ReportContent.from_bytes(
            open_any(report, data_key, report.content, field_aad(report.id, "content"))
        )
        contact = (
            Contact.from_bytes(
                open_any(report, data_key, report.contact, field_aad(report.id, "contact"))
            )
            if report.contact is not None
            else None
        )
    except DecryptionError as exc:
        raise ReportUnreadable(report.reference) from exc
    return OpenedReport(
        report, content, contact, RoutingDecision.from_dict(report.routing), data_key
    )


def _new_reference() -> str:
    """A short case reference for staff and letters; random, so it says nothing about order."""
    return "QF-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def _unused_reference(db: Session) -> str:
    """A reference no case has. Eight characters of 31 are about 8.5 × 10¹¹: a province's
    million cases make a draw already taken about one in 850,000, which over a million
    submissions is likely to happen once; taken, it would fail the whole report."""
    while True:
        reference = _new_reference()
        if db.scalar(select(Report.id).where(Report.reference == reference)) is None:
            return reference

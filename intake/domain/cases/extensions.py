"""Extension (延期) of the conclusion deadline: asked for by one member with a reason, approved
by another who may approve (负责人), as 《信访工作条例》 has it — approved by the head, the
reason told to the person (docs/rules.md §4).

Two people, as for a reward (cases/rewards.py): the member who asks cannot approve their own
request, and only an approved extension moves the deadline, by the days of the case's deadline
profile (cases/profiles.py). The reason is sealed with the case's data key: staff read it on
the case page, and the reporter reads it on /status once approved, as written and without
anyone's name. Both steps are events on the case's timeline and audited by the console.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import object_session

from crypto import aead
from crypto.errors import DecryptionError
from intake.config import Settings
from intake.domain.cases import profiles
from intake.domain.cases.casework import TEXT_LIMIT, Actor, CaseworkError, staff_step
from intake.domain.cases.lifecycle import next_state
from intake.domain.cases.reports import ReportUnreadable, field_aad
from intake.domain.keys import epochs
from intake.domain.models import Report, StaffMember
from intake.domain.wording import _l

_FIELD = "extension_reason"


@dataclass(frozen=True)
class Pending:
    """A request waiting for approval, as the case page shows it to staff."""

    requested_on: dt.date
    requested_by: int | None
    reason: str


@dataclass(frozen=True)
class Told:
    """An approved extension, as the reporter reads it: the new date and the reason."""

    approved_on: dt.date
    until: dt.date
    reason: str


def request(report: Report, data_key: bytes, actor: Actor, reason: str) -> None:
    """Ask for the one extension a case may have, with the reason the reporter will read."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseworkError(_l("Please fill this in."))
    if len(reason) > TEXT_LIMIT:
        raise CaseworkError(_l("At most %(max)d characters, please.", max=TEXT_LIMIT))
    next_state("extend", report.state)
    if report.extended or report.conclusion_due is None:
        raise CaseworkError(_l("The deadline can be extended only once, after acceptance."))
    if report.extension_requested_on is not None:
        raise CaseworkError(_l("An extension was already asked for; it awaits approval."))
    report.extension_reason = aead.seal(
        data_key, reason.encode("utf-8"), field_aad(report.id, _FIELD)
    )
    report.extension_requested_on = actor.today
    report.extension_requested_by = actor.staff.id
    staff_step(report, actor, "extension_requested")


def may_approve(report: Report, member: StaffMember) -> bool:
    """Whether `member` may approve the pending request: a 负责人 who did not ask for it."""
    return (
        member.may_approve
        and report.extension_requested_on is not None
        and report.extension_approved_on is None
        and report.extension_requested_by != member.id
    )


def approve(report: Report, actor: Actor, settings: Settings) -> None:
    """Approve the pending request: the conclusion deadline moves by the profile's extension."""
    next_state("extend", report.state)
    if report.extension_requested_on is None or report.extension_approved_on is not None:
        raise CaseworkError(_l("No extension awaits approval."))
    if report.extension_requested_by == actor.staff.id:
        raise CaseworkError(_l("Another member must approve the extension you asked for."))
    if not actor.staff.may_approve:
        raise CaseworkError(_l("Only a member who may approve (负责人) can approve an extension."))
    report.conclusion_due = profiles.extended_due(report, settings)
    report.extended = True
    report.extension_approved_on = actor.today
    report.extension_approved_by = actor.staff.id
    staff_step(report, actor, "extended", until=report.conclusion_due.isoformat())


def pending(report: Report, data_key: bytes) -> Pending | None:
    """The request awaiting approval, with its reason, or None."""
    if report.extension_requested_on is None or report.extension_approved_on is not None:
        return None
    return Pending(
        report.extension_requested_on, report.extension_requested_by, _reason(report, data_key)
    )


def told(report: Report, data_key: bytes) -> Told | None:
    """The approved extension the reporter reads on /status, or None."""
    if report.extension_approved_on is None or report.conclusion_due is None:
        return None
    return Told(report.extension_approved_on, report.conclusion_due, _reason(report, data_key))


def _reason(report: Report, data_key: bytes) -> str:
    if report.extension_reason is None:
        return ""
    try:
        return epochs.open_any(
            report, data_key, report.extension_reason, field_aad(report.id, _FIELD)
        ).decode("utf-8")
    except DecryptionError as exc:
        raise ReportUnreadable(report.reference) from exc


@dataclass(frozen=True)
class PagePart:
    """The extension as the case page shows it to a member of the case's bureaus."""

    pending: Pending | None
    requested_by: str | None
    approved: Told | None
    may_approve: bool


def page_part(report: Report, data_key: bytes, member: StaffMember) -> PagePart:
    """What the case page shows of the extension, and whether `member` may approve it."""
    waiting = pending(report, data_key)
    asker = None
    session = object_session(report)
    if waiting is not None and waiting.requested_by is not None and session is not None:
        row = session.get(StaffMember, waiting.requested_by)
        asker = row.username if row is not None else None
    return PagePart(waiting, asker, told(report, data_key), may_approve(report, member))

"""A case opened once with a bureau's key: everything the case page shows, decrypted together.

The page renders this object and opens nothing itself; the reporter's status page never gets
one (it holds internal notes and 督办 notes).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from intake.domain.cases import casework
from intake.domain.cases.casework import RewardClaim, ShownMessage
from intake.domain.cases.content import Contact, ReportContent
from intake.domain.cases.reports import open_with_key
from intake.domain.cases.routing import RoutingDecision
from intake.domain.evidence import attachments
from intake.domain.models import Attachment, Note, Report, SupervisionNote


@dataclass(frozen=True)
class OpenedCase:
    """A case as a member of a bureau that holds it reads it."""

    report: Report
    content: ReportContent
    contact: Contact | None
    routing: RoutingDecision
    messages: list[ShownMessage]
    notes: list[tuple[Note, str | None]]
    #: 督办 notes: only when opened with the lead bureau's key, which they are sealed to.
    supervision: list[tuple[SupervisionNote, str]]
    files: list[tuple[Attachment, str]]
    #: The reason for not accepting, or the outcome, as the reporter reads it.
    public_reason: str | None
    claim: RewardClaim | None
    data_key: bytes = dataclasses.field(repr=False, default=b"")


def open_case(report: Report, data_key: bytes, lead_private: bytes | None) -> OpenedCase:
    """Decrypt everything of a case with its data key (and the lead bureau's key, if held)."""
    report_part = open_with_key(report, data_key)
    return OpenedCase(
        report=report,
        content=report_part.content,
        contact=report_part.contact,
        routing=report_part.routing,
        messages=casework.messages(report, data_key),
        notes=casework.notes(report, data_key),
        supervision=(
            casework.supervision_notes(report, report.lead_bureau, lead_private)
            if lead_private is not None
            else []
        ),
        files=[(a, attachments.name_of(a, report, data_key)) for a in report.attachments],
        public_reason=casework.public_reason(report, data_key),
        claim=casework.reward_claim(report, data_key),
        data_key=data_key,
    )

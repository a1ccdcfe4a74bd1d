"""Documents (文书) a bureau issues on a case (docs/rules.md §10): which kinds exist, when a
case allows each, and issuing one under the bureau's next number (文号) of the year.

A document keeps no text: its words are drawn from the case each time it is opened
(cases/document_text.py), so what it says is what the case says. The one thing a member types
for a document, where a refused reporter should go instead, is sealed with the case's data
key like every other text about a case. Issuing is a step on the case's timeline; the console
audits it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto import aead
from crypto.errors import DecryptionError
from intake.domain.cases.casework import Actor, CaseworkError, staff_step
from intake.domain.cases.lifecycle import State
from intake.domain.cases.reports import ReportUnreadable, field_aad
from intake.domain.cases.taxonomy import Taxonomy
from intake.domain.keys import epochs
from intake.domain.models import Bureau, CaseDocument, DocumentNumber, Report
from intake.domain.wording import _l

_HANDLED = frozenset(
    {State.ACCEPTED, State.IN_PROGRESS, State.TRANSFERRED, State.UNDER_REVIEW, State.HANDED_OVER}
)
_RUNNING = _HANDLED | {State.RECEIVED}
#: How often a number is drawn again when another member made the year's counter first.
_TRIES = 3


@dataclass(frozen=True)
class Kind:
    """One kind of document: its code, its title, the states that allow it and the facts of
    the case it cannot do without (attributes of the case that must be set)."""

    code: str
    title: str
    states: frozenset[str]
    facts: tuple[str, ...]
    #: The member types where the reporter should go instead (不予受理 only).
    asks_where: bool = False
    #: Issued by the campaign office (the intake desk's numbers) to the lead bureau, from
    #: metadata alone: a supervisor holds no case key (督办函).
    by_office: bool = False


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("acceptance", "受理告知书", _HANDLED | {State.CONCLUDED},
             ("accepted_on", "conclusion_due")),
        Kind("refusal", "不予受理告知书", frozenset({State.NOT_ACCEPTED}),
             ("public_reason",), asks_where=True),
        Kind("extension", "延期告知书", _HANDLED | {State.CONCLUDED},
             ("extension_approved_on", "extension_reason", "conclusion_due")),
        Kind("reply", "答复意见书", frozenset({State.CONCLUDED}),
             ("concluded_on", "finding", "public_reason")),
        Kind("conclusion_report", "办结报告", frozenset({State.CONCLUDED}),
             ("concluded_on", "finding")),
        Kind("hand_over", "移送函", frozenset({State.HANDED_OVER, State.CONCLUDED}),
             ("handed_over_to",)),
        Kind("supervision", "督办函", _RUNNING, ("decision_due",), by_office=True),
    )
}  # fmt: skip
#: The notices a reporter receives (告知书 and 答复意见书): for a real-name reporter, what
#: the record of feedback points to.
NOTICES = ("acceptance", "refusal", "extension", "reply")
WHERE_LIMIT = 500
_FIELD = "document_where"


def allowed(report: Report, by_office: bool = False) -> list[Kind]:
    """The kinds of document the case allows now, in the order of the registry: the lead
    bureau's, or with `by_office` the campaign office's."""
    return [
        kind
        for kind in KINDS.values()
        if kind.by_office == by_office
        and report.state in kind.states
        and report.destroyed_on is None
        and all(getattr(report, fact) is not None for fact in kind.facts)
    ]


def number_prefix(taxonomy: Taxonomy, bureau_code: str) -> str:
    """What a bureau's document numbers start with: its short name, else its full name."""
    bureau = taxonomy.bureau(bureau_code)
    return bureau.short or bureau.name_zh


def next_number(session: Session, bureau_id: int, year: int) -> int:
    """The bureau's next number in `year`, counted in the database.

    The UPDATE raises the counter in place and holds its row until the transaction ends, so
    two members issuing at once get different numbers; the first document of a year makes
    the row, and a member who loses that race raises the row the other made.
    """
    where = (DocumentNumber.bureau_id == bureau_id, DocumentNumber.year == year)
    for _attempt in range(_TRIES):
        raised = session.execute(
            update(DocumentNumber).where(*where).values(last=DocumentNumber.last + 1)
        )
        if raised.rowcount:  # type: ignore[attr-defined]
            return session.scalars(select(DocumentNumber.last).where(*where)).one()
        try:
            with session.begin_nested():
                session.add(DocumentNumber(bureau_id=bureau_id, year=year, last=1))
            return 1
        except IntegrityError:
            continue
    raise CaseworkError(_l("The document could not be numbered; please try again."))


def issue(
    session: Session,
    report: Report,
    data_key: bytes,
    actor: Actor,
    taxonomy: Taxonomy,
    code: str,
    where: str = "",
    by_office: bool = False,
) -> CaseDocument:
    """Issue a document of kind `code` with its next number, in the lead bureau's name or,
    `by_office`, the campaign office's."""
    kind = KINDS.get(code)
    if kind is None or kind not in allowed(report, by_office):
        raise CaseworkError(_l("This document cannot be issued while the case is as it is."))
    where = (where or "").strip()
    if kind.asks_where and not where:
        raise CaseworkError(_l("Say where the reporter can turn instead."))
    if len(where) > WHERE_LIMIT:
        raise CaseworkError(_l("At most %(max)d characters, please.", max=WHERE_LIMIT))
    bureau = report.lead_bureau
    if kind.by_office:
        bureau = session.scalars(
            select(Bureau).where(
                Bureau.code == taxonomy.intake_desk.code,
                Bureau.unit_id == report.lead_bureau.unit_id,  # the case's own county
            )
        ).one()
    year = actor.today.year
    number = next_number(session, bureau.id, year)
    reference = f"{number_prefix(taxonomy, bureau.code)}〔{year}〕第{number}号"
    document = CaseDocument(
        report_id=report.id,
        bureau_id=bureau.id,
        kind=kind.code,
        year=year,
        number=number,
        reference=reference,
        issued_on=actor.today,
        issued_by=actor.staff.id,
        due_on=report.decision_due if report.accepted_on is None else report.conclusion_due,
    )
    session.add(document)
    session.flush()  # the id binds the sealed text to this document
    if kind.asks_where:
        document.sealed_text = aead.seal(
            data_key, where.encode("utf-8"), field_aad(report.id, _aad_field(document))
        )
    if kind.code == "hand_over" and not report.hand_over_letter:
        # The 移送函 is the hand-over's letter: its number and date go on the hand-over
        # unless the member recorded a letter of their own when handing over.
        report.hand_over_letter, report.hand_over_letter_on = reference, actor.today
    staff_step(
        report, actor, "document_issued", value=kind.code, bureau=bureau.code, number=reference
    )
    return document


def where_instead(document: CaseDocument, report: Report, data_key: bytes) -> str:
    """Where a refused reporter can turn instead, as the member wrote it ("" if not asked)."""
    if document.sealed_text is None:
        return ""
    try:
        return epochs.open_any(
            report, data_key, document.sealed_text, field_aad(report.id, _aad_field(document))
        ).decode("utf-8")
    except DecryptionError as exc:
        raise ReportUnreadable(report.reference) from exc


def issued(session: Session, report: Report) -> list[CaseDocument]:
    """The documents issued on a case, oldest first."""
    return list(
        session.scalars(
            select(CaseDocument)
            .where(CaseDocument.report_id == report.id)
            .order_by(CaseDocument.issued_on, CaseDocument.year, CaseDocument.number)
        )
    )


def _aad_field(document: CaseDocument) -> str:
    # Bound to the document's row: a sealed text copied onto another document does not open.
    return f"{_FIELD}:{document.id}"


def chinese_date(day: dt.date) -> str:
    """A date as documents print it: 2026年12月3日."""
    return f"{day.year}年{day.month}月{day.day}日"

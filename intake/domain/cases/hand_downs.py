"""Cases handed down by a higher office (上级交办, docs/rules.md §9).

An order carries its number (交办文号), the office that issued it (交办机关), the day it arrived
and the deadline that office set; one order may name several cases, a case belongs to one
order at most. Linking a case to its order sets the case's conclusion deadline to the order's
(deadlines.override), so the order's date, not the case's profile, is what the case works
towards. The bureau sends back progress reports and one completion report (办结报告), each
recorded with its date, the number of the document that carried it and its text, sealed with
the case's data key like every word staff write about a case. The completion report may point
to the 办结报告 issued on the case (cases/documents.py), whose number it then carries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, object_session

from crypto import aead
from crypto.errors import DecryptionError
from intake.domain.cases import deadlines
from intake.domain.cases.casework import TEXT_LIMIT, Actor, CaseworkError, staff_step
from intake.domain.cases.lifecycle import State
from intake.domain.cases.reports import ReportUnreadable, field_aad
from intake.domain.keys import epochs
from intake.domain.models import CaseDocument, HandDown, HandDownCase, HandDownProgress, Report
from intake.domain.models.base import random_id
from intake.domain.wording import _l

NUMBER_LIMIT = 60
ISSUER_LIMIT = 100
PROGRESS = "progress"
COMPLETION = "completion"
#: What a bureau sends back to the office that handed a case down.
REPORT_KINDS = (PROGRESS, COMPLETION)
_NOTE = "hand_down_note"
_SENT = "hand_down_progress"


@dataclass(frozen=True)
class Order:
    """A 交办 order as staff type it."""

    number: str
    issuer: str
    received_on: dt.date
    due: dt.date


def basis(order: HandDown | Order) -> str:
    """The order as a deadline's basis reads it: the issuer, then its number."""
    return f"{order.issuer} {order.number}"


def link_of(report: Report) -> HandDownCase | None:
    """The case's link to its 交办 order, or None when it was not handed down."""
    session = object_session(report)
    if session is None:
        return None
    return session.scalars(
        select(HandDownCase).where(HandDownCase.report_id == report.id)
    ).one_or_none()


def record(
    session: Session, report: Report, data_key: bytes, actor: Actor, order: Order, note: str
) -> HandDown:
    """Record `report` as handed down by `order`: linked to the order (recorded once, by
    issuer and number) and due by the order's deadline."""
    note = (note or "").strip()
    if len(note) > TEXT_LIMIT:
        raise CaseworkError(_l("At most %(max)d characters, please.", max=TEXT_LIMIT))
    if report.state in (State.CONCLUDED, State.NOT_ACCEPTED):
        raise CaseworkError(_l("A concluded or refused case cannot be recorded as handed down."))
    if link_of(report) is not None:
        raise CaseworkError(_l("This case is already recorded as handed down."))
    found = check(session, order, actor.today)
    number, issuer = order.number.strip(), order.issuer.strip()
    hand_down = found or HandDown(
        number=number, issuer=issuer, received_on=order.received_on, due=order.due
    )
    session.add(hand_down)
    link = HandDownCase(report_id=report.id, linked_on=actor.today)
    if note:
        link.note = aead.seal(data_key, note.encode("utf-8"), field_aad(report.id, _NOTE))
    hand_down.cases.append(link)
    deadlines.override(report, hand_down.due, basis(hand_down))
    staff_step(report, actor, "handed_down", number=number, due=hand_down.due.isoformat())
    return hand_down


def check(session: Session, order: Order, today: dt.date) -> HandDown | None:
    """Refuse an order that cannot be recorded; return it when it already is (one order may
    hand down several cases)."""
    number, issuer = order.number.strip(), order.issuer.strip()
    if not number or not issuer:
        raise CaseworkError(_l("Please fill this in."))
    if len(number) > NUMBER_LIMIT or len(issuer) > ISSUER_LIMIT:
        raise CaseworkError(_l("At most %(max)d characters, please.", max=NUMBER_LIMIT))
    if order.due < order.received_on:
        raise CaseworkError(_l("The deadline cannot be before the order was received."))
    if order.received_on > today:
        raise CaseworkError(_l("The date received cannot be in the future."))
    found = session.scalars(
        select(HandDown).where(HandDown.issuer == issuer, HandDown.number == number)
    ).one_or_none()
    if found is not None and found.due != order.due:
        # Two deadlines for one order would be a typing mistake on one of them.
        due = found.due.isoformat()
        raise CaseworkError(
            _l("Order %(number)s is recorded with the deadline %(due)s.", number=number, due=due)
        )
    return found


def send_back(
    report: Report,
    data_key: bytes,
    actor: Actor,
    kind: str,
    sent_on: dt.date,
    document_number: str,
    text: str,
    document_id: int | None = None,
) -> HandDownProgress:
    """Record a progress report or the completion report (办结报告) sent to the issuer; a
    completion report may point to the 办结报告 issued on the case (`document_id`)."""
    text, document_number = (text or "").strip(), (document_number or "").strip()
    if kind not in REPORT_KINDS:
        raise CaseworkError(_l("Please choose one."))
    if not text:
        raise CaseworkError(_l("Please fill this in."))
    if len(text) > TEXT_LIMIT or len(document_number) > NUMBER_LIMIT:
        raise CaseworkError(_l("At most %(max)d characters, please.", max=TEXT_LIMIT))
    if sent_on > actor.today:
        raise CaseworkError(_l("The date sent cannot be in the future."))
    session = object_session(report)
    if link_of(report) is None or session is None:
        raise CaseworkError(_l("This case was not handed down by a higher office."))
    if kind == COMPLETION:
        if report.state != State.CONCLUDED:
            raise CaseworkError(_l("The completion report (办结报告) follows the conclusion."))
        if completed_on(report) is not None:
            raise CaseworkError(_l("The completion report (办结报告) was already recorded."))
    document = _carrier(report, kind, sent_on, document_number, document_id)
    if document is not None:
        document_number = document.reference
    row_id = random_id()
    row = HandDownProgress(
        id=row_id,
        report_id=report.id,
        kind=kind,
        sent_on=sent_on,
        document_number=document_number or None,
        staff_id=actor.staff.id,
        text=aead.seal(data_key, text.encode("utf-8"), _sent_aad(report, row_id)),
        document=document,
    )
    session.add(row)
    step = "hand_down_completed" if kind == COMPLETION else "hand_down_progress"
    staff_step(report, actor, step, sent_on=sent_on.isoformat())
    return row


def reports_issued(report: Report) -> list[CaseDocument]:
    """The 办结报告 documents issued on the case, which a completion report may point to."""
    session = object_session(report)
    if session is None:
        return []
    return list(
        session.scalars(
            select(CaseDocument)
            .where(CaseDocument.report_id == report.id, CaseDocument.kind == "conclusion_report")
            .order_by(CaseDocument.issued_on, CaseDocument.number)
        )
    )


def _carrier(
    report: Report, kind: str, sent_on: dt.date, number: str, document_id: int | None
) -> CaseDocument | None:
    if document_id is None:
        return None
    document = next((d for d in reports_issued(report) if d.id == document_id), None)
    if kind != COMPLETION or document is None:
        raise CaseworkError(_l("Only the completion report points to a 办结报告 of this case."))
    if number and number != document.reference:
        raise CaseworkError(_l("The number typed is not the number of the 办结报告 chosen."))
    if document.issued_on > sent_on:
        raise CaseworkError(_l("The 办结报告 was issued after the day it was sent."))
    return document


def completed_on(report: Report) -> dt.date | None:
    """The day the completion report (办结报告) was sent, or None."""
    session = object_session(report)
    if session is None:
        return None
    return session.scalar(
        select(HandDownProgress.sent_on).where(
            HandDownProgress.report_id == report.id, HandDownProgress.kind == COMPLETION
        )
    )


@dataclass(frozen=True)
class PagePart:
    """The 交办 order of a case and what was sent back, as the case page shows them."""

    order: HandDown | None
    note: str
    sent: list[tuple[HandDownProgress, str]]


def page_part(report: Report, data_key: bytes) -> PagePart:
    """What the case page shows of the case's 交办 order (an empty part when it has none)."""
    link, session = link_of(report), object_session(report)
    if link is None or session is None:
        return PagePart(None, "", [])
    note = _open(report, data_key, link.note, field_aad(report.id, _NOTE)) if link.note else ""
    rows = session.scalars(
        select(HandDownProgress)
        .where(HandDownProgress.report_id == report.id)
        .order_by(HandDownProgress.sent_on, HandDownProgress.kind.desc())
    ).all()
    sent = [(r, _open(report, data_key, r.text, _sent_aad(report, r.id))) for r in rows]
    return PagePart(link.hand_down, note, sent)


def shred(session: Session, report: Report) -> None:
    """Delete what staff wrote about a destroyed case's order and the reports sent back
    (oversight/retention.py); the order, the link and the dates stay, as metadata do."""
    session.execute(
        update(HandDownCase).where(HandDownCase.report_id == report.id).values(note=None)
    )
    session.execute(
        update(HandDownProgress).where(HandDownProgress.report_id == report.id).values(text=b"")
    )


def _sent_aad(report: Report, row_id: int) -> bytes:
    # Bound to its row too: a report's text copied onto another row does not open.
    return field_aad(report.id, f"{_SENT}:{row_id}")


def _open(report: Report, data_key: bytes, blob: bytes, aad: bytes) -> str:
    try:
        return epochs.open_any(report, data_key, blob, aad).decode("utf-8")
    except DecryptionError as exc:
        raise ReportUnreadable(report.reference) from exc

"""督办 with an answer, and 约谈 and 通报 as supervision events (docs/rules.md §9).

A supervisor's 督办 note may ask for the bureau's answer by a date; the lead bureau records its
answer on the case, sealed with the case's data key (the supervisor, who holds no key, sees
only that and when it was answered). Notes asking for an answer that has not come are listed
on the supervisors' board, late ones first. A 约谈 (talk with the bureau's people) or a 通报
(a circular naming the case) is recorded as a supervision note of its kind, with its date and
a note sealed to the lead bureau like any 督办 note (casework.supervise).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from crypto import aead
from crypto.errors import DecryptionError
from intake.domain.cases import casework
from intake.domain.cases.casework import TEXT_LIMIT, Actor, CaseworkError, staff_step
from intake.domain.cases.reports import ReportUnreadable, field_aad
from intake.domain.keys import epochs
from intake.domain.models import Report, SupervisionNote
from intake.domain.wording import _l

SUPERVISION = "supervision"
INTERVIEW = "interview"  # 约谈
CIRCULAR = "circular"  # 通报
#: The supervision events a supervisor records besides a 督办 note.
EVENT_KINDS = (INTERVIEW, CIRCULAR)


def record_event(report: Report, actor: Actor, kind: str, held_on: dt.date, text: str) -> None:
    """Record a 约谈 or 通报 about the case, held on `held_on`."""
    if kind not in EVENT_KINDS:
        raise CaseworkError(_l("Please choose one."))
    if held_on > actor.today:
        raise CaseworkError(_l("The date cannot be in the future."))
    casework.supervise(report, actor, text, kind=kind, held_on=held_on)


def answer(report: Report, data_key: bytes, actor: Actor, note_id: int, text: str) -> None:
    """Record the lead bureau's answer to the 督办 note `note_id` of the case."""
    note = next(
        (n for n in report.supervision_notes if n.id == note_id and n.kind == SUPERVISION), None
    )
    if note is None:
        raise CaseworkError(_l("No supervision note (督办) of this case has that number."))
    if note.answered_on is not None:
        raise CaseworkError(_l("This supervision note (督办) was already answered."))
    text = (text or "").strip()
    if not text:
        raise CaseworkError(_l("Please fill this in."))
    if len(text) > TEXT_LIMIT:
        raise CaseworkError(_l("At most %(max)d characters, please.", max=TEXT_LIMIT))
    note.answer = aead.seal(data_key, text.encode("utf-8"), _aad(report, note))
    note.answered_on = actor.today
    note.answered_by = actor.staff.id
    staff_step(report, actor, "supervision_answered", late=_late(note))


def answers(report: Report, data_key: bytes) -> dict[int, str]:
    """The bureau's answers on the case, by note."""
    out = {}
    for note in report.supervision_notes:
        if note.answer is None:
            continue
        try:
            plain = epochs.open_any(report, data_key, note.answer, _aad(report, note))
        except DecryptionError as exc:
            raise ReportUnreadable(report.reference) from exc
        out[note.id] = plain.decode("utf-8")
    return out


@dataclass(frozen=True)
class Awaited:
    """A 督办 note whose answer is awaited, as the supervisors' board lists it."""

    reference: str
    bureau: str
    written_on: dt.date
    answer_due: dt.date
    late: bool


def _awaiting(bureau_ids: Collection[int]) -> tuple[ColumnElement[bool], ...]:
    return (
        SupervisionNote.kind == SUPERVISION,
        SupervisionNote.answer_due.is_not(None),
        SupervisionNote.answered_on.is_(None),
        Report.destroyed_on.is_(None),
        Report.lead_bureau_id.in_(bureau_ids),
    )


def awaited(
    session: Session, today: dt.date, bureau_ids: Collection[int], limit: int | None = None
) -> list[Awaited]:
    """督办 notes asking for an answer that has not come, the latest deadline last, on cases
    led by `bureau_ids` (one unit's bureaus, on a board above a county); the first `limit`,
    if given."""
    rows = session.execute(
        select(SupervisionNote, Report)
        .join(Report, Report.id == SupervisionNote.report_id)
        .where(*_awaiting(bureau_ids))
        .order_by(SupervisionNote.answer_due, Report.reference)
        .limit(limit)
    ).all()
    return [
        Awaited(
            report.reference,
            report.lead_bureau.code,
            note.occurred_at.date(),
            note.answer_due,
            note.answer_due < today,
        )
        for note, report in rows
        if note.answer_due is not None
    ]


def awaited_by_bureau(session: Session, bureau_ids: Collection[int]) -> dict[int, int]:
    """How many 督办 notes await an answer per lead bureau of `bureau_ids`, counted in the
    database (a province's board reads no note); bureaus with none are left out."""
    return {
        bureau_id: count
        for bureau_id, count in session.execute(
            select(Report.lead_bureau_id, func.count())
            .select_from(SupervisionNote)
            .join(Report, Report.id == SupervisionNote.report_id)
            .where(*_awaiting(bureau_ids))
            .group_by(Report.lead_bureau_id)
        )
    }


def answered(
    session: Session, bureau_ids: Collection[int], limit: int = 50
) -> list[tuple[SupervisionNote, Report]]:
    """The latest answered 督办 notes on cases led by `bureau_ids`: when asked, by when, and
    when the bureau answered."""
    return [
        (note, report)
        for note, report in session.execute(
            select(SupervisionNote, Report)
            .join(Report, Report.id == SupervisionNote.report_id)
            .where(
                SupervisionNote.answered_on.is_not(None),
                Report.lead_bureau_id.in_(bureau_ids),
            )
            .order_by(SupervisionNote.answered_on.desc(), Report.reference)
            .limit(limit)
        ).all()
    ]


def _late(note: SupervisionNote) -> bool:
    return (
        note.answer_due is not None
        and note.answered_on is not None
        and note.answered_on > note.answer_due
    )


def _aad(report: Report, note: SupervisionNote) -> bytes:
    # Bound to its note: an answer copied onto another note of the case does not open.
    return field_aad(report.id, f"supervision_answer:{note.id}")

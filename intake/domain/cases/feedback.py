"""Feedback to real-name (实名) reporters (docs/rules.md §8, "Real-name duties").

A reporter who gave a name and contact (Report.real_name) is owed two answers beyond /status:
a notice whether the report was accepted, and the result once the case is concluded. The
rules differ by kind of case, so the limits follow the case's deadline profile
(cases/profiles.py): LIMITS names, for each profile, when the notice is due, when the result
is due, how the days count, and the rule behind them. An anonymous report, and a repeat
(重复件, which the rule exempts from the notice), owes no notice; an anonymous one no result.

Each feedback is recorded: its kind (notice, result, or a return visit — 回访 — that asks how
satisfied the reporter is), the day and the way it was given, what the reporter thought of it
and any objection. Their words are sealed with the case's data key, bound to the row; the
rest is metadata for the deadlines, the overdue board and the 统计表. A notice or a result
given in writing may point to the document issued for it on the case (受理告知书 or 不予受理告知书
for the notice, 答复意见书 for the result: DOCUMENTS), so the record shows what was sent. An
objection that
brings new evidence reopens the concluded case for checking through the lifecycle's
`reopen` (casework.reopen), with the objection as the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from crypto import aead
from crypto.errors import DecryptionError
from intake.config import Settings
from intake.domain.cases import casework, profiles
from intake.domain.cases.casework import TEXT_LIMIT, Actor, CaseworkError, staff_step
from intake.domain.cases.deadlines import Clock, calendar_for
from intake.domain.cases.lifecycle import State
from intake.domain.cases.reports import ReportUnreadable, field_aad
from intake.domain.keys import epochs
from intake.domain.models import CaseDocument, Report, ReporterFeedback
from intake.domain.models.base import random_id
from intake.domain.wording import _l

KINDS = ("notice", "result", "visit")
WAYS = ("phone", "in_person", "letter", "status_page")
SATISFACTION = ("satisfied", "basically", "dissatisfied")
#: The step on the case's timeline (EVENT_NAMES) and what the 统计表 counts.
EVENT = "feedback_given"
#: A feedback limit `qingfeng tick` found passed (once per kind and date).
OVERDUE_EVENT = "feedback_overdue"
#: The documents (cases/documents.py) that may carry each kind of feedback.
DOCUMENTS: dict[str, tuple[str, ...]] = {
    "notice": ("acceptance", "refusal"),
    "result": ("reply",),
}


@dataclass(frozen=True)
class Limits:
    """The feedback limits of one deadline profile, and the rule they come from."""

    #: The notice counts from the day of receipt, or from the decision to accept (立案) or not.
    notice_from: Literal["receipt", "decision"]
    notice_days: int
    result_days: int
    mode: Literal["working", "calendar"]
    rule_zh: str
    rule_en: str

    def rule(self, locale: str) -> str:
        """The rule's name in `locale`."""
        return self.rule_zh if locale.startswith("zh") else self.rule_en


_DISCIPLINE_RULE = (
    "《纪检监察机关处理检举控告工作规则》",
    "Rules of discipline inspection and supervision organs on handling accusations",
)
_PETITION_RULE = ("《信访工作条例》", "Regulations on letters and visits")

#: Per deadline profile (taxonomy [[profiles]]; "default" for the installation's own).
LIMITS: dict[str, Limits] = {
    # 实名 accusations: told within 15 working days of receipt whether accepted; the result
    # within 15 working days of conclusion, and the feedback recorded.
    "discipline": Limits("receipt", 15, 15, "working", *_DISCIPLINE_RULE),
    # 医保 reports (国家医保局令第5号): told within 5 working days of the decision whether to
    # open a case (立案). The 令 sets no result limit: the 纪检 rule's 15 working days.
    "insurance": Limits(
        "decision",
        5,
        15,
        "working",
        "《医疗保障基金使用监督管理举报处理暂行办法》",
        "Interim measures on reports about the use of healthcare security funds",
    ),
    # The 条例 decides and tells within 15 days; its answer comes with the conclusion, which
    # Qingfeng asks to be given within 15 days of it.
    "petition": Limits("receipt", 15, 15, "calendar", *_PETITION_RULE),
    profiles.DEFAULT: Limits("receipt", 15, 15, "calendar", *_PETITION_RULE),
}


def limits(report: Report) -> Limits:
    """The feedback limits of the case's profile (the default's for one the table lacks)."""
    return LIMITS.get(report.deadline_profile or profiles.DEFAULT, LIMITS[profiles.DEFAULT])


def owed(report: Report) -> bool:
    """Whether the case owes its reporter feedback at all: a real-name report."""
    return bool(report.real_name)


def _clock(chosen: Limits, settings: Settings) -> Clock:
    return Clock(chosen.mode, calendar_for(settings))


def decided_on(report: Report) -> dt.date | None:
    """The day the bureau decided whether to accept (立案) the case, or None while it has not:
    acceptance, or the refusal (which concludes the case)."""
    if report.accepted_on is not None:
        return report.accepted_on
    if report.state == State.NOT_ACCEPTED:
        return report.concluded_on
    return None


def notice_due(report: Report, settings: Settings) -> dt.date | None:
    """The last day to tell a real-name reporter whether the report was accepted; None when
    no notice is owed (anonymous, a repeat) or its clock has not started."""
    if not owed(report) or report.repeat_of_id is not None:
        return None
    chosen = limits(report)
    start = report.received_on if chosen.notice_from == "receipt" else decided_on(report)
    if start is None:
        return None
    return _clock(chosen, settings).due(start, chosen.notice_days)


def feedback_due(report: Report, settings: Settings) -> dt.date | None:
    """The last day to give a real-name reporter the result of the concluded case."""
    if not owed(report) or report.state != State.CONCLUDED or report.concluded_on is None:
        return None
    chosen = limits(report)
    return _clock(chosen, settings).due(report.concluded_on, chosen.result_days)


def basis(report: Report, kind: Literal["notice", "result"], locale: str) -> str:
    """What a feedback limit rests on, as the page shows it beside the date."""
    chosen = limits(report)
    count = chosen.notice_days if kind == "notice" else chosen.result_days
    days = (
        _l("%(days)d working days", days=count)
        if chosen.mode == "working"
        else _l("%(days)d days", days=count)
    )
    return str(_l("Basis: %(rule)s, %(count)s", rule=chosen.rule(locale), count=days))


@dataclass(frozen=True)
class Duty:
    """One feedback a real-name reporter is owed: its last day, and the day it was given."""

    kind: Literal["notice", "result"]
    due: dt.date
    given_on: dt.date | None

    def late(self, today: dt.date) -> bool:
        """Not given and past its last day."""
        return self.given_on is None and self.due < today


def duties(report: Report, rows: list[ReporterFeedback], settings: Settings) -> list[Duty]:
    """The notice and result the case owes, each with the day it was given (if it was).

    A result also tells whether the report was accepted, so it answers the notice too; a
    result counts only when given for the current conclusion (after a reopening, the new
    conclusion is owed its own).
    """
    out = []
    notice = notice_due(report, settings)
    if notice is not None:
        told = [r.given_on for r in rows if r.kind in ("notice", "result")]
        out.append(Duty("notice", notice, min(told) if told else None))
    result = feedback_due(report, settings)
    if result is not None and report.concluded_on is not None:
        concluded = report.concluded_on
        given = [r.given_on for r in rows if r.kind == "result" and r.given_on >= concluded]
        out.append(Duty("result", result, min(given) if given else None))
    return out


def _aad(report: Report, row_id: int, part: str) -> bytes:
    # Bound to the row: a database writer cannot move an opinion to another feedback.
    return field_aad(report.id, f"feedback:{row_id}:{part}")


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    if len(value) > TEXT_LIMIT:
        raise CaseworkError(_l("At most %(max)d characters, please.", max=TEXT_LIMIT))
    return value or None


@dataclass(frozen=True)
class Given:
    """What a member records of one feedback."""

    kind: str
    given_on: dt.date
    way: str
    opinion: str | None = None
    satisfaction: str | None = None
    objection: str | None = None
    new_evidence: bool = False
    #: The id of the document issued on the case that carried it, if one did.
    document_id: int | None = None


def carriers(report: Report) -> list[CaseDocument]:
    """The documents issued on the case that a feedback may point to, oldest first."""
    fitting = {code for codes in DOCUMENTS.values() for code in codes}
    return [
        document
        for document in _session(report).scalars(
            select(CaseDocument)
            .where(CaseDocument.report_id == report.id, CaseDocument.kind.in_(fitting))
            .order_by(CaseDocument.issued_on, CaseDocument.number)
        )
    ]


def _carrier(report: Report, given: Given) -> CaseDocument | None:
    if given.document_id is None:
        return None
    document = next((d for d in carriers(report) if d.id == given.document_id), None)
    if document is None or document.kind not in DOCUMENTS.get(given.kind, ()):
        raise CaseworkError(
            _l("Choose a notice for a notice, or the 答复意见书 for a result, issued on this case.")
        )
    if document.issued_on > given.given_on:
        raise CaseworkError(_l("The document was issued after the day the feedback was given."))
    return document


def record(
    report: Report, data_key: bytes, actor: Actor, settings: Settings, given: Given
) -> ReporterFeedback:
    """Record one feedback to the real-name reporter; an objection with new evidence reopens
    the concluded case for checking (回头看's reopen, the objection its reason)."""
    if not owed(report):
        raise CaseworkError(
            _l("The report is anonymous: its reporter reads the outcome on the status page.")
        )
    if given.kind not in KINDS or given.way not in WAYS:
        raise CaseworkError(_l("Choose the kind of feedback and how it was given."))
    if given.given_on > actor.today or given.given_on < report.received_on:
        raise CaseworkError(_l("The date must lie between receipt and today."))
    if given.kind != "notice" and report.state != State.CONCLUDED:
        raise CaseworkError(_l("The result is given, and visits are made, once it is concluded."))
    if given.kind != "notice" and report.concluded_on and given.given_on < report.concluded_on:
        raise CaseworkError(_l("The result is given on or after the day of conclusion."))
    if given.new_evidence and report.state != State.CONCLUDED:
        raise CaseworkError(_l("Only a concluded case is reopened to check new evidence."))
    if given.kind == "visit" and given.satisfaction not in SATISFACTION:
        raise CaseworkError(_l("Choose how satisfied the reporter is."))
    opinion, objection = _text(given.opinion), _text(given.objection)
    if given.new_evidence and objection is None:
        raise CaseworkError(_l("Write down the objection and the new evidence it brings."))
    document = _carrier(report, given)
    row = ReporterFeedback(
        id=random_id(),
        kind=given.kind,
        given_on=given.given_on,
        way=given.way,
        satisfaction=given.satisfaction if given.kind == "visit" else None,
        objection=objection is not None,
        new_evidence=given.new_evidence,
        recorded_on=actor.today,
        recorded_by=actor.staff.id,
        document=document,
    )
    if opinion is not None:
        row.opinion = aead.seal(data_key, opinion.encode("utf-8"), _aad(report, row.id, "opinion"))
    if objection is not None:
        row.objection_text = aead.seal(
            data_key, objection.encode("utf-8"), _aad(report, row.id, "objection")
        )
    _session(report).add(row)
    row.report = report
    value = given.kind if given.kind != "visit" else f"visit:{row.satisfaction}"
    carried = {"document": document.reference} if document is not None else {}
    staff_step(report, actor, EVENT, value=value, way=given.way, objection=row.objection, **carried)
    if given.new_evidence and objection is not None:
        casework.reopen(report, data_key, actor, settings, objection)
    return row


def _session(report: Report) -> Session:
    # The rows are reached through the session rather than a relationship on Report, so
    # the case model (a file every feature edits) stays as it is.
    session = object_session(report)
    if session is None:
        raise ValueError("the report is not in a session")
    return session


def rows_of(report: Report) -> list[ReporterFeedback]:
    """The case's feedback, oldest first."""
    session = object_session(report)
    if session is None:
        return []
    return list(
        session.scalars(
            select(ReporterFeedback)
            .where(ReporterFeedback.report_id == report.id)
            .order_by(ReporterFeedback.given_on, ReporterFeedback.recorded_on)
        )
    )


@dataclass(frozen=True)
class Shown:
    """One feedback as the case page shows it to a member of the case's bureaus."""

    row: ReporterFeedback
    opinion: str | None
    objection: str | None


def _open(report: Report, data_key: bytes, row: ReporterFeedback, part: str) -> str | None:
    blob = row.opinion if part == "opinion" else row.objection_text
    if blob is None:
        return None
    try:
        return epochs.open_any(report, data_key, blob, _aad(report, row.id, part)).decode("utf-8")
    except DecryptionError as exc:
        raise ReportUnreadable(report.reference) from exc


def shown(report: Report, data_key: bytes) -> list[Shown]:
    """The case's feedback with the reporter's words opened."""
    return [
        Shown(
            row, _open(report, data_key, row, "opinion"), _open(report, data_key, row, "objection")
        )
        for row in rows_of(report)
    ]

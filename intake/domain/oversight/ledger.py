"""The 问题线索台账 (docs/rules.md §12): one line per lead a bureau leads or holds.

The content columns (whom the report is about, and a summary) are decrypted only with the
bureau's private key, which only a logged-in member of the bureau has; a supervisor's ledger
is built without a key and so without those columns. Everything else is metadata.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from intake.domain.cases.outcomes import Kind, totals
from intake.domain.cases.reports import ReportUnreadable, open_with_key
from intake.domain.keys.keyring import data_key_for_bureau
from intake.domain.models import Bureau, KeyWrap, Report, ReporterFeedback

#: Characters of the report's own words in the 问题摘要 column.
SUMMARY_LENGTH = 120


@dataclass(frozen=True)
class Content:
    """The decrypted columns: 被反映单位或个人 and 问题摘要."""

    named: str
    summary: str


@dataclass(frozen=True)
class LedgerLine:
    """One lead as the 台账 lists it."""

    reference: str
    received_on: dt.date
    channel: str
    source: str | None
    category: str
    lead: str
    official_involved: bool
    state: str
    disposal: str | None
    finding: str | None
    measures: dict[Kind, int]
    items: int
    items_done: int
    handed_over_to: str | None
    letter: str | None
    letter_on: dt.date | None
    reply: str | None
    reply_on: dt.date | None
    told_on: dt.date | None
    concluded_on: dt.date | None
    content: Content | None
    #: 重复件 (docs/rules.md §9): how many reports were marked as repeats of this case, and for
    #: a repeat the reference of the first case it was joined to.
    repeats: int = 0
    repeat_of: str | None = None
    #: The last result given to a real-name reporter (docs/rules.md §8): its day and way.
    fed_back: tuple[dt.date, str] | None = None

    @property
    def crossed_off(self) -> bool:
        """销号: concluded, and every 整改 item done."""
        return self.concluded_on is not None and self.items_done == self.items


def _content(report: Report, bureau: Bureau, bureau_private: bytes) -> Content | None:
    if report.destroyed_on is not None:
        return None
    if not any(w.bureau_id == bureau.id for w in report.key_wraps):
        return None
    try:
        opened = open_with_key(
            report, data_key_for_bureau(report, bureau.code, bureau_private, bureau.id)
        ).content
    except ReportUnreadable:
        return None
    named = "；".join(part for part in (opened.institution, opened.people) if part.strip())
    summary = " ".join(opened.what_happened.split())
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[: SUMMARY_LENGTH - 1] + "…"
    return Content(named=named, summary=summary)


def lines(db: Session, bureau: Bureau, bureau_private: bytes | None) -> Iterator[LedgerLine]:
    """The bureau's leads in order of receipt; content only when `bureau_private` is given."""
    held = select(KeyWrap.report_id).where(KeyWrap.bureau_id == bureau.id)
    reports = db.scalars(
        select(Report)
        .where(or_(Report.lead_bureau_id == bureau.id, Report.id.in_(held)))
        .order_by(Report.received_on, Report.reference)
        .options(
            selectinload(Report.lead_bureau),
            selectinload(Report.measures),
            selectinload(Report.rectifications),
            *([selectinload(Report.key_wraps)] if bureau_private is not None else []),
        )
        .execution_options(yield_per=1000)
    )
    counts, firsts = _repeats(db)
    fed_back = _results_given(db)
    for r in reports:
        yield LedgerLine(
            reference=r.reference,
            received_on=r.received_on,
            channel=r.channel,
            source=r.source,
            category=r.category,
            lead=r.lead_bureau.code,
            official_involved=r.official_involved,
            state=r.state,
            disposal=r.disposal,
            finding=r.finding,
            measures=totals(r),
            items=len(r.rectifications),
            items_done=sum(1 for i in r.rectifications if i.done_on is not None),
            handed_over_to=r.handed_over_to,
            letter=r.hand_over_letter,
            letter_on=r.hand_over_letter_on,
            reply=r.hand_over_reply,
            reply_on=r.hand_over_reply_on,
            told_on=r.concluded_on if r.public_reason is not None else None,
            concluded_on=r.concluded_on,
            content=_content(r, bureau, bureau_private) if bureau_private is not None else None,
            repeats=counts.get(r.id, 0),
            repeat_of=firsts.get(r.repeat_of_id) if r.repeat_of_id else None,
            fed_back=fed_back.get(r.id),
        )


def _results_given(db: Session) -> dict[str, tuple[dt.date, str]]:
    """The last result given to each real-name reporter, in one query (they are few)."""
    out: dict[str, tuple[dt.date, str]] = {}
    for report_id, given_on, way in db.execute(
        select(ReporterFeedback.report_id, ReporterFeedback.given_on, ReporterFeedback.way)
        .where(ReporterFeedback.kind == "result")
        .order_by(ReporterFeedback.given_on)
    ):
        out[report_id] = (given_on, way)
    return out


def _repeats(db: Session) -> tuple[dict[str, int], dict[str, str]]:
    """Repeats per first case, and the first cases' references by id: two small queries on
    ix_reports_repeat_of_id (repeats are few), not one per line."""
    counts = {
        first: n
        for first, n in db.execute(
            select(Report.repeat_of_id, func.count())
            .where(Report.repeat_of_id.is_not(None))
            .group_by(Report.repeat_of_id)
        )
        if first is not None
    }
    firsts = dict(
        db.execute(select(Report.id, Report.reference).where(Report.id.in_(list(counts)))).all()
    )
    return counts, firsts


def digest(references: list[str]) -> str:
    """A SHA-256 over the exported references, in order: the audit record names the rows."""
    return hashlib.sha256("\n".join(references).encode("ascii")).hexdigest()

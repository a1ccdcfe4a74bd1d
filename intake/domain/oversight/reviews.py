"""回头看 in batches (docs/rules.md §3 and §9): a supervisor selects concluded cases by
category, institution, bureau and period of conclusion and opens a review round; every case
in it gets a review deadline and, from its lead bureau, a review result kept apart from its
first finding.

A concluded case that a later report names the same institution or person as (through the
blind index of names, or marked as its repeat) is proposed for the next round: seed 000's
“已办结但专项整治期间又集中反映的” (docs/rules.md §9). Metadata only: nothing here decrypts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, aliased

from intake.domain.cases.casework import Actor, CaseworkError, staff_step
from intake.domain.cases.lifecycle import State
from intake.domain.cases.name_index import INSTITUTION
from intake.domain.codes import ReviewResult
from intake.domain.models import NameTag, Report, ReviewItem, ReviewRound
from intake.domain.wording import _l

#: At most this many cases in one round: a round is worked through by people.
ROUND_LIMIT = 500


@dataclass(frozen=True)
class Selection:
    """Which concluded cases a round takes; None means any."""

    category: str | None = None
    bureau_id: int | None = None
    concluded_from: dt.date | None = None
    concluded_to: dt.date | None = None
    #: The blind-index tag of an institution (intake/domain/cases/name_index.py): the cases
    #: whose report named it. The round keeps only that one was given, never the name or tag,
    #: so the database says no more about it than the name index already does.
    institution_tag: bytes | None = None

    def to_dict(self) -> dict[str, object]:
        """As the round keeps it."""
        return {
            "institution": self.institution_tag is not None,
            "category": self.category,
            "bureau_id": self.bureau_id,
            "concluded_from": self.concluded_from.isoformat() if self.concluded_from else None,
            "concluded_to": self.concluded_to.isoformat() if self.concluded_to else None,
        }


def _concluded() -> Select[Report]:
    return select(Report).where(Report.state == State.CONCLUDED, Report.destroyed_on.is_(None))


def _still_under_review() -> Select[str]:
    return select(ReviewItem.report_id).where(ReviewItem.result.is_(None))


def selected(db: Session, selection: Selection) -> list[Report]:
    """The concluded cases a selection takes, oldest conclusion first."""
    query = _concluded()
    if selection.category:
        query = query.where(Report.category == selection.category)
    if selection.bureau_id is not None:
        query = query.where(Report.lead_bureau_id == selection.bureau_id)
    if selection.concluded_from:
        query = query.where(Report.concluded_on >= selection.concluded_from)
    if selection.concluded_to:
        query = query.where(Report.concluded_on <= selection.concluded_to)
    if selection.institution_tag is not None:
        named = select(NameTag.report_id).where(
            NameTag.kind == INSTITUTION, NameTag.tag == selection.institution_tag
        )
        query = query.where(Report.id.in_(named))
    order = (Report.concluded_on, Report.reference)
    return list(db.scalars(query.order_by(*order).limit(ROUND_LIMIT + 1)))


def proposed(db: Session) -> list[Report]:
    """Concluded cases a report received after their conclusion names again (the same
    institution or person, or marked a repeat of them), not already waiting in a round, and
    not reviewed in a round opened since that report came."""
    mine, theirs, later = aliased(NameTag), aliased(NameTag), aliased(Report)
    reviewed_since = (
        select(ReviewItem.id)
        .join(ReviewRound, ReviewRound.id == ReviewItem.round_id)
        .where(ReviewItem.report_id == Report.id, ReviewRound.opened_on >= later.received_on)
    )
    news = and_(later.received_on > Report.concluded_on, ~reviewed_since.exists())
    by_name = (
        select(mine.report_id)
        .join(theirs, and_(theirs.tag == mine.tag, theirs.kind == mine.kind))
        .join(later, later.id == theirs.report_id)
        .where(mine.report_id == Report.id, later.id != mine.report_id, news)
    )
    repeat = select(later.id).where(later.repeat_of_id == Report.id, news)
    query = _concluded().where(
        or_(by_name.exists(), repeat.exists()), Report.id.not_in(_still_under_review())
    )
    return list(db.scalars(query.order_by(Report.concluded_on, Report.reference)))


def open_round(
    db: Session,
    actor: Actor,
    title: str,
    selection: Selection,
    due: dt.date,
    include_proposed: bool = True,
    within: set[int] | None = None,
) -> ReviewRound:
    """Open a round over the selected cases (and the proposed ones); a case already waiting
    for its result in another round is left there. `within`: only cases led by these bureaus
    (a supervisor's unit and the units below, docs/design.md "Units")."""
    title = (title or "").strip()
    if not title or len(title) > 100:
        raise CaseworkError(_l("Give the round a title of at most 100 characters."))
    if due <= actor.today:
        raise CaseworkError(_l("The review deadline must be after today."))
    waiting = set(db.scalars(_still_under_review()))
    flagged = {r.id for r in proposed(db)} if include_proposed else set()
    cases = {r.id: r for r in selected(db, selection) if r.id not in waiting}
    if len(cases) > ROUND_LIMIT:
        raise CaseworkError(_l("More than %(max)d cases: narrow the selection.", max=ROUND_LIMIT))
    if flagged:
        cases.update({r.id: r for r in db.scalars(select(Report).where(Report.id.in_(flagged)))})
    if within is not None:
        cases = {key: r for key, r in cases.items() if r.lead_bureau_id in within}
    if not cases:
        raise CaseworkError(_l("No concluded case matches this selection."))
    review = ReviewRound(
        title=title,
        opened_on=actor.today,
        opened_by_id=actor.staff.id,
        selection=selection.to_dict(),
        due=due,
    )
    for report in sorted(cases.values(), key=lambda r: (r.concluded_on, r.reference)):
        review.items.append(ReviewItem(report=report, due=due, proposed=report.id in flagged))
        staff_step(report, actor, "review_listed")
    db.add(review)
    return review


def record_result(item: ReviewItem, actor: Actor, result: str) -> None:
    """The lead bureau's review result; the case's first finding is not touched."""
    if result not in ReviewResult.__members__.values():
        raise CaseworkError(_l("Choose a review result."))
    if item.result is not None:
        raise CaseworkError(_l("The review result was already recorded."))
    item.result = result
    item.reviewed_on = actor.today
    staff_step(item.report, actor, "reviewed", value=result)


def waiting_items(report: Report) -> list[ReviewItem]:
    """The rounds a case is in, as its page shows them (most recent first)."""
    session = Session.object_session(report)
    if session is None:
        return []
    return list(
        session.scalars(
            select(ReviewItem)
            .where(ReviewItem.report_id == report.id)
            .order_by(ReviewItem.id.desc())
        )
    )

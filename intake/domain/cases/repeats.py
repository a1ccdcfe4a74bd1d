"""Repeat reports (重复件): the reports that share a name with a case (through the blind index
of intake/domain/cases/name_index.py), and marking a report as a repeat of an earlier case
(docs/rules.md §9)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.domain.cases.casework import Actor, CaseworkError, staff_step
from intake.domain.models import KeyWrap, NameTag, Report
from intake.domain.wording import _l


@dataclass(frozen=True)
class Related:
    """Another report that names the same institution or person."""

    report: Report
    kinds: frozenset[str]

    @property
    def repeat(self) -> bool:
        """Whether it was marked as a repeat of another case."""
        return self.report.repeat_of_id is not None


@dataclass(frozen=True)
class Relations:
    """What the case page shows of a report's relations, for one member."""

    earlier: list[Related]
    later: list[Related]
    #: Reports naming the same institution or person that the member's bureaus cannot read.
    unreadable: int
    #: The case this report was marked a repeat of, if the member can read it.
    repeat_of: Report | None
    #: Reports marked as repeats of this one, that the member can read.
    repeats: list[Report]

    @property
    def readable(self) -> list[Related]:
        """Every related report the member can read, earlier ones first."""
        return self.earlier + self.later


def relations(db: Session, report: Report, bureau_ids: set[int]) -> Relations:
    """The reports sharing a tag with `report` (or linked to it as repeats), split into those
    a bureau in `bureau_ids` holds a key for and a count of the others."""
    mine = select(NameTag.kind, NameTag.tag).where(NameTag.report_id == report.id).subquery()
    rows = db.execute(
        select(NameTag.report_id, NameTag.kind)
        .join(mine, (mine.c.tag == NameTag.tag) & (mine.c.kind == NameTag.kind))
        .where(NameTag.report_id != report.id)
    ).all()
    kinds: dict[str, set[str]] = {}
    for report_id, kind in rows:
        kinds.setdefault(report_id, set()).add(kind)
    linked = select(Report.id).where(Report.repeat_of_id == report.id)
    linked_ids = set(db.scalars(linked))
    if report.repeat_of_id is not None:
        linked_ids.add(report.repeat_of_id)
    every = set(kinds) | linked_ids
    readable_ids = (
        set(
            db.scalars(
                select(KeyWrap.report_id).where(
                    KeyWrap.report_id.in_(every), KeyWrap.bureau_id.in_(bureau_ids)
                )
            )
        )
        if every and bureau_ids
        else set()
    )
    reports = {r.id: r for r in db.scalars(select(Report).where(Report.id.in_(readable_ids)))}
    shown = sorted(
        (Related(reports[i], frozenset(kinds[i])) for i in kinds if i in reports),
        key=lambda r: (r.report.received_on, r.report.reference),
    )
    # Two reports of one day are told apart by nothing else: "earlier" is by date only.
    return Relations(
        earlier=[r for r in shown if r.report.received_on <= report.received_on],
        later=[r for r in shown if r.report.received_on > report.received_on],
        unreadable=len(every - readable_ids),
        repeat_of=reports.get(report.repeat_of_id or ""),
        repeats=sorted(
            (reports[i] for i in linked_ids if i in reports and i != report.repeat_of_id),
            key=lambda r: (r.received_on, r.reference),
        ),
    )


def mark_repeat(db: Session, report: Report, original: Report, actor: Actor) -> Report:
    """重复件: link `report` to the case it repeats (the first of a chain), with an event on
    both; it is kept and stays readable, and its reporter is told on the status page.

    Returns the case it was linked to.
    """
    while original.repeat_of_id is not None and original.id != report.id:
        linked = db.get(Report, original.repeat_of_id)
        if linked is None:
            break
        original = linked
    if original.id == report.id:
        raise CaseworkError(_l("A report cannot repeat itself."))
    if report.repeat_of_id is not None:
        raise CaseworkError(_l("This report is already marked as a repeat."))
    if db.scalars(select(Report.id).where(Report.repeat_of_id == report.id)).first():
        raise CaseworkError(_l("Other reports repeat this one: it cannot itself be a repeat."))
    report.repeat_of_id = original.id
    staff_step(report, actor, "marked_repeat", value=original.reference)
    staff_step(original, actor, "repeat_linked", value=report.reference)
    return original

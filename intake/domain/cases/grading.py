"""Grading and disposal of a lead (docs/rules.md §9): the grade a collective study (集体研判)
sets, the leader responsible (领导包案), 提级办理 and the 挂牌 or 联合督办 flag.

- A grade (一般、重要、重大) is set only with the record of a study: its date, the members of
  the lead bureau who took part (at least two: a study is collective) and its conclusion,
  sealed with the case's data key and bound to its round. Rounds are kept; the latest sets
  the grade, which stays in clear on the case for the queue and the supervisors' board.
- The leader responsible is a member of the lead bureau who may approve (负责人, the same
  flag as for an extension, cases/extensions.py).
- 提级办理 is a hand-over (casework.hand_over) to the level above: with one unit per
  installation there is no bureau to give a key to, so the lead bureau keeps its copy and the
  case stays readable for the record. Where a unit above has the bureau of the same kind
  (cases/levels.py), that bureau gets a copy of the key too (报送) and reads the case. The
  body's name and the day are metadata; the reason is sealed. The statistics count it as a
  hand-over to UPPER_LEVEL either way.
- 挂牌督办 and 联合督办 are imposed from outside the bureau: the case records which, by whom and
  since when, and the supervisors' board lists it.

Every step is an event on the case's timeline; the console audits it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import aead
from crypto.errors import DecryptionError
from intake.domain.cases import casework
from intake.domain.cases.casework import TEXT_LIMIT, Actor, CaseworkError, staff_step
from intake.domain.cases.lifecycle import next_state
from intake.domain.cases.reports import ReportUnreadable, field_aad
from intake.domain.cases.taxonomy import HandOverTarget
from intake.domain.codes import Grade, Listing
from intake.domain.keys import epochs
from intake.domain.models import Bureau, BureauMembership, CaseStudy, Report, StaffMember
from intake.domain.models.base import next_ordinal, random_id
from intake.domain.wording import _l

#: A study is collective: at least this many members take part.
MIN_PARTICIPANTS = 2
#: Characters of a body's name (the level above, the body that lists a case).
BODY_LIMIT = 100
#: The level above, as a hand-over target: not in the taxonomy's list, which offers the
#: organs a case is handed to sideways; its events count as hand-overs to "upper_level".
UPPER_LEVEL = HandOverTarget("upper_level", "上级机关（提级办理）", "The level above (escalated)")
_REASON = "escalation_reason"


@dataclass(frozen=True)
class ShownStudy:
    """A round of 集体研判 as the case page shows it."""

    study: CaseStudy
    participants: tuple[str, ...]
    #: None when the conclusion does not open where the row claims to be (moved or changed
    #: in the database): the page says so instead of showing it.
    conclusion: str | None


def members(session: Session, report: Report) -> list[StaffMember]:
    """The active members of the lead bureau, who may take part in its studies."""
    return list(
        session.scalars(
            select(StaffMember)
            .join(BureauMembership)
            .where(BureauMembership.bureau_id == report.lead_bureau_id, StaffMember.active)
            .order_by(StaffMember.username)
        )
    )


def leaders(session: Session, report: Report) -> list[StaffMember]:
    """The members who may be named the leader responsible: the lead bureau's 负责人."""
    return [m for m in members(session, report) if m.may_approve]


def _aad(report: Report, study: CaseStudy) -> bytes:
    # Bound to its round, its grade, its date and who took part: a row moved to another
    # case or round, or regraded in the database, no longer opens.
    place = ":".join(
        (
            "study",
            str(study.id),
            str(study.ordinal),
            study.grade,
            study.studied_on.isoformat(),
            ",".join(map(str, study.participants)),
        )
    )
    return field_aad(report.id, place)


def record_study(
    report: Report,
    session: Session,
    data_key: bytes,
    actor: Actor,
    grade: str,
    studied_on: dt.date,
    participant_ids: Sequence[int],
    conclusion: str,
) -> CaseStudy:
    """Record a round of 集体研判; its grade becomes the case's."""
    next_state("grade", report.state)
    if grade not in Grade.__members__.values():
        raise CaseworkError(_l("Choose the grade the study set."))
    conclusion = _text(conclusion, TEXT_LIMIT)
    if studied_on > actor.today:
        raise CaseworkError(_l("The study's date cannot be in the future."))
    if report.studies and studied_on < report.studies[-1].studied_on:
        raise CaseworkError(_l("A study cannot be dated before the previous one."))
    allowed = {m.id for m in members(session, report)}
    chosen = list(dict.fromkeys(participant_ids))
    if any(i not in allowed for i in chosen):
        raise CaseworkError(_l("Only members of the lead bureau take part in its studies."))
    if len(chosen) < MIN_PARTICIPANTS:
        raise CaseworkError(
            _l("A collective study needs at least %(min)d members.", min=MIN_PARTICIPANTS)
        )
    study = CaseStudy(
        id=random_id(),
        ordinal=next_ordinal(report.studies),
        studied_on=studied_on,
        grade=grade,
        participants=chosen,
        recorded_by=actor.staff.id,
        recorded_at=actor.now,
    )
    study.conclusion = aead.seal(data_key, conclusion.encode("utf-8"), _aad(report, study))
    report.studies.append(study)
    report.grade = grade
    staff_step(report, actor, "studied", value=grade, on=studied_on.isoformat())
    return study


def studies(session: Session, report: Report, data_key: bytes) -> list[ShownStudy]:
    """The case's rounds of 集体研判, oldest first, with their conclusions."""
    if not report.studies:
        return []
    taking_part = {i for s in report.studies for i in s.participants}
    names: dict[int, str] = {
        staff_id: name
        for staff_id, name in session.execute(
            select(StaffMember.id, StaffMember.username).where(StaffMember.id.in_(taking_part))
        )
    }
    out = []
    for study in report.studies:
        try:
            text: str | None = epochs.open_any(
                report, data_key, study.conclusion, _aad(report, study)
            ).decode("utf-8")
        except (DecryptionError, UnicodeDecodeError):
            text = None
        shown = tuple(names.get(i, "—") for i in study.participants)
        out.append(ShownStudy(study, shown, text))
    return out


def name_leader(report: Report, session: Session, actor: Actor, leader: StaffMember) -> None:
    """领导包案: name the lead bureau's 负责人 responsible for the case (or another one)."""
    next_state("leader", report.state)
    if leader.id not in {m.id for m in leaders(session, report)}:
        raise CaseworkError(
            _l("Only a member of the lead bureau who may approve (负责人) can lead a case.")
        )
    if report.leader_staff_id == leader.id:
        raise CaseworkError(_l("That member already leads this case."))
    report.leader_staff_id = leader.id
    staff_step(report, actor, "leader_named", leader=leader.id)


def escalate(
    report: Report,
    data_key: bytes,
    actor: Actor,
    body: str,
    reason: str,
    letter: str = "",
    letter_on: dt.date | None = None,
    to: Bureau | None = None,
) -> None:
    """提级办理: hand the case to the body above, with the reason sealed; the lead bureau keeps
    its copy of the key, so the case stays readable for the record. `to`: the bureau above
    installed here (levels.bureau_above), which gets its own copy."""
    body = _text(body, BODY_LIMIT)
    reason = _text(reason, TEXT_LIMIT)
    next_state("escalate", report.state)
    casework.hand_over(report, data_key, actor, UPPER_LEVEL, to, letter, letter_on)
    report.escalated_to = body
    report.escalated_on = actor.today
    report.escalation_reason = aead.seal(
        data_key, reason.encode("utf-8"), field_aad(report.id, _REASON)
    )


def escalation_reason(report: Report, data_key: bytes) -> str | None:
    """Why the case was escalated, or None when it was not."""
    if report.escalation_reason is None:
        return None
    try:
        return epochs.open_any(
            report, data_key, report.escalation_reason, field_aad(report.id, _REASON)
        ).decode("utf-8")
    except DecryptionError as exc:
        raise ReportUnreadable(report.reference) from exc


def list_case(report: Report, actor: Actor, kind: str, body: str, since: dt.date) -> None:
    """挂牌督办 or 联合督办: record which, by which body and since when."""
    next_state("listing", report.state)
    if kind not in Listing.__members__.values():
        raise CaseworkError(_l("Choose the kind of supervision."))
    body = _text(body, BODY_LIMIT)
    if since > actor.today:
        raise CaseworkError(_l("The date cannot be in the future."))
    report.listing, report.listed_by, report.listed_on = kind, body, since
    staff_step(report, actor, "listed", value=kind, on=since.isoformat())


def _text(value: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseworkError(_l("Please fill this in."))
    if len(value) > limit:
        raise CaseworkError(_l("At most %(max)d characters, please.", max=limit))
    return value

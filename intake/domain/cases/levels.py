"""Cases between levels (docs/design.md, "Units"; docs/rules.md §9): a bureau of an upper unit
hands a case down (交办) to a bureau of a unit below, and a bureau below reports a lead up
(报送, 提级办理) to the bureau of the same kind above.

Handing down is a transfer (casework.transfer) that keeps the upper bureau's copy of the key:
the case becomes the lower bureau's to work, and the upper bureau still opens the progress
reports and the completion report (办结报告) sealed below. The order is recorded on the lower
side as any 交办 order is (cases/hand_downs.py), issued by the upper bureau, with its number and
deadline, so the 交办 board and the reports sent back work as for an order typed in by hand.
Only a unit above may hand down, never a unit beside or below: the case's lead bureau must
stand in an ancestor of the receiving bureau's unit.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.domain import units
from intake.domain.cases import casework, hand_downs
from intake.domain.cases.casework import Actor, CaseworkError
from intake.domain.cases.lifecycle import next_state
from intake.domain.models import Bureau, HandDown, Report, Unit
from intake.domain.wording import _l

NOT_BELOW = _l("A case is handed down only to a bureau of a unit below this bureau's own.")


def ancestors(session: Session, unit_id: int) -> list[int]:
    """The units above `unit_id`, nearest first."""
    parents = {child: parent for child, parent in session.execute(select(Unit.id, Unit.parent_id))}
    found: list[int] = []
    above = parents.get(unit_id)
    while above is not None and above not in found:
        found.append(above)
        above = parents.get(above)
    return found


def is_below(session: Session, upper: Bureau, lower: Bureau) -> bool:
    """Whether `lower` stands in a unit strictly below `upper`'s unit."""
    return upper.unit_id in ancestors(session, lower.unit_id)


def bureaus_below(session: Session, upper: Bureau) -> list[Bureau]:
    """The bureaus `upper` may hand a case down to: those of the units below its own that
    hold their key (one still waiting for its founder has nothing to seal to)."""
    lower = units.below(session, upper.unit_id) - {upper.unit_id}
    return list(
        session.scalars(
            select(Bureau)
            .where(Bureau.unit_id.in_(lower), Bureau.public_key.is_not(None))
            .order_by(Bureau.unit_id, Bureau.code)
        )
    )


def bureau_above(session: Session, lower: Bureau) -> Bureau | None:
    """The bureau of the same kind in the nearest unit above that has one with its key, or
    None (a single unit, or no such bureau above): where 提级办理 sends the case's key."""
    for unit_id in ancestors(session, lower.unit_id):
        found = session.scalars(
            select(Bureau).where(
                Bureau.unit_id == unit_id,
                Bureau.code == lower.code,
                Bureau.public_key.is_not(None),
            )
        ).first()
        if found is not None:
            return found
    return None


def hand_down(
    session: Session,
    report: Report,
    data_key: bytes,
    actor: Actor,
    to: Bureau,
    order: hand_downs.Order,
) -> tuple[HandDown, bytes]:
    """交办: give the case to `to`, a bureau of a unit below the lead bureau's, keeping the
    lead bureau's copy; record `order` on the case. Returns the order and the key to seal
    with from now."""
    if not is_below(session, report.lead_bureau, to):
        raise CaseworkError(NOT_BELOW)
    next_state("transfer", report.state)
    hand_downs.check(session, order, actor.today)  # before anything changes
    if hand_downs.link_of(report) is not None:
        raise CaseworkError(_l("This case is already recorded as handed down."))
    data_key = casework.transfer(report, data_key, actor, to, keep_as_co=True)
    return hand_downs.record(session, report, data_key, actor, order, ""), data_key

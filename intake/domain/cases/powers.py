"""Who may take which action on a case they can read: the lead bureau acts; the intake desk
triages until a bureau accepts; any other holder of a key copy (a co-bureau, or the authority
a case was handed over to) only adds notes."""

from __future__ import annotations

from collections.abc import Collection

from intake.domain.cases.lifecycle import TRANSITIONS, allowed
from intake.domain.models import Report

#: Every action of the case page, in the order the page offers them.
ACTIONS = (
    "accept",
    "not_accept",
    "assign",
    "transfer",
    "share",
    "hand_over",
    "hand_over_reply",
    "conclude",
    "outcome",
    "typical",
    "reopen",
    "extend",
    "extend_approve",
    "major",
    "message",
    "note",
    "reward_propose",
    "reward_approve",
    "reward_pay",
    "grade",
    "leader",
    "escalate",
    "listing",
    "feedback",
    "hand_down",
    "hand_down_report",
    "supervision_answer",
    "document",
    "hand_down_below",
)
TRIAGE_ACTIONS = frozenset({"transfer", "share", "note", "major", "hand_down"})
HOLDER_ACTIONS = frozenset({"note"})


def powers(
    report: Report, member_bureau_ids: Collection[int], intake_desk_id: int | None
) -> frozenset[str]:
    """The actions a member of `member_bureau_ids` may take on a case they can read."""
    if report.lead_bureau_id in member_bureau_ids:
        return frozenset(ACTIONS)
    desk_holds = any(w.bureau_id == intake_desk_id for w in report.key_wraps)
    if report.accepted_on is None and desk_holds and intake_desk_id in member_bureau_ids:
        return TRIAGE_ACTIONS
    return HOLDER_ACTIONS


def can(report: Report, action: str, granted: frozenset[str]) -> bool:
    """Whether a member holding `granted` may take `action` now (the lifecycle too)."""
    if action not in granted:
        return False
    if action in ("accept", "not_accept") and report.accepted_on is not None:
        return False
    return action not in TRANSITIONS or allowed(action, report.state)

"""What a case action says before it is taken (the confirmation) and after (the message).

Every action ends with a sentence saying what happened; the consequential ones — those the
reporter reads or that move the case out of the bureau — are asked once more on a page of
their own, which works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from admin.cases import level_actions
from admin.cases.grading import grading_values
from admin.labels import bureau_name, hand_over_name
from intake.domain.cases.documents import KINDS
from intake.domain.labels import FINDING_NAMES
from intake.domain.models import Report, StaffMember
from intake.platform import db

#: Asked once more before they are taken.
CONFIRM = frozenset(
    {"not_accept", "transfer", "hand_over", "conclude", "escalate", "hand_down_below"}
)

NOT_TAKEN = _l("The action was not taken: please correct the form marked below.")

QUESTIONS = {
    "not_accept": _l("Do not accept case %(ref)s? The reporter reads the reason you gave."),
    "transfer": _l("Transfer case %(ref)s to %(bureau)s?"),
    "transfer_keep": _l("Transfer case %(ref)s to %(bureau)s, keeping access as co-bureau?"),
    "hand_over": _l("Hand case %(ref)s over to %(target)s?"),
    "conclude": _l("Conclude case %(ref)s as “%(finding)s”? The reporter reads the outcome."),
    "escalate": _l("Escalate case %(ref)s to %(body)s (提级办理)? This bureau keeps it on record."),
    "feedback": _l("Record the objection with new evidence and reopen case %(ref)s for checking?"),
    "hand_down_below": _l(
        "Hand case %(ref)s down to %(bureau)s (交办)? This bureau keeps a copy and reads the "
        "reports sent back."
    ),
}

DONE = {
    "accept": _l("Case %(ref)s accepted. The conclusion deadline now runs."),
    "not_accept": _l("Case %(ref)s not accepted. The reporter can read the reason."),
    "assign": _l("Case %(ref)s assigned to %(name)s."),
    "transfer": _l("Case %(ref)s transferred to %(bureau)s."),
    "share": _l("%(bureau)s can now read case %(ref)s."),
    "hand_over": _l("Case %(ref)s handed over to %(target)s."),
    "conclude": _l("Case %(ref)s concluded: %(finding)s."),
    "reopen": _l("Case %(ref)s reopened for review."),
    "extend": _l("The extension of case %(ref)s was asked for; a 负责人 approves it."),
    "extend_approve": _l(
        "The extension of case %(ref)s was approved; the reporter reads the reason."
    ),
    "major": _l("Case %(ref)s is marked as a major lead."),
    "unmajor": _l("Case %(ref)s is no longer marked as a major lead."),
    "message": _l("Your message was sent; the reporter reads it with their receipt code."),
    "note": _l("Your note was added."),
    "hand_over_reply": _l("The receiving organ's answer on case %(ref)s was recorded."),
    "outcome": _l("The outcome of case %(ref)s was updated."),
    "typical": _l("The typical case from %(ref)s was sent to the supervisors for approval."),
    "reward_propose": _l("The reward of case %(ref)s was proposed."),
    "reward_approve": _l("The reward of case %(ref)s was approved; the reporter is told."),
    "reward_pay": _l("The payment of the reward of case %(ref)s was recorded."),
    "grade": _l("The collective study of case %(ref)s was recorded; the case is graded %(grade)s."),
    "leader": _l("%(name)s now leads case %(ref)s (领导包案)."),
    "escalate": _l("Case %(ref)s was escalated to %(body)s (提级办理)."),
    "listing": _l("Case %(ref)s is recorded as “%(listing)s”."),
    "feedback": _l("The feedback to the reporter of case %(ref)s was recorded."),
    "feedback_reopened": _l(
        "The objection was recorded and case %(ref)s reopened to check the new evidence."
    ),
    "hand_down": _l("Case %(ref)s is recorded as handed down; it is due by the order's deadline."),
    "hand_down_report": _l("The report sent back on case %(ref)s was recorded."),
    "supervision_answer": _l("The answer to the supervision note on case %(ref)s was recorded."),
    "document": _l("%(title)s of case %(ref)s issued: open it below to print it."),
    "hand_down_below": _l("Case %(ref)s was handed down; the bureau below now works it."),
}


def _values(action: str, report: Report, form: Any) -> dict[str, str]:
    values = {"ref": report.reference}
    if action in ("transfer", "share"):
        values["bureau"] = bureau_name(form.bureau.data)
    elif action == "hand_over":
        values["target"] = hand_over_name(form.target.data)
    elif action == "conclude":
        values["finding"] = str(FINDING_NAMES.get(form.finding.data, form.finding.data))
    elif action == "document":
        values["title"] = KINDS[form.kind.data].title
    elif action == "assign":
        handler = db.session().get(StaffMember, form.staff_id.data)
        values["name"] = handler.username if handler else ""
    elif action in ("grade", "leader", "escalate", "listing"):
        values.update(grading_values(action, form))
    elif action == "hand_down_below":
        values["bureau"] = level_actions.name(level_actions.chosen(form))
    return values


def asks(action: str, form: Any) -> bool:
    """Whether the action is asked once more: always for CONFIRM, and for a feedback whose
    objection brings new evidence, which reopens the case."""
    reopens = action == "feedback" and bool(form.new_evidence.data)
    return action in CONFIRM or reopens


def question(action: str, report: Report, form: Any) -> str:
    """The confirmation asked before a consequential action."""
    key = "transfer_keep" if action == "transfer" and form.keep_as_co.data else action
    return str(QUESTIONS[key] % _values(action, report, form))


def done(action: str, report: Report, form: Any) -> str:
    """The sentence shown after the action was taken."""
    key = "unmajor" if action == "major" and not form.major.data else action
    if action == "feedback" and form.new_evidence.data:
        key = "feedback_reopened"
    return str(DONE[key] % _values(action, report, form))

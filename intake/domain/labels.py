"""The names people read for every code: states, roles, findings, channels, steps, columns.

One table per list of codes (codes.py, cases/lifecycle.py); pages, exports and tests read
the names from here, in the reader's language (wording.py).
"""

from __future__ import annotations

from collections.abc import Callable

from intake.domain.cases.lifecycle import State
from intake.domain.codes import Finding, Role
from intake.domain.wording import Wording, _l

STATE_NAMES = {
    State.RECEIVED: _l("Received"),
    State.ACCEPTED: _l("Accepted (受理)"),
    State.NOT_ACCEPTED: _l("Not accepted (不予受理)"),
    State.IN_PROGRESS: _l("In progress"),
    State.TRANSFERRED: _l("Transferred (转办)"),
    State.HANDED_OVER: _l("Handed over (移送)"),
    State.CONCLUDED: _l("Concluded (办结)"),
    State.UNDER_REVIEW: _l("Under review (回头看)"),
}

CHANNEL_NAMES = {
    "web": _l("Web form (网)"),
    "hotline": _l("Hotline (电)"),
    "letter": _l("Letter (信)"),
    "visit": _l("Visit (访)"),
    "email": _l("E-mail"),
    "referred": _l("Handed down (上级交办)"),
}
FINDING_NAMES: dict[str, Wording] = {
    Finding.SUBSTANTIATED: _l("Substantiated (属实)"),
    Finding.PARTLY_SUBSTANTIATED: _l("Partly substantiated (部分属实)"),
    Finding.NOT_SUBSTANTIATED: _l("Not substantiated (不属实)"),
}
HAND_OVER_NAMES = {
    "police": _l("Public security (公安机关)"),
    "discipline": _l("Discipline commission (纪委监委)"),
}
ROLE_NAMES = {
    Role.INTAKE: _l("Intake desk (综合受理)"),
    Role.HANDLER: _l("Bureau handler"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("System administrator"),
}
STAT_COLUMNS: dict[str, Wording] = {
    "received": _l("Received"),
    "accepted": _l("Accepted (受理)"),
    "not_accepted": _l("Not accepted (不予受理)"),
    "transferred_in": _l("Transferred in"),
    "transferred_out": _l("Transferred out"),
    "handed_over_police": _l("Handed over to public security"),
    "handed_over_discipline": _l("Handed over to the discipline commission"),
    "concluded": _l("Concluded (办结)"),
    **FINDING_NAMES,
    "overdue": _l("Overdue"),
    "open_at_end": _l("Open at the end"),
    "median_days": _l("Median days to conclusion"),
}
EVENT_NAMES = {
    "received": _l("received"),
    "accepted": _l("accepted"),
    "not_accepted": _l("not accepted"),
    "assigned": _l("handler assigned"),
    "shared": _l("co-bureau given access"),
    "transferred": _l("transferred"),
    "handed_over": _l("handed over"),
    "concluded": _l("concluded"),
    "reopened": _l("reopened for review"),
    "extended": _l("deadline extended"),
    "marked_major": _l("marked as a major lead"),
    "unmarked_major": _l("no longer a major lead"),
    "message_sent": _l("message sent to the reporter"),
    "reporter_message": _l("message from the reporter"),
    "reporter_files": _l("files added by the reporter"),
    "reward_claimed": _l("reward claimed"),
    "reward_decided": _l("reward recorded"),
    "due_soon": _l("deadline near"),
    "overdue": _l("deadline passed"),
    "supervised": _l("supervision note (督办)"),
    "destroyed": _l("destroyed under the retention rules"),
}

#: The name of a statistics row that adds up every bureau, category or channel (ALL).
TOTAL_NAME = _l("Total")

#: What the audit trail says for each recorded action (admin/audit.py).
AUDIT_ACTION_NAMES = {
    "login": _l("logged in"),
    "login_failed": _l("login refused"),
    "logout": _l("logged out"),
    "recovered": _l("account recovered with the recovery key"),
    "recover_failed": _l("recovery refused"),
    "reauth": _l("password confirmed again"),
    "reauth_failed": _l("password confirmation refused"),
    "enrolled": _l("account set up"),
    "password_changed": _l("password changed"),
    "staff_key_rotated": _l("personal key made anew"),
    "account_created": _l("account created"),
    "account_deactivate": _l("account deactivated"),
    "account_reset_2fa": _l("second factor reset"),
    "account_reset_password": _l("password reset"),
    "bureau_founded": _l("bureau set up"),
    "bureau_key_granted": _l("bureau key granted"),
    "token_created": _l("hotline token created"),
    "token_revoked": _l("hotline token revoked"),
    "view_case": _l("case read"),
    "view_audit_trail": _l("audit trail read"),
    "file_downloaded": _l("file downloaded"),
    "recorded_report": _l("letter or visit recorded"),
    "case_supervised": _l("supervision note (督办)"),
    "stats_exported": _l("statistics exported"),
    "ledger_exported": _l("ledger exported"),
    "case_accept": _l("accepted"),
    "case_not_accept": _l("not accepted"),
    "case_assign": _l("handler assigned"),
    "case_transfer": _l("transferred"),
    "case_share": _l("co-bureau given access"),
    "case_hand_over": _l("handed over"),
    "case_conclude": _l("concluded"),
    "case_reopen": _l("reopened for review"),
    "case_extend": _l("deadline extended"),
    "case_major": _l("major lead marked or unmarked"),
    "case_message": _l("message sent to the reporter"),
    "case_note": _l("internal note added"),
    "case_reward": _l("reward recorded"),
}

RULE_SEPARATOR = _l("; ")

#: The parts of a routing rule (intake/domain/cases/routing.py): what sent the case where.
RULE_WORDS = {
    "unclassified": _l("no category fits: the intake desk decides"),
    "category": _l("by category: %(category)s"),
    "official_involved": _l("a public official is involved: the discipline commission too"),
    "lead_not_ready": _l("held by the intake desk until the bureau has a key"),
}


def rule_name(rule: str, category_name: Callable[[str], str]) -> str:
    """A routing rule in words, e.g. "category:kickbacks+official_involved"."""
    words = []
    for part in rule.split("+"):
        if part.startswith("category:"):
            code = part.removeprefix("category:")
            words.append(str(RULE_WORDS["category"] % {"category": category_name(code)}))
        else:
            words.append(str(RULE_WORDS.get(part, part)))
    return str(RULE_SEPARATOR).join(words)


def audit_action_name(action: str) -> str:
    """An audit action in words, or its code when it is unknown (an older version's)."""
    return str(AUDIT_ACTION_NAMES.get(action, action))

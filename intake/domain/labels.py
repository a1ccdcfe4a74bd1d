"""The names people read for every code: states, roles, findings, channels, steps, columns.

One table per list of codes (codes.py, cases/lifecycle.py); pages, exports and tests read
the names from here, in the reader's language (wording.py).
"""

from __future__ import annotations

from collections.abc import Callable

from intake.domain.cases.lifecycle import State
from intake.domain.cases.outcomes import Disposal, Kind, Rule
from intake.domain.codes import Finding, Grade, Listing, ReviewResult, Role
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
    "reported_up": _l("Reported up by a lower office (下级报送)"),
    "dept_referral": _l("Referred by another department (部门移送)"),
    "inspection": _l("Handed over by an inspection tour (巡视巡察移交)"),
    "check_finding": _l("Found by a special or self-inspection (专项检查/自查发现)"),
    "online_opinion": _l("Online public opinion (网络舆情)"),
}
FINDING_NAMES: dict[str, Wording] = {
    Finding.SUBSTANTIATED: _l("Substantiated (属实)"),
    Finding.PARTLY_SUBSTANTIATED: _l("Partly substantiated (部分属实)"),
    Finding.NOT_SUBSTANTIATED: _l("Not substantiated (不属实)"),
}
RULE_NAMES: dict[str, Wording] = {
    Rule.PETITION: _l("Petitions (《信访工作条例》)"),
    Rule.DISCIPLINE: _l("Accusations about officials (《纪检监察机关处理检举控告工作规则》)"),
    Rule.INSURANCE: _l("Insurance-fund reports (国家医保局令第5号)"),
}
DISPOSAL_NAMES: dict[str, Wording] = {
    Disposal.TALK: _l("Talk or written inquiry (谈话函询)"),
    Disposal.VERIFY: _l("Preliminary verification (初步核实)"),
    Disposal.HOLD: _l("Kept pending (暂存待查)"),
    Disposal.CLOSE: _l("Closed (予以了结)"),
    Disposal.INVESTIGATE: _l("Handed over for investigation (移送审查调查)"),
    Disposal.OPENED: _l("Case opened (立案)"),
    Disposal.NOT_OPENED: _l("No case opened (不予立案)"),
    Disposal.HANDLED: _l("Handled (已办理)"),
    Disposal.NOT_HANDLED: _l("Not handled (未办理)"),
}
MEASURE_NAMES: dict[str, Wording] = {
    Kind.FINES: _l("Fines and confiscations (罚没金额, yuan)"),
    Kind.FUND_RECOVERED: _l("Insurance funds recovered (追回医保基金, yuan)"),
    Kind.KICKBACKS_RETURNED: _l("Red envelopes and kickbacks returned (清退红包回扣, yuan)"),
    Kind.ADMIN_PENALTIES: _l("Administrative penalties (行政处罚)"),
    Kind.AGREEMENTS: _l("Insurance agreements suspended or ended (暂停或解除医保协议)"),
    Kind.LICENCES: _l("Licences revoked or suspended (吊销或暂停执业)"),
    Kind.SANCTIONS: _l("People given Party or government sanctions (党纪政务处分)"),
    Kind.ORGANISATIONAL: _l("People given organisational measures (组织处理)"),
    Kind.ADMONITIONS: _l("People admonished (诫勉)"),
    Kind.JUDICIARY_CASES: _l("Cases sent to the judiciary (移送司法机关, cases)"),
    Kind.JUDICIARY_PEOPLE: _l("People sent to the judiciary (移送司法机关, people)"),
}
HAND_OVER_REPLY_NAMES: dict[str, Wording] = {
    "filed": _l("Case opened (立案)"),
    "not_filed": _l("No case opened (不予立案)"),
    "result": _l("Result returned (反馈处理结果)"),
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
    "repeats": _l("Repeats, not counted as received (其中重复件)"),
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
    "cases_opened": _l("Cases opened (立案)"),
    "concluded_late": _l("Concluded after the deadline"),
    **MEASURE_NAMES,
    "rectification_items": _l("Rectification items (整改问题数)"),
    "rectification_done": _l("Rectification items done"),
    "cases_with_measures": _l("Cases with measures recorded"),
    "rewards_proposed": _l("Rewards proposed"),
    "rewards_proposed_fen": _l("Rewards proposed (yuan)"),
    "rewards_approved": _l("Rewards approved"),
    "rewards_approved_fen": _l("Rewards approved (yuan)"),
    "rewards_paid": _l("Rewards paid"),
    "rewards_paid_fen": _l("Rewards paid (yuan)"),
    "rewards_lapsed": _l("Rewards lapsed"),
    "rewards_lapsed_fen": _l("Rewards lapsed (yuan)"),
    "median_days": _l("Median days to conclusion"),
    "acceptance_rate": _l("Acceptance rate (受理率, %)"),
    "on_time_rate": _l("Concluded on time (按期办结率, %)"),
    "substantiated_rate": _l("Substantiated (属实率, %)"),
    "named_concluded": _l("Real-name cases concluded"),
    "named_fed_back": _l("Real-name results given"),
    "visits_satisfied": _l("Return visits: satisfied"),
    "visits_basically": _l("Return visits: basically satisfied"),
    "visits_dissatisfied": _l("Return visits: dissatisfied"),
    "named_feedback_rate": _l("Real-name feedback (实名反馈率, %)"),
    "satisfaction_rate": _l("Satisfaction (满意率, %)"),
    "listed": _l("Listed for supervision (挂牌督办)"),
    "joint_supervision": _l("Joint supervision (联合督办)"),
    "interviews": _l("Talks with the bureau (约谈)"),
    "circulars": _l("Circulars (通报)"),
}
EVENT_NAMES = {
    "received": _l("received"),
    "accepted": _l("accepted"),
    "not_accepted": _l("not accepted"),
    "assigned": _l("handler assigned"),
    "shared": _l("co-bureau given access"),
    "transferred": _l("transferred"),
    "handed_over": _l("handed over"),
    "hand_over_replied": _l("receiving organ replied"),
    "concluded": _l("concluded"),
    "outcome_updated": _l("outcome updated"),
    "typical_proposed": _l("typical case proposed for publication"),
    "reopened": _l("reopened for review"),
    "extended": _l("deadline extended"),
    "extension_requested": _l("extension asked for"),
    "marked_major": _l("marked as a major lead"),
    "unmarked_major": _l("no longer a major lead"),
    "message_sent": _l("message sent to the reporter"),
    "reporter_message": _l("message from the reporter"),
    "reporter_files": _l("files added by the reporter"),
    "reward_claimed": _l("reward claimed"),
    "reward_decided": _l("reward recorded"),
    "reward_proposed": _l("reward proposed"),
    "reward_excluded": _l("reporter excluded from a reward"),
    "reward_approved": _l("reward approved and the reporter told"),
    "reward_paid": _l("reward paid"),
    "reward_lapsed": _l("reward lapsed: not collected in time"),
    "due_soon": _l("deadline near"),
    "overdue": _l("deadline passed"),
    "supervised": _l("supervision note (督办)"),
    "destroyed": _l("destroyed under the retention rules"),
    "marked_repeat": _l("marked as a repeat (重复件) of an earlier case"),
    "repeat_linked": _l("a repeat report (重复件) was joined to this case"),
    "review_listed": _l("listed in a review round (回头看)"),
    "reviewed": _l("review result recorded (回头看)"),
    "studied": _l("collective study recorded (集体研判)"),
    "leader_named": _l("leader responsible named (领导包案)"),
    "listed": _l("listed for supervision (挂牌督办 or 联合督办)"),
    "feedback_given": _l("feedback given to the real-name reporter"),
    "feedback_overdue": _l("feedback to the real-name reporter overdue"),
    "handed_down": _l("recorded as handed down by a higher office (上级交办)"),
    "hand_down_progress": _l("progress report sent to the office that handed it down"),
    "hand_down_completed": _l("completion report (办结报告) sent back to the higher office"),
    "supervision_answered": _l("supervision note (督办) answered"),
    "interviewed": _l("talk with the bureau recorded (约谈)"),
    "circulated": _l("circular recorded (通报)"),
    "document_issued": _l("document issued (文书)"),
}
#: What was sent back to the office that handed a case down (cases/hand_downs.py).
HAND_DOWN_REPORT_NAMES: dict[str, Wording] = {
    "progress": _l("Progress report"),
    "completion": _l("Completion report (办结报告)"),
}
#: The kinds of supervision note (cases/supervision_answers.py).
SUPERVISION_KIND_NAMES: dict[str, Wording] = {
    "supervision": _l("Supervision note (督办)"),
    "interview": _l("Talk with the bureau (约谈)"),
    "circular": _l("Circular (通报)"),
}
REVIEW_RESULT_NAMES: dict[str, Wording] = {
    ReviewResult.UPHELD: _l("Conclusion upheld (维持原结论)"),
    ReviewResult.CHANGED: _l("Conclusion changed (改变原结论)"),
    ReviewResult.RECTIFY: _l("To be put right or handled again (需整改或重新办理)"),
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
    "account_approver_on": _l("may approve (负责人) granted"),
    "account_approver_off": _l("may approve (负责人) withdrawn"),
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
    "case_extend": _l("extension asked for"),
    "case_extend_approve": _l("extension approved"),
    "case_major": _l("major lead marked or unmarked"),
    "case_message": _l("message sent to the reporter"),
    "case_note": _l("internal note added"),
    "case_reward": _l("reward recorded"),
    "case_hand_over_reply": _l("the receiving organ's answer recorded"),
    "case_outcome": _l("outcome updated after conclusion"),
    "case_repeat": _l("marked as a repeat (重复件)"),
    "case_reviewed": _l("review result recorded (回头看)"),
    "case_typical": _l("typical case proposed (典型案例)"),
    "typical_approved": _l("typical case approved for publication"),
    "case_reward_propose": _l("reward proposed"),
    "case_reward_approve": _l("reward approved"),
    "case_reward_pay": _l("reward paid"),
    "case_grade": _l("collective study recorded (集体研判)"),
    "case_leader": _l("leader responsible named (领导包案)"),
    "case_escalate": _l("escalated to the level above (提级办理)"),
    "case_listing": _l("listed for supervision (挂牌督办 or 联合督办)"),
    "case_feedback": _l("feedback to the real-name reporter recorded"),
    "case_hand_down": _l("recorded as handed down (上级交办)"),
    "case_hand_down_report": _l("report to the office that handed it down recorded"),
    "case_supervision_answer": _l("answer to a supervision note (督办) recorded"),
    "case_interview": _l("talk with the bureau recorded (约谈)"),
    "case_circular": _l("circular recorded (通报)"),
    "case_document": _l("document issued (文书)"),
    "document_opened": _l("document opened (文书)"),
    "unit_added": _l("unit added"),
    "unit_changed": _l("unit's identity or host changed"),
    "case_hand_down_below": _l("handed down to a unit below (交办)"),
}

RULE_SEPARATOR = _l("; ")

#: The parts of a routing rule (intake/domain/cases/routing.py): what sent the case where.
RULE_WORDS = {
    "unclassified": _l("no category fits: the intake desk decides"),
    "category": _l("by category: %(category)s"),
    "official_involved": _l("a public official is involved: the discipline commission too"),
    "lead_not_ready": _l("held by the intake desk until the bureau has a key"),
    "recusal": _l("the report names the bureau that would lead it: recusal (回避)"),
}


def rule_name(rule: str, category_name: Callable[[str], str]) -> str:
    """A routing rule in words, e.g. "category:kickbacks+official_involved"."""
    words = []
    for part in rule.split("+"):
        if part.startswith("category:"):
            code = part.removeprefix("category:")
            words.append(str(RULE_WORDS["category"] % {"category": category_name(code)}))
        elif part.startswith("recusal:"):
            words.append(str(RULE_WORDS["recusal"]))
        else:
            words.append(str(RULE_WORDS.get(part, part)))
    return str(RULE_SEPARATOR).join(words)


def audit_action_name(action: str) -> str:
    """An audit action in words, or its code when it is unknown (an older version's)."""
    return str(AUDIT_ACTION_NAMES.get(action, action))


#: Why a reporter gets no reward (intake/domain/cases/rewards.py, docs/rules.md §5).
REWARD_EXCLUSION_NAMES: dict[str, Wording] = {
    "insurance_staff": _l("The reporter is 医保 staff"),
    "own_conduct": _l("The report is about the reporter's own conduct"),
}
ID_TYPE_NAMES: dict[str, Wording] = {
    "resident_id": _l("Resident identity card"),
    "passport": _l("Passport"),
    "hk_macao_permit": _l("Mainland travel permit (Hong Kong, Macao)"),
    "taiwan_permit": _l("Mainland travel permit (Taiwan)"),
    "other": _l("Other document"),
}
PAID_BY_NAMES: dict[str, Wording] = {
    "bank_transfer": _l("Bank transfer"),
    "cash": _l("Cash"),
    "other": _l("Other"),
}

#: How serious a lead is (cases/grading.py, docs/rules.md §9).
GRADE_NAMES: dict[str, Wording] = {
    Grade.ORDINARY: _l("Ordinary (一般)"),
    Grade.IMPORTANT: _l("Important (重要)"),
    Grade.MAJOR: _l("Major (重大)"),
}
LISTING_NAMES: dict[str, Wording] = {
    Listing.LISTED: _l("Listed for supervision (挂牌督办)"),
    Listing.JOINT: _l("Joint supervision (联合督办)"),
}
#: Feedback to real-name reporters (intake/domain/cases/feedback.py, docs/rules.md §8).
FEEDBACK_KIND_NAMES: dict[str, Wording] = {
    "notice": _l("Notice whether accepted (受理告知)"),
    "result": _l("Result (结果反馈)"),
    "visit": _l("Return visit (回访)"),
}
FEEDBACK_WAY_NAMES: dict[str, Wording] = {
    "phone": _l("By telephone"),
    "in_person": _l("In person"),
    "letter": _l("By letter"),
    "status_page": _l("On the status page"),
}
SATISFACTION_NAMES: dict[str, Wording] = {
    "satisfied": _l("Satisfied (满意)"),
    "basically": _l("Basically satisfied (基本满意)"),
    "dissatisfied": _l("Dissatisfied (不满意)"),
}

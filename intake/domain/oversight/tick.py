"""`qingfeng tick`: mark cases due soon and overdue, once per deadline, and tell the bureau;
let rewards not collected in time lapse (docs/rules.md §5).

Run from cron or a systemd timer (docs/operations.md). Each deadline is warned about once and
flagged overdue once; the events it records feed the overdue board and the statistics. A
reminder names case references and a console link, never a word of a report.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from intake.config import Settings
from intake.domain.cases import feedback, rewards
from intake.domain.models import BureauMembership, Event, Report, StaffMember
from intake.domain.oversight import due, feedback_due


@dataclass
class TickResult:
    """What one run marked, and who was told."""

    due_soon: list[Report] = field(default_factory=list)
    overdue: list[Report] = field(default_factory=list)
    mailed: list[str] = field(default_factory=list)
    #: Rewards not collected by their last day (docs/rules.md §5).
    lapsed: list[Report] = field(default_factory=list)
    #: Feedback owed to real-name reporters newly past its last day (docs/rules.md §8).
    late_feedback: list[feedback_due.Late] = field(default_factory=list)


def _stage(report: Report) -> str:
    return "decision" if report.accepted_on is None else "conclusion"


def tick(db: Session, today: dt.date, settings: Settings | None = None) -> TickResult:
    """Record due-soon and overdue events for deadlines not flagged yet; commit. With the
    settings (whose calendar counts the working days), feedback owed to real-name reporters
    and past its last day too, once per feedback and date."""
    result = TickResult()
    if settings is not None:
        result.late_feedback = _late_feedback(db, settings, today)
    deadline = due.deadline()
    overdue = _not_flagged(db, due.overdue_parts(today), Report.overdue_for, deadline)
    for report in overdue:
        report.overdue_for = _current_deadline(report)
        report.events.append(_event(report, "overdue", today))
        result.overdue.append(report)
    soon = _not_flagged(db, due.due_soon_parts(today), Report.warned_for, deadline)
    for report in soon:
        report.warned_for = _current_deadline(report)
        report.events.append(_event(report, "due_soon", today))
        result.due_soon.append(report)
    result.lapsed = rewards.lapse(db, today)
    db.commit()
    return result


def _late_feedback(db: Session, settings: Settings, today: dt.date) -> list[feedback_due.Late]:
    flagged = {
        (report_id, value, (detail or {}).get("due"))
        for report_id, value, detail in db.execute(
            select(Event.report_id, Event.value, Event.detail).where(
                Event.kind == feedback.OVERDUE_EVENT
            )
        )
    }
    out = []
    for late in feedback_due.late(db, settings, today):
        if (late.report.id, late.kind, late.due.isoformat()) in flagged:
            continue
        late.report.events.append(
            Event(
                kind=feedback.OVERDUE_EVENT,
                occurred_on=today,
                bureau=late.report.lead_bureau.code,
                value=late.kind,
                detail={"due": late.due.isoformat()},
            )
        )
        out.append(late)
    return out


def _not_flagged(
    db: Session,
    parts: tuple[ColumnElement[bool], ...],
    flagged_for: InstrumentedAttribute[dt.date | None],
    deadline: ColumnElement[dt.date],
) -> list[Report]:
    # Part by part, each along its own index: as one OR the planner reads every case.
    return [
        report
        for part in parts
        for report in db.scalars(
            select(Report).where(
                part,
                Report.destroyed_on.is_(None),
                or_(flagged_for.is_(None), flagged_for != deadline),
            )
        )
    ]


def _current_deadline(report: Report) -> dt.date | None:
    return report.decision_due if report.accepted_on is None else report.conclusion_due


def _event(report: Report, kind: str, today: dt.date) -> Event:
    return Event(
        kind=kind,
        occurred_on=today,
        bureau=report.lead_bureau.code,
        value=_stage(report),
        detail={},
    )


def notify(db: Session, settings: Settings, result: TickResult) -> list[str]:
    """E-mail each active member of the bureaus concerned one digest; returns the addresses.

    Nothing is sent when no SMTP host is configured. The message holds references, deadlines
    and a console link only.
    """
    if not settings.smtp_host:
        return []
    per_member: dict[str, list[tuple[str, Report]]] = defaultdict(list)
    for kind, reports in (("overdue", result.overdue), ("due_soon", result.due_soon)):
        for report in reports:
            for address in _addresses(db, report):
                per_member[address].append((kind, report))
    for late in result.late_feedback:
        for address in _addresses(db, late.report):
            per_member[address].append((f"feedback_{late.kind}", late.report))
    dues = {(late.report.id, f"feedback_{late.kind}"): late.due for late in result.late_feedback}
    sent = []
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        for address, items in sorted(per_member.items()):
            smtp.send_message(_message(settings, address, items, dues))
            sent.append(address)
    return sent


def _addresses(db: Session, report: Report) -> list[str]:
    """The addresses of the active members of the case's lead bureau who gave one."""
    return [
        member.email or ""
        for member in db.scalars(
            select(StaffMember)
            .join(BureauMembership)
            .where(
                BureauMembership.bureau_id == report.lead_bureau_id,
                StaffMember.active,
                StaffMember.email.is_not(None),
            )
        )
    ]


#: What a reminder says of each item; the deadline of a feedback is its own, not the case's.
_LABELS = {
    "overdue": "已超期 overdue",
    "due_soon": "即将到期 due soon",
    "feedback_notice": "实名受理告知已超期 real-name notice overdue",
    "feedback_result": "实名结果反馈已超期 real-name result feedback overdue",
}


def _message(
    settings: Settings,
    address: str,
    items: list[tuple[str, Report]],
    feedback_dues: dict[tuple[str, str], dt.date] | None = None,
) -> EmailMessage:
    lines = ["以下案件需要处理 / These cases need attention:", ""]
    for kind, report in items:
        label = _LABELS[kind]
        deadline = (feedback_dues or {}).get((report.id, kind)) or _current_deadline(report)
        link = f"{settings.console_url.rstrip('/')}/admin/cases/{report.reference}"
        lines.append(f"{report.reference}  {label}  {deadline.isoformat() if deadline else ''}")
        lines.append(f"  {link}")
    lines += ["", "此邮件不含举报内容。This message contains no report content."]
    message = EmailMessage()
    message["Subject"] = f"[清风 Qingfeng] {len(items)} 件案件期限提醒 / deadline reminder"
    message["From"] = settings.smtp_from
    message["To"] = address
    message.set_content("\n".join(lines))
    return message

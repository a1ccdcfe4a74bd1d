"""The case actions of a case handed down (上级交办) and of the answer to a 督办 note: their
forms and what each does (intake/domain/cases/hand_downs.py, supervision_answers.py)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from admin.cases.forms import CHOOSE
from admin.cases.hand_down_forms import HandDownForm, HandDownReportForm, SupervisionAnswerForm
from intake.domain.cases import hand_downs, supervision_answers
from intake.domain.cases.casework import Actor
from intake.domain.cases.documents import KINDS
from intake.domain.models import Report
from intake.platform import db

#: The actions this module applies.
ACTIONS = ("hand_down", "hand_down_report", "supervision_answer")


def forms(report: Report) -> dict[str, FlaskForm]:
    """The case page's forms for these actions, prefixed by action; the report sent back
    offers the 办结报告 issued on the case."""
    sent_back = HandDownReportForm(prefix="hand_down_report")
    sent_back.document.choices = [CHOOSE] + [
        SelectChoice(str(d.id), f"{d.reference} {KINDS[d.kind].title}")
        for d in hand_downs.reports_issued(report)
    ]
    return {
        "hand_down": HandDownForm(prefix="hand_down"),
        "hand_down_report": sent_back,
        "supervision_answer": SupervisionAnswerForm(prefix="supervision_answer"),
    }


def apply(action: str, report: Report, data_key: bytes, form: Any, who: Actor) -> dict[str, Any]:
    """Take one of ACTIONS; return what the audit trail records of it."""
    match action:
        case "hand_down":
            order = hand_downs.Order(
                form.number.data, form.issuer.data, form.received_on.data, form.due.data
            )
            hand_down = hand_downs.record(
                db.session(), report, data_key, who, order, form.note.data or ""
            )
            return {"number": hand_down.number, "due": hand_down.due.isoformat()}
        case "hand_down_report":
            hand_downs.send_back(
                report,
                data_key,
                who,
                form.kind.data,
                form.sent_on.data,
                form.document_number.data or "",
                form.text.data,
                int(form.document.data) if form.document.data else None,
            )
            return {"kind": form.kind.data, "document": form.document.data or None}
        case "supervision_answer":
            supervision_answers.answer(report, data_key, who, form.note_id.data, form.text.data)
            return {"note": form.note_id.data}
    return {}

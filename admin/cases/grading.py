"""The case page's grading and disposal (intake/domain/cases/grading.py): the forms of the four
actions, what the page shows of them, and how each is applied (admin/cases/views.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from admin.cases.forms import CHOOSE, MUST_CHOOSE, _text_area
from admin.forms import REQUIRED, TOO_LONG
from admin.labels import unit_bureau_name
from intake.domain.cases import grading, levels
from intake.domain.cases.casework import LETTER_LIMIT, Actor
from intake.domain.cases.text import normalise_text
from intake.domain.labels import GRADE_NAMES, LISTING_NAMES
from intake.domain.models import Report, StaffMember
from intake.platform import db

ACTIONS = ("grade", "leader", "escalate", "listing")
DATE_REQUIRED = DataRequired(message=_l("Please give the date."))


def _id(value: Any) -> int | None:
    # The empty first choice is None, which MUST_CHOOSE refuses.
    return int(value) if value not in (None, "") else None


def _body(label: str) -> StringField:
    return StringField(
        label,
        filters=[normalise_text],
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=grading.BODY_LIMIT, message=TOO_LONG),
        ],
    )


class GradeForm(FlaskForm):
    """A round of 集体研判 and the grade it set."""

    grade = SelectField(
        _l("Grade (定级)"),
        choices=[CHOOSE, *(SelectChoice(code, name) for code, name in GRADE_NAMES.items())],
        validators=[MUST_CHOOSE],
    )
    studied_on = DateField(_l("Date of the study"), validators=[DATE_REQUIRED])
    # Choices: the lead bureau's members (the view).
    participants = SelectMultipleField(
        _l("Members who took part (at least two)"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )
    conclusion = _text_area(_l("Conclusion of the study"))


class LeaderForm(FlaskForm):
    """领导包案: the 负责人 responsible for the case."""

    # Choices: the lead bureau's 负责人 (the view), after an empty first one.
    leader = SelectField(_l("Leader responsible"), coerce=_id, validators=[MUST_CHOOSE])


class EscalateForm(FlaskForm):
    """提级办理: the body above, the reason and the letter, if any."""

    body = _body(_l("Body above (上级机关)"))
    reason = _text_area(_l("Reason for escalating"))
    letter = StringField(
        _l("Letter number (文号)"),
        filters=[normalise_text],
        validators=[Optional(), Length(max=LETTER_LIMIT, message=TOO_LONG)],
    )
    letter_on = DateField(_l("Date of the letter"), validators=[Optional()])


class ListingForm(FlaskForm):
    """挂牌督办 or 联合督办, by which body and since when."""

    kind = SelectField(
        _l("Kind of supervision"),
        choices=[CHOOSE, *(SelectChoice(code, name) for code, name in LISTING_NAMES.items())],
        validators=[MUST_CHOOSE],
    )
    body = _body(_l("Listed by (body)"))
    since = DateField(_l("Since"), validators=[DATE_REQUIRED])


def forms(report: Report) -> dict[str, FlaskForm]:
    """The four forms, with the lead bureau's members as their choices."""
    everyone = grading.members(db.session(), report)
    out: dict[str, FlaskForm] = {
        "grade": GradeForm(prefix="grade"),
        "leader": LeaderForm(prefix="leader"),
        "escalate": EscalateForm(prefix="escalate"),
        "listing": ListingForm(prefix="listing"),
    }
    above = levels.bureau_above(db.session(), report.lead_bureau)
    if above is not None:
        # The tree knows the body above: typing its name again is not asked, only allowed.
        body = out["escalate"].body
        body.validators = [Optional(), Length(max=grading.BODY_LIMIT, message=TOO_LONG)]
        body.flags.required = False
        body.description = _l(
            "Leave it empty to send the case to %(name)s.", name=unit_bureau_name(above)
        )
    out["grade"].participants.choices = [(m.id, m.username) for m in everyone]
    # The 负责人 among them, as grading.leaders has it.
    out["leader"].leader.choices = [CHOOSE] + [
        SelectChoice(m.id, m.username) for m in everyone if m.may_approve
    ]
    return out


def apply(action: str, report: Report, data_key: bytes, form: Any, who: Actor) -> dict[str, Any]:
    """Take one of ACTIONS; returns what the audit record keeps."""
    session = db.session()
    match action:
        case "grade":
            study = grading.record_study(
                report, session, data_key, who, form.grade.data, form.studied_on.data,
                form.participants.data or [], form.conclusion.data,
            )  # fmt: skip
            return {"grade": study.grade, "participants": len(study.participants)}
        case "leader":
            leader = session.get(StaffMember, form.leader.data)
            if leader is None:
                abort(400)
            previous = report.leader_staff_id
            grading.name_leader(report, session, who, leader)
            return {"leader": leader.id, "previous": previous}
        case "escalate":
            above = levels.bureau_above(session, report.lead_bureau)  # 报送: it reads the case
            body = form.body.data or (unit_bureau_name(above) if above is not None else "")
            grading.escalate(
                report, data_key, who, body, form.reason.data, form.letter.data,
                form.letter_on.data, above,
            )  # fmt: skip
            return {"to": report.escalated_to, "bureau": above.id if above else None}
        case "listing":
            grading.list_case(report, who, form.kind.data, form.body.data, form.since.data)
            return {"listing": report.listing, "by": report.listed_by}
    abort(404)


@dataclass(frozen=True)
class PagePart:
    """What the case page shows of grading and disposal."""

    studies: list[grading.ShownStudy]
    leader: str | None
    escalation_reason: str | None


def page_part(report: Report, data_key: bytes, names: dict[int, str]) -> PagePart:
    """The rounds of 集体研判, the leader's name and the reason for escalating."""
    return PagePart(
        grading.studies(db.session(), report, data_key),
        names.get(report.leader_staff_id) if report.leader_staff_id is not None else None,
        grading.escalation_reason(report, data_key),
    )


def grading_values(action: str, form: Any) -> dict[str, str]:
    """What the confirmation and the message of one of ACTIONS name."""
    if action == "grade":
        return {"grade": str(GRADE_NAMES.get(form.grade.data, form.grade.data))}
    if action == "leader":
        leader = db.session().get(StaffMember, form.leader.data)
        return {"name": leader.username if leader else ""}
    if action == "listing":
        return {"listing": str(LISTING_NAMES.get(form.kind.data, form.kind.data))}
    return {"body": form.body.data or ""}


def leader_names(cases: list[Report]) -> dict[int, str]:
    """The names of the leaders responsible for a queue page's cases, in one query."""
    ids = {r.leader_staff_id for r in cases if r.leader_staff_id is not None}
    if not ids:
        return {}
    rows = db.session().execute(
        select(StaffMember.id, StaffMember.username).where(StaffMember.id.in_(ids))
    )
    return {staff_id: name for staff_id, name in rows}

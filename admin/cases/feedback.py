"""The case page's part of the real-name duties (docs/rules.md §8): the notice and result
a real-name reporter is owed, with their last days, the feedback recorded so far, and the form
to record one (cases/feedback.py). The action goes through the case page's actions
(admin/cases/views.py), with its power, confirmation and audit label like the others."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from admin.cases.forms import CHOOSE, MUST_CHOOSE
from admin.forms import REQUIRED, TOO_LONG
from intake.domain.cases import feedback
from intake.domain.cases.casework import TEXT_LIMIT, Actor
from intake.domain.cases.documents import KINDS
from intake.domain.cases.text import normalise_text
from intake.domain.labels import FEEDBACK_KIND_NAMES, FEEDBACK_WAY_NAMES, SATISFACTION_NAMES
from intake.domain.models import Report
from intake.platform import context, i18n

DOCUMENT_TITLES = {code: kind.title for code, kind in KINDS.items()}


def _choices(names: dict[str, Any]) -> list[SelectChoice]:
    return [CHOOSE] + [SelectChoice(code, str(name)) for code, name in names.items()]


class FeedbackForm(FlaskForm):
    """One feedback given to the real-name reporter. The kind and the way start empty: a
    result is not recorded as given because it was the first line of a list."""

    kind = SelectField(
        _l("Feedback"), choices=_choices(FEEDBACK_KIND_NAMES), validators=[MUST_CHOOSE]
    )
    given_on = DateField(_l("Given on"), validators=[InputRequired(message=REQUIRED)])
    way = SelectField(_l("How"), choices=_choices(FEEDBACK_WAY_NAMES), validators=[MUST_CHOOSE])
    satisfaction = SelectField(
        _l("Satisfaction (return visits only)"),
        choices=_choices(SATISFACTION_NAMES),
        validators=[Optional()],
    )
    opinion = TextAreaField(
        _l("What the reporter thought of it"),
        filters=[normalise_text],
        validators=[Optional(), Length(max=TEXT_LIMIT, message=TOO_LONG)],
    )
    objection = TextAreaField(
        _l("Objection (异议), if any"),
        filters=[normalise_text],
        validators=[Optional(), Length(max=TEXT_LIMIT, message=TOO_LONG)],
    )
    new_evidence = BooleanField(_l("The objection brings new evidence: reopen to check it"))
    #: The notice or 答复意见书 that carried it; the choices are the case's (offer_documents).
    document = SelectField(
        _l("Document sent (for a letter: the notice or 答复意见书 issued)"),
        choices=[CHOOSE],
        validators=[Optional()],
    )

    def given(self) -> feedback.Given:
        """What the form records, for the domain."""
        return feedback.Given(
            kind=self.kind.data,
            given_on=self.given_on.data,
            way=self.way.data,
            opinion=self.opinion.data,
            satisfaction=self.satisfaction.data or None,
            objection=self.objection.data,
            new_evidence=bool(self.new_evidence.data),
            document_id=int(self.document.data) if self.document.data else None,
        )

    def offer_documents(self, report: Report) -> None:
        """Offer the notices and 答复意见书 issued on the case (none for an anonymous one)."""
        if not feedback.owed(report):
            return
        self.document.choices = [CHOOSE] + [
            SelectChoice(str(d.id), f"{d.reference} {DOCUMENT_TITLES[d.kind]}")
            for d in feedback.carriers(report)
        ]


@dataclass(frozen=True)
class Owed:
    """A duty as the page shows it: the feedback, its last day, its basis, when it was given."""

    kind: str
    due: str
    basis: str
    given_on: str | None
    late: bool


def page_part(report: Report, data_key: bytes) -> dict[str, Any]:
    """What the case page shows of the real-name duties."""
    settings, today = context.settings(), context.today()
    rows = feedback.shown(report, data_key)
    duties = feedback.duties(report, [s.row for s in rows], settings)
    return {
        "owed": feedback.owed(report),
        "duties": [
            Owed(
                kind=str(FEEDBACK_KIND_NAMES[d.kind]),
                due=d.due.isoformat(),
                basis=feedback.basis(report, d.kind, i18n.current()),
                given_on=d.given_on.isoformat() if d.given_on else None,
                late=d.late(today),
            )
            for d in duties
        ],
        "given": rows,
        "kinds": FEEDBACK_KIND_NAMES,
        "ways": FEEDBACK_WAY_NAMES,
        "satisfaction": SATISFACTION_NAMES,
    }


def apply(report: Report, data_key: bytes, who: Actor, form: FeedbackForm) -> dict[str, Any]:
    """Record the feedback; what the audit record keeps (codes, never the reporter's words)."""
    row = feedback.record(report, data_key, who, context.settings(), form.given())
    carried = {"document": row.document.id} if row.document is not None else {}
    return {"kind": row.kind, "way": row.way, "reopened": row.new_evidence, **carried}

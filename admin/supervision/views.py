"""Supervisors: the overdue board with one-click 督办, and a case's audit trail.

Metadata only: a supervisor holds no bureau key. A 督办 note is sealed to the lead bureau's
public key, which needs none.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import Subquery, and_, case, func, literal, or_, select, true, union_all
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from admin import audit
from admin.cases import document_render
from admin.console import (
    actor,
    chosen_unit,
    record_audit,
    requires,
    visible_bureau_ids,
    visible_unit_ids,
)
from admin.supervision.forms import SuperviseForm, SupervisionEventForm
from intake.domain.cases import casework, documents, profiles, supervision_answers
from intake.domain.cases.deadlines import current_deadline
from intake.domain.codes import Listing, Role
from intake.domain.labels import FEEDBACK_KIND_NAMES, STATE_NAMES
from intake.domain.models import Bureau, Report, StaffMember, TypicalCase, Unit
from intake.domain.oversight import due, feedback_due
from intake.platform import context, db, i18n

bp = Blueprint("supervision", __name__)


def _by_reference(reference: str) -> Report:
    report = (
        db.session()
        .scalars(
            select(Report).where(
                Report.reference == reference, Report.lead_bureau_id.in_(visible_bureau_ids())
            )
        )
        .first()
    )
    if report is None:
        abort(404)
    return report


BOARD_PAGE = 50
#: Late feedback listed on a unit's board; the count above it tells how many there are.
FEEDBACK_SHOWN = 100
#: 督办 notes awaiting an answer listed on a unit's board, the earliest due first.
AWAITED_SHOWN = 200
REFERENCE_INPUT_LIMIT = 40


@dataclass(frozen=True)
class UnitRow:
    """One unit's line on a board above a county: its own bureaus' counts (no unit: the
    total of the lines)."""

    unit: Unit | None
    on_board: int
    overdue: int
    major: int
    late_feedback: int
    awaited: int


@bp.get("/overdue")
@requires(Role.SUPERVISOR)
def overdue() -> str:
    """Overdue cases and major leads. Above a county, one line of counts per unit and no
    case; for one unit (a county supervisor's own, or the one chosen by `unit`), how many per
    bureau, then the cases, a page at a time, by bureau and category, oldest first (of one
    bureau when one is chosen)."""
    today, database = context.today(), db.session()
    visible = visible_bureau_ids()
    bureaus = {
        b.id: b
        for b in database.scalars(
            select(Bureau)
            .where(Bureau.id.in_(visible))
            .options(selectinload(Bureau.unit))
            .order_by(Bureau.id)
        )
    }
    seen = {
        u.id: u
        for u in database.scalars(
            select(Unit).where(Unit.id.in_(visible_unit_ids())).order_by(Unit.id)
        )
    }
    unit = chosen_unit()
    chosen = None
    if request.args.get("bureau"):
        # A city's supervisor tells its counties' bureaus apart by `unit` (docs/design.md).
        chosen = next(
            (
                b
                for b in bureaus.values()
                if b.code == request.args["bureau"] and unit in (None, b.unit)
            ),
            None,
        )
        if chosen is None:
            abort(404)
        unit = chosen.unit
    holding = {b.unit_id for b in bureaus.values()}
    if unit is None and len(holding) > 1:
        return _units_board(today, seen, bureaus, visible)
    scope = visible if unit is None else {i for i, b in bureaus.items() if b.unit_id == unit.id}
    try:
        number = max(1, min(int(request.args.get("page", "1")), 100_000))
    except ValueError:
        abort(400)
    board = _board(today, scope)
    summary = [
        (bureaus[bureau_id], on_board_count, overdue_count, major_count)
        for bureau_id, on_board_count, overdue_count, major_count in _per_bureau(board)
    ]
    total = sum(n for b, n, _o, _m in summary if chosen is None or b is chosen)
    shown = scope if chosen is None else {chosen.id}
    page_ids = list(
        database.scalars(
            select(board.c.id)
            .where(board.c.bureau_id.in_(shown))
            .order_by(board.c.bureau_id, board.c.category, board.c.received_on, board.c.reference)
            .limit(BOARD_PAGE)
            .offset((number - 1) * BOARD_PAGE)
        )
    )
    found = {
        r.id: r
        for r in database.scalars(
            select(Report).where(Report.id.in_(page_ids)).options(selectinload(Report.lead_bureau))
        )
    }
    settings = context.settings()
    late_count = sum(feedback_due.count_by_bureau(database, settings, today, shown).values())
    return render_template(
        "admin/overdue.html",
        cases=[found[i] for i in page_ids],
        summary=summary,
        chosen=chosen,
        unit=unit if len(holding) > 1 else None,
        units=None,
        page=number,
        pages=max(1, -(-total // BOARD_PAGE)),
        today=today,
        deadline=current_deadline,
        basis=functools.partial(
            profiles.current_basis,
            taxonomy=context.taxonomy(),
            settings=settings,
            locale=i18n.current(),
        ),
        state_names=STATE_NAMES,
        form=SuperviseForm(),
        late_feedback=feedback_due.late(database, settings, today, shown, limit=FEEDBACK_SHOWN),
        late_feedback_count=late_count,
        feedback_kinds=FEEDBACK_KIND_NAMES,
        awaited=supervision_answers.awaited(database, today, scope, limit=AWAITED_SHOWN),
        answered=supervision_answers.answered(database, scope),
        event_form=SupervisionEventForm(),
        is_overdue=lambda r: (
            (d := current_deadline(r.state, r.decision_due, r.conclusion_due)) is not None
            and d < today
        ),
    )


def _units_board(
    today: dt.date, seen: dict[int, Unit], bureaus: dict[int, Bureau], visible: set[int]
) -> str:
    """A board above a county: each unit's counts, every one grouped by bureau in the
    database and added up per unit here; the cases are a unit's board away."""
    database = db.session()
    per_unit: dict[int, list[int]] = {u: [0, 0, 0, 0, 0] for u in seen}
    for bureau_id, on_board_count, overdue_count, major_count in _per_bureau(
        _board(today, visible)
    ):
        counts = per_unit[bureaus[bureau_id].unit_id]
        counts[0] += on_board_count
        counts[1] += overdue_count
        counts[2] += major_count
    late = feedback_due.count_by_bureau(database, context.settings(), today, visible)
    awaited = supervision_answers.awaited_by_bureau(database, visible)
    for column, counted in ((3, late), (4, awaited)):
        for bureau_id, count in counted.items():
            per_unit[bureaus[bureau_id].unit_id][column] += count
    holding = {b.unit_id for b in bureaus.values()}
    rows = [UnitRow(seen[u], *per_unit[u]) for u in _tree_order(seen) if u in holding]
    total = UnitRow(None, *(sum(getattr(r, f) for r in rows) for f in _COUNTS))
    return render_template(
        "admin/overdue.html",
        units=rows,
        total=total,
        cases=[],
        summary=[],
        chosen=None,
        unit=None,
        event_form=SupervisionEventForm(),
    )


_COUNTS = ("on_board", "overdue", "major", "late_feedback", "awaited")


def _tree_order(seen: dict[int, Unit]) -> list[int]:
    """The units' ids, each followed by those below it (by id), as the tree reads."""
    children: dict[int | None, list[int]] = {}
    for unit in seen.values():
        parent = unit.parent_id if unit.parent_id in seen else None
        children.setdefault(parent, []).append(unit.id)
    out: list[int] = []
    stack = sorted(children.get(None, []), reverse=True)
    while stack:
        unit_id = stack.pop()
        out.append(unit_id)
        stack.extend(sorted(children.get(unit_id, []), reverse=True))
    return out


def _per_bureau(board: Subquery) -> list[tuple[int, int, int, int]]:
    """(bureau, on the board, overdue, major) per bureau holding a case on the board."""
    return [
        (bureau_id, on_board_count, int(overdue_count or 0), int(major_count or 0))
        for bureau_id, on_board_count, overdue_count, major_count in db.session().execute(
            select(board.c.bureau_id, func.count(), func.sum(board.c.late), func.sum(board.c.major))
            .group_by(board.c.bureau_id)
            .order_by(board.c.bureau_id)
        )
    ]


def _board(today: dt.date, bureau_ids: Collection[int]) -> Subquery:
    """The cases on the board led by `bureau_ids`, each once: overdue while deciding,
    overdue while concluding, major leads that are neither, and cases under 挂牌督办 or 联合督办
    (cases/grading.py) that are none of these. Four parts, so each is read along its own
    index (a planner given the whole OR reads every report)."""
    deciding, concluding = due.overdue_parts(today)
    columns = (
        Report.id,
        Report.lead_bureau_id.label("bureau_id"),
        Report.category,
        Report.received_on,
        Report.reference,
    )
    major = case((Report.major.is_(True), 1), else_=0)
    kept = and_(Report.destroyed_on.is_(None), Report.lead_bureau_id.in_(bureau_ids))
    # A listed case stays until it is concluded: the supervision is over then.
    listed = and_(Report.listing.in_(tuple(Listing)), Report.state.not_in(due.CLOSED))
    return union_all(
        select(*columns, literal(1).label("late"), major.label("major")).where(deciding, kept),
        select(*columns, literal(1), major).where(concluding, kept),
        select(*columns, literal(0), literal(1)).where(
            Report.major.is_(True), kept, or_(deciding, concluding).is_not(true())
        ),
        select(*columns, literal(0), literal(0)).where(
            listed, Report.major.is_not(True), kept, or_(deciding, concluding).is_not(true())
        ),
    ).subquery()


@bp.post("/cases/<reference>/supervise")
@requires(Role.SUPERVISOR)
def supervise(reference: str) -> Response:
    """督办: a note the lead bureau sees on the case and in its queue."""
    report = _by_reference(reference)
    form = SuperviseForm()
    valid = form.validate()
    text = form.text.data if valid else ""
    answer_due = form.answer_due.data if valid else None
    if answer_due is not None and answer_due < context.today():
        flash(str(PAST_ANSWER_DUE))
        return redirect(url_for("admin.supervision.overdue", _anchor=f"case-{reference}"), code=303)
    casework.supervise(report, actor(), text or str(SuperviseForm.DEFAULT), answer_due=answer_due)
    record_audit("case_supervised", report, answer_due=answer_due and answer_due.isoformat())
    db.session().commit()
    flash(str(SUPERVISED % {"reference": reference}))
    return redirect(url_for("admin.supervision.overdue", _anchor=f"case-{reference}"), code=303)


@bp.get("/typical")
@requires(Role.SUPERVISOR)
def typical_cases() -> str:
    """典型案例 proposed by the bureaus, newest first: pending ones with an approve button."""
    rows = (
        db.session()
        .scalars(
            select(TypicalCase)
            .join(Report, Report.id == TypicalCase.report_id)
            .where(Report.lead_bureau_id.in_(visible_bureau_ids()))
            .order_by(TypicalCase.approved_on.is_not(None), TypicalCase.id.desc())
        )
        .all()
    )
    return render_template("admin/typical.html", typical=rows, form=FlaskForm())


@bp.post("/typical/<int:typical_id>/approve")
@requires(Role.SUPERVISOR)
def approve_typical(typical_id: int) -> Response:
    """Publish a 典型案例 on the public page."""
    if not FlaskForm().validate():
        abort(400)
    typical = db.session().get(TypicalCase, typical_id)
    if typical is None or db.session().get_one(Report, typical.report_id).lead_bureau_id not in (
        visible_bureau_ids()
    ):
        abort(404)
    try:
        casework.approve_typical(typical, actor())
    except casework.CaseworkError:
        abort(409)
    record_audit("typical_approved", typical=typical.id)
    db.session().commit()
    return redirect(url_for("admin.supervision.typical_cases"), code=303)


SUPERVISED = _l("Supervision note sent to the bureau handling case %(reference)s.")
PAST_ANSWER_DUE = _l("The answer cannot be due before today: nothing was sent.")
NO_SUCH_CASE = _l("No case has the reference %(reference)s.")


@bp.get("/find")
@requires(Role.SUPERVISOR)
def find() -> Response:
    """Any case's audit trail, from its reference (spaces and lower case forgiven)."""
    typed = request.args.get("reference", "")[:REFERENCE_INPUT_LIMIT]
    reference = "".join(typed.split()).upper()
    if reference and not reference.startswith("QF-"):
        reference = "QF-" + reference.removeprefix("QF")
    exists = db.session().scalar(
        select(Report.id).where(
            Report.reference == reference, Report.lead_bureau_id.in_(visible_bureau_ids())
        )
    )
    if exists is None:
        flash(str(NO_SUCH_CASE % {"reference": typed.strip() or "—"}))
        return redirect(url_for("admin.supervision.overdue"), code=303)
    return redirect(url_for("admin.supervision.case_audit", reference=reference), code=303)


@bp.get("/cases/<reference>/audit")
@requires(Role.SUPERVISOR)
def case_audit(reference: str) -> str:
    """Who did what with a case, and when; reading it is audited too."""
    database = db.session()
    report = _by_reference(reference)
    events = audit.trail(database, report.id)
    record_audit("view_audit_trail", report)
    database.commit()
    names = {m.id: m.username for m in database.scalars(select(StaffMember))}
    return render_template("admin/audit.html", report=report, events=events, names=names)


@bp.post("/cases/<reference>/supervision-letter")
@requires(Role.SUPERVISOR)
def supervision_letter(reference: str) -> Response:
    """督办函: issued in the campaign office's name from the case's metadata, then shown."""
    report = _by_reference(reference)
    if not FlaskForm().validate():
        abort(400)
    try:
        letter = documents.issue(
            db.session(), report, b"", actor(), context.taxonomy(), "supervision", by_office=True
        )
    except casework.CaseworkError:
        abort(409)
    record_audit("case_document", report, kind=letter.kind, number=letter.reference)
    db.session().commit()
    return redirect(url_for(".letter", reference=reference, document_id=letter.id), code=303)


@bp.get("/cases/<reference>/supervision-letter/<int:document_id>")
@bp.get("/cases/<reference>/supervision-letter/<int:document_id>.docx", endpoint="letter_docx")
@requires(Role.SUPERVISOR)
def letter(reference: str, document_id: int) -> Response | str:
    """A 督办函 of the case, to print or as a Word file; metadata only, like the board."""
    report = _by_reference(reference)
    issued = next((d for d in documents.issued(db.session(), report) if d.id == document_id), None)
    if issued is None or issued.kind != "supervision":
        abort(404)
    docx = request.endpoint == "admin.supervision.letter_docx"
    record_audit("document_opened", report, document=issued.id, docx=docx)
    db.session().commit()
    return document_render.response(document_render.text_of(issued, report, None), docx)

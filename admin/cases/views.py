"""The queue and the case page with its actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import literal, select, tuple_
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from admin.cases import (
    confirmations,
    document_render,
    grading,
    hand_down_actions,
    level_actions,
    queue,
    repeats,
    reviews,
)
from admin.cases import feedback as real_name
from admin.cases.forms import (
    CHOOSE,
    AssignForm,
    ConcludeForm,
    DocumentForm,
    ExtendForm,
    HandOverForm,
    HandOverReplyForm,
    MajorForm,
    MessageForm,
    NotAcceptForm,
    NoteForm,
    OutcomeForm,
    ReopenForm,
    RewardPayForm,
    RewardProposeForm,
    ShareForm,
    TransferForm,
    TypicalForm,
)
from admin.cases.repeats import RepeatForm
from admin.console import (
    actor,
    back_to_case,
    bureau_by_code,
    case_data_key,
    is_member,
    load_case,
    opened,
    record_audit,
    requires,
    staff,
)
from admin.labels import bureau_name, unit_bureau_name
from crypto.errors import DecryptionError
from intake.domain.cases import (
    casework,
    documents,
    extensions,
    hand_downs,
    outcomes,
    profiles,
    rewards,
    supervision_answers,
)
from intake.domain.cases.deadlines import current_deadline
from intake.domain.cases.lifecycle import IllegalTransition, State
from intake.domain.cases.opened import open_case
from intake.domain.cases.outcomes import DISPOSALS, governing_rule
from intake.domain.cases.powers import ACTIONS, can, powers
from intake.domain.cases.reports import CHANNELS, ReportUnreadable, open_with_key
from intake.domain.cases.routing import RoutingDecision
from intake.domain.codes import CASE_ROLES, Grade
from intake.domain.evidence import attachments
from intake.domain.keys.keyring import bureau_private_key, data_key_for_bureau
from intake.domain.labels import (
    DISPOSAL_NAMES,
    ID_TYPE_NAMES,
    PAID_BY_NAMES,
    REWARD_EXCLUSION_NAMES,
    STATE_NAMES,
)
from intake.domain.models import Attachment, Bureau, BureauMembership, Report, StaffMember
from intake.domain.oversight import due
from intake.platform import context, db, i18n
from intake.platform.downloads import content_disposition, download_name

bp = Blueprint("cases", __name__)

ILLEGAL = _l("This action is not possible while the case is “%(state)s”.")


def _date_arg(name: str) -> dt.date | None:
    value = request.args.get(name, "")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        abort(400)


NOT_READABLE = _l("No case your bureaus can read has the reference %(reference)s.")
FIRST_LINE = 120


@bp.get("/queue")
@requires(*CASE_ROLES)
def queue_page() -> Response | str:
    """A bureau's cases by tab, with filters, counts and pages, and a glimpse of each row."""
    if "reference" in request.args:
        return _find(request.args["reference"])
    memberships = sorted(staff().memberships, key=lambda m: m.bureau.code)
    taxonomy = context.taxonomy()
    if not memberships:
        return render_template("admin/queue.html", memberships=[], bureau=None)
    codes = [m.bureau.code for m in memberships]
    code = request.args.get("bureau", codes[0])
    if code not in codes:
        abort(404)
    bureau = next(m.bureau for m in memberships if m.bureau.code == code)
    view = request.args.get("view", "new")
    if view not in queue.VIEWS:
        abort(400)
    filters = queue.Filters(
        category=_choice_arg("category", taxonomy.category_codes),
        channel=_choice_arg("channel", CHANNELS),
        state=_choice_arg("state", tuple(State)),
        received_from=_date_arg("from"),
        received_to=_date_arg("to"),
        grade=_choice_arg("grade", tuple(Grade)),
    )
    try:
        number = max(1, min(int(request.args.get("page", "1")), 100_000))
    except ValueError:
        abort(400)
    today, database = context.today(), db.session()
    counts = queue.counts(database, bureau.id, today, filters)
    cases = queue.page(database, bureau.id, view, today, filters, number)
    return render_template(
        "admin/queue.html",
        glimpses=_glimpses(cases, bureau),
        memberships=memberships,
        bureau=bureau,
        view=view,
        views=queue.VIEWS,
        counts=counts,
        cases=cases,
        filters=filters,
        page=number,
        pages=max(1, -(-counts[view] // queue.PAGE_SIZE)),
        today=today,
        deadline=current_deadline,
        state_names=STATE_NAMES,
        channels=CHANNELS,
        leaders=grading.leader_names(cases),
    )


def _find(typed: str) -> Response:
    """A case by reference; the same answer whether it does not exist or is not readable."""
    reference = "".join(typed[:40].split()).upper()
    if reference and not reference.startswith("QF-"):
        reference = "QF-" + reference.removeprefix("QF")
    report = db.session().scalars(select(Report).where(Report.reference == reference)).first()
    mine = {m.bureau_id for m in staff().memberships}
    if report is None or not any(w.bureau_id in mine for w in report.key_wraps):
        flash(str(NOT_READABLE % {"reference": typed.strip()[:40] or "—"}))
        return redirect(url_for("admin.cases.queue_page"), code=303)
    return redirect(url_for("admin.cases.case", reference=reference), code=303)


def _glimpses(cases: list[Report], bureau: Bureau) -> dict[str, tuple[str, str]]:
    """The institution and first line of each row's account, so a case is known before it is
    opened. Opened with the member's own key, for the rows on this page only (at most
    queue.PAGE_SIZE unwraps; bench/console.py measures the page)."""
    if not cases:
        return {}
    try:
        private = bureau_private_key(db.session(), staff(), opened().staff_private, bureau.code)
    except KeyError:
        return {}
    # The rows' key copies in one query, not one lazy load per row.
    db.session().scalars(
        select(Report)
        .where(Report.id.in_([r.id for r in cases]))
        .options(selectinload(Report.key_wraps))
    ).all()
    glimpses = {}
    for report in cases:
        try:
            key = data_key_for_bureau(report, bureau.code, private, bureau.id)
            content = open_with_key(report, key)
        except (KeyError, DecryptionError, ReportUnreadable):
            continue
        text = content.content.what_happened
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        glimpses[report.reference] = (content.content.institution, first[:FIRST_LINE])
    return glimpses


def _next_case(report: Report) -> str | None:
    """The next open case of the same lead bureau, in queue order (date, then reference)."""
    return db.session().scalar(
        select(Report.reference)
        .where(
            Report.lead_bureau_id == report.lead_bureau_id,
            Report.state.in_(due.OPEN),
            tuple_(Report.received_on, Report.reference)
            > tuple_(literal(report.received_on), literal(report.reference)),
        )
        .order_by(Report.received_on, Report.reference)
        .limit(1)
    )


def _choice_arg(name: str, allowed_values: tuple[str, ...]) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in allowed_values:
        abort(400)
    return value


def _forms(report: Report, data_key: bytes) -> dict[str, FlaskForm]:
    known = {b.code for b in context.taxonomy().bureaus}
    own_unit = select(Bureau).where(Bureau.unit_id == report.lead_bureau.unit_id)
    bureaus = db.session().scalars(own_unit.order_by(Bureau.code)).all()
    # A bureau still waiting for its founder has no key to seal the case to: not offered.
    recused = RoutingDecision.from_dict(report.routing).recused  # 回避: never offered
    others = [
        b
        for b in bureaus
        if b.id != report.lead_bureau_id
        and b.code in known
        and b.public_key is not None
        and b.code != recused
    ]
    holders = {w.bureau_id for w in report.key_wraps}
    handlers = (
        db.session()
        .scalars(
            select(StaffMember)
            .join(BureauMembership)
            .where(BureauMembership.bureau_id == report.lead_bureau_id, StaffMember.active)
            .order_by(StaffMember.username)
        )
        .all()
    )
    forms: dict[str, FlaskForm] = {
        "not_accept": NotAcceptForm(prefix="not_accept"),
        "assign": AssignForm(prefix="assign"),
        "transfer": TransferForm(prefix="transfer"),
        "share": ShareForm(prefix="share"),
        "hand_over": HandOverForm(prefix="hand_over"),
        "hand_over_reply": HandOverReplyForm(prefix="hand_over_reply"),
        "conclude": ConcludeForm(prefix="conclude"),
        "outcome": OutcomeForm(prefix="outcome", data=_outcome_data(report)),
        "typical": TypicalForm(prefix="typical"),
        "reopen": ReopenForm(prefix="reopen"),
        "extend": ExtendForm(prefix="extend"),
        "extend_approve": FlaskForm(prefix="extend_approve"),
        "major": MajorForm(prefix="major", data={"major": report.major}),
        "message": MessageForm(prefix="message"),
        "note": NoteForm(prefix="note"),
        "reward_propose": RewardProposeForm(prefix="reward_propose"),
        "reward_approve": FlaskForm(prefix="reward_approve"),
        "reward_pay": RewardPayForm(prefix="reward_pay"),
        "accept": FlaskForm(prefix="accept"),
        "feedback": real_name.FeedbackForm(prefix="feedback"),
        **hand_down_actions.forms(report),
        **level_actions.forms(report),
        "document": DocumentForm(prefix="document"),
    }
    forms["document"].kind.choices = [CHOOSE] + [
        SelectChoice(kind.code, kind.title) for kind in documents.allowed(report)
    ]
    forms["hand_over"].target.choices = [CHOOSE] + [
        SelectChoice(t.code, t.name(i18n.current())) for t in context.taxonomy().hand_over
    ]
    forms["conclude"].disposal.choices = [CHOOSE] + [
        SelectChoice(str(d), str(DISPOSAL_NAMES[d])) for d in DISPOSALS[governing_rule(report)]
    ]
    forms["outcome"].done.choices = [
        (item.id, text)
        for item, text in casework.rectifications(report, data_key)
        if item.done_on is None
    ]
    forms["assign"].staff_id.choices = [(m.id, m.username) for m in handlers]
    forms["transfer"].bureau.choices = [CHOOSE] + [
        SelectChoice(b.code, bureau_name(b.code)) for b in others
    ]
    forms["share"].bureau.choices = [
        (b.code, bureau_name(b.code)) for b in others if b.id not in holders
    ]
    forms.update(grading.forms(report))
    forms["feedback"].offer_documents(report)
    return forms


def _outcome_data(report: Report) -> dict[str, Any]:
    # The form shows the totals so far: the handler changes the one that moved.
    totals = outcomes.totals(report)
    return {
        kind.value: (Decimal(totals[kind]) / 100 if kind in outcomes.AMOUNTS else totals[kind])
        for kind in outcomes.Kind
    }


def _render_case(
    report: Report,
    forms: dict[str, FlaskForm] | None = None,
    alert: str | None = None,
    repeat_form: RepeatForm | None = None,
) -> str:
    data_key, lead_private = case_data_key(report)
    case = open_case(report, data_key, lead_private)
    taxonomy, locale = context.taxonomy(), i18n.current()
    names = {m.id: m.username for m in db.session().scalars(select(StaffMember))}
    granted = _powers(report)  # once per page: each check would otherwise query again
    forms_ = forms or _forms(report, data_key)
    return render_template(
        "admin/case.html",
        report=report,
        opened=case,
        category=taxonomy.category(report.category),
        lead=bureau_name(report.lead_bureau.code),
        holders=_holders(report),
        holder_codes={w.holder.removeprefix("bureau:") for w in report.key_wraps},
        shareable={choice[0] for choice in forms_["share"].bureau.choices},
        forms=forms_,
        rule=governing_rule(report),
        totals=outcomes.totals(report),
        rectifications=casework.rectifications(report, data_key),
        allowed=lambda action: can(report, action, granted),
        names=names,
        alert=alert,
        deadline=current_deadline(report.state, report.decision_due, report.conclusion_due),
        limits=profiles.shown(report, taxonomy, context.settings(), locale),
        extension=extensions.page_part(report, data_key, staff()),
        grading=grading.page_part(report, data_key, names),
        settings=context.settings(),
        locale=locale,
        repeats=repeats.page_part(report, repeat_form),
        reviews=reviews.page_part(report),
        next_case=_next_case(report),
        reward_scheme=rewards.scheme_for(report.category, context.reward_schemes()),
        id_check=_id_check(report, data_key),
        id_types=ID_TYPE_NAMES,
        paid_by_names=PAID_BY_NAMES,
        exclusions=REWARD_EXCLUSION_NAMES,
        feedback=real_name.page_part(report, data_key),
        hand_down=hand_downs.page_part(report, data_key),
        supervision_answers=supervision_answers.answers(report, data_key),
        documents=documents.issued(db.session(), report),
        document_kinds=documents.KINDS,
    )


def _id_check(report: Report, data_key: bytes) -> rewards.IdCheck | None:
    # A check moved here from another case does not open: the page shows none rather than fail.
    try:
        return rewards.id_check(report, data_key)
    except ReportUnreadable:
        return None


@bp.get("/cases/<reference>/files/<int:attachment_id>")
@requires(*CASE_ROLES)
def download(reference: str, attachment_id: int) -> Response:
    """One evidence file, decrypted as it streams; always a download, never shown inline."""
    report = load_case(reference)
    attachment = next((a for a in report.attachments if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    data_key, _lead_private = case_data_key(report)
    name = download_name(attachments.name_of(attachment, report, data_key), attachment.kind)
    record_audit("file_downloaded", report, attachment=attachment.id)
    db.session().commit()
    database, report_id, file_id = db.database(), report.id, attachment.id

    def body() -> Iterator[bytes]:
        # The request's session is closed when the view returns, before the body is sent;
        # the stream has its own session, closed when the last chunk is out.
        session = database.sessions()
        try:
            row = session.get(Report, report_id)
            stored = session.get(Attachment, file_id)
            if row is not None and stored is not None:  # both were read just above
                yield from attachments.read(session, stored, row, data_key)
        finally:
            session.close()

    response = Response(body(), mimetype="application/octet-stream")
    response.headers["Content-Length"] = str(attachment.size)
    response.headers["Content-Disposition"] = content_disposition(name)
    # Belt and braces: even if a browser tried to render it, nothing could run.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/cases/<reference>/documents/<int:document_id>")
@bp.get("/cases/<reference>/documents/<int:document_id>.docx", endpoint="document_docx")
@requires(*CASE_ROLES)
def document(reference: str, document_id: int) -> Response | str:
    """A document issued on the case, drawn from it now: a page to print, or a Word file."""
    report = load_case(reference)
    issued = next((d for d in documents.issued(db.session(), report) if d.id == document_id), None)
    if issued is None:
        abort(404)
    data_key, _lead_private = case_data_key(report)
    text = document_render.text_of(issued, report, data_key)
    docx = request.endpoint == "admin.cases.document_docx"
    record_audit("document_opened", report, document=issued.id, docx=docx)
    db.session().commit()
    return document_render.response(text, docx)


@bp.get("/cases/<reference>")
@requires(*CASE_ROLES)
def case(reference: str) -> str:
    """The decrypted case, its timeline and its actions; every view is audited."""
    report = load_case(reference)
    page = _render_case(report)
    if is_member(staff(), report.lead_bureau):
        # The lead bureau has now seen the reporter's latest words; a co-bureau's look
        # must not take them off the lead bureau's "new replies" tab.
        report.awaiting_staff = False
    record_audit("view_case", report)
    db.session().commit()
    return page


def _powers(report: Report) -> frozenset[str]:
    """The actions the current member may take on a case they can read."""
    desk = bureau_by_code(context.taxonomy().intake_desk.code)
    return powers(report, {m.bureau_id for m in staff().memberships}, desk.id)


@bp.post("/cases/<reference>/<action>")
@requires(*CASE_ROLES)
def case_action(reference: str, action: str) -> Response | str | tuple[str, int]:
    """Apply one action; a refused one shows the case again with the form as typed."""
    if action not in ACTIONS:
        abort(404)
    report = load_case(reference)
    if action not in _powers(report):
        # The member can read this case, so its existence is no secret to them.
        abort(403)
    data_key, _lead_private = case_data_key(report)
    forms = _forms(report, data_key)
    form = forms[action]
    if not form.validate():
        return _render_case(report, forms, str(confirmations.NOT_TAKEN)), 422
    if confirmations.asks(action, form) and request.form.get("confirm") != "yes":
        # A consequential step is asked once more, on its own page, without JavaScript.
        return render_template(
            "admin/confirm.html",
            report=report,
            action=action,
            question=confirmations.question(action, report, form),
            fields=[(k, v) for k, v in request.form.items(multi=True) if k != "confirm"],
        )
    try:
        detail = _apply(action, report, data_key, form)
    except IllegalTransition:
        state = STATE_NAMES[State(report.state)]
        return _render_case(report, forms, str(ILLEGAL % {"state": state})), 409
    except casework.CaseworkError as exc:
        db.session().rollback()
        return _render_case(load_case(reference), forms, str(exc.args[0])), 422
    record_audit(f"case_{action}", report, **detail)
    db.session().commit()
    flash(confirmations.done(action, report, form), "success")
    if not _still_readable(report):
        # Transferred or handed over without a copy kept: the case page would be a 404.
        return redirect(url_for("admin.cases.queue_page"), code=303)
    return back_to_case(report)


def _still_readable(report: Report) -> bool:
    db.session().refresh(report)
    mine = {m.bureau_id for m in staff().memberships}
    return any(w.bureau_id in mine for w in report.key_wraps)


def _apply(action: str, report: Report, data_key: bytes, form: Any) -> dict[str, Any]:
    settings, who = context.settings(), actor()
    match action:
        case "accept":
            casework.accept(report, data_key, who, settings, context.taxonomy().intake_desk.code)
        case "not_accept":
            casework.not_accept(
                report, data_key, who, form.reason.data, context.taxonomy().intake_desk.code
            )
        case "assign":
            handler = db.session().get(StaffMember, form.staff_id.data)
            if handler is None:
                abort(400)
            casework.assign(report, who, handler)
            return {"handler": handler.id}
        case "transfer":
            to = bureau_by_code(form.bureau.data)
            casework.transfer(report, data_key, who, to, bool(form.keep_as_co.data))
            return {"to": to.code, "kept": bool(form.keep_as_co.data)}
        case "share":
            casework.share(report, data_key, who, bureau_by_code(form.bureau.data))
            return {"bureau": form.bureau.data}
        case "hand_over":
            target = context.taxonomy().hand_over_target(form.target.data)
            if target is None:
                abort(400)
            handed_to = (
                db.session()
                .scalars(
                    select(Bureau).where(
                        Bureau.code == target.bureau,
                        Bureau.unit_id == report.lead_bureau.unit_id,
                    )
                )
                .first()
                if target.bureau
                else None
            )
            casework.hand_over(
                report, data_key, who, target, handed_to, form.letter.data, form.letter_on.data
            )
            return {"to": target.code}
        case "typical":
            typical = casework.propose_typical(report, who, form.title.data, form.summary.data)
            db.session().add(typical)
            db.session().flush()
            return {"typical": typical.id}
        case "hand_over_reply":
            casework.hand_over_reply(report, who, form.reply.data, form.replied_on.data)
            return {"reply": form.reply.data}
        case "conclude":
            casework.conclude(
                report,
                data_key,
                who,
                form.outcome.data,
                form.finding.data,
                disposal=form.disposal.data,
                measures=form.measures(),
                items=form.item_lines(),
            )
            return {"finding": form.finding.data, "disposal": form.disposal.data}
        case "outcome":
            casework.update_outcome(
                report, data_key, who, form.measures(), form.item_lines(), form.done.data or []
            )
        case "reopen":
            casework.reopen(report, data_key, who, settings, form.reason.data)
        case "extend":
            extensions.request(report, data_key, who, form.reason.data)
        case "extend_approve":
            extensions.approve(report, who, settings)
            return {"until": str(report.conclusion_due)}
        case "major":
            casework.mark_major(report, who, bool(form.major.data))
            return {"major": bool(form.major.data)}
        case "message":
            casework.send_to_reporter(report, data_key, who, form.text.data)
        case "note":
            casework.add_note(report, data_key, who, form.text.data)
        case "reward_propose":
            table, excluded = context.reward_schemes(), form.excluded.data or None
            basis, grade = form.basis_fen(), form.grade.data
            rewards.propose(report, db.session(), who, table, basis, grade, excluded)
            return {"amount": report.reward_amount, "excluded": report.reward_excluded}
        case "reward_approve":
            rewards.approve(report, who)
            return {"amount": report.reward_amount}
        case "grade" | "leader" | "escalate" | "listing":
            return grading.apply(action, report, data_key, form, who)
        case "reward_pay":
            check = rewards.IdCheck(form.id_type.data, form.last_four.data.strip())
            rewards.pay(report, data_key, who, check, form.paid_by.data, form.paid_on.data)
            return {"amount": report.reward_amount}
        case "feedback":
            return real_name.apply(report, data_key, who, form)
        case action if action in hand_down_actions.ACTIONS:
            return hand_down_actions.apply(action, report, data_key, form, who)
        case "hand_down_below":
            return level_actions.apply(report, data_key, form, who)
        case "document":
            taxonomy, where = context.taxonomy(), form.where.data or ""
            issued = documents.issue(
                db.session(), report, data_key, who, taxonomy, form.kind.data, where
            )
            return {"kind": issued.kind, "number": issued.reference, "document": issued.id}
    return {}


def _holders(report: Report) -> list[str]:
    """The bureaus holding the case's key, each named in its unit: a case handed down is held
    by the city's 医保局 and the county's at once (cases/levels.py)."""
    ids = [w.bureau_id for w in report.key_wraps if w.bureau_id is not None]
    found = {b.id: b for b in db.session().scalars(select(Bureau).where(Bureau.id.in_(ids)))}
    return [unit_bureau_name(found[i]) for i in dict.fromkeys(ids) if i in found]

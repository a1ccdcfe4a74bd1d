"""The public side: home, report form, receipt, status. Thin views over the domain's reports."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import logging
import secrets
import urllib.parse

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
)
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.wrappers import Response as WerkzeugResponse

from crypto.errors import ReceiptChecksumError, ReceiptFormatError
from crypto.receipts import format_receipt, normalise_receipt
from intake.config import ROOT
from intake.domain import units
from intake.domain.cases import casework, extensions, rewards
from intake.domain.cases.deadlines import current_deadline
from intake.domain.cases.lifecycle import reporter_label
from intake.domain.cases.outcomes import Kind, fen_to_yuan
from intake.domain.cases.reports import (
    AlreadySubmitted,
    OpenedReport,
    Receipt,
    ReportDestroyed,
    ReportNotFound,
    ReportUnreadable,
    Submission,
    form_token_used,
    open_with_key,
    open_with_receipt,
    remember_form_token,
    submit_report,
)
from intake.domain.evidence import attachments
from intake.domain.keys import epochs, followup
from intake.domain.models import Report, TypicalCase
from intake.domain.oversight import settled_months
from intake.domain.oversight.statistics import WITH_MEASURES
from intake.platform import context, db, i18n, uploads
from intake.platform.i18n import LANGUAGES
from intake.platform.redirects import local_path
from intake.platform.report_form import ReportForm
from intake.public import kept_pages, unit_site
from intake.public.forms import (
    MESSAGE_LIMIT,
    AttachForm,
    FollowUpForm,
    ReplyForm,
    RewardClaimForm,
    StatusForm,
)

bp = Blueprint("public", __name__)
DEMO_EMBLEM = ROOT / "static" / "emblem-demo.svg"
log = logging.getLogger("qingfeng.public")

RESUBMISSION_NONCE = "report_nonce"
ANOTHER = "new-report"
ALREADY_SENT = _l(
    "This form was already sent, and its receipt code was shown on the page that followed. "
    "If you did not write the code down, you can send the text below again as a new report."
)
MISTYPED = _l(
    "This code is probably mistyped: one digit is wrong, or two are swapped (the code's check "
    "does not add up). Please compare each digit with your note."
)
NOT_FOUND = _l("No report has this code. Please check it, or contact the hotline.")
UNREADABLE = _l(
    "Your report was found but could not be opened: it may be damaged. Please contact the "
    "hotline and give the date you sent it."
)
UNREADABLE_BODY = _l(
    "Part of what you sent could not be read (it was not valid text), so nothing was stored. "
    "Please check the fields below, retype anything that looks wrong, and send it again."
)
DESTROYED = _l(
    "This case was concluded, and its records were destroyed on %(date)s under the retention "
    "rules. Nobody can read them any more."
)
BAD_FORMAT = _l("A receipt code has 20 digits, written in groups of four.")


def locale() -> str:
    """The request's language (zh_CN or en)."""
    return i18n.current()


@bp.get("/")
def index() -> str:
    """What can be reported, what stays anonymous, how to follow up."""
    return render_template(
        "index.html",
        categories=context.taxonomy().categories,
    )


@bp.route("/report", methods=["GET", "POST"])
def report() -> Response | str | tuple[str, int]:
    """The report form; a valid POST stores the report and shows its receipt once."""
    if request.method == "GET":
        session.setdefault(RESUBMISSION_NONCE, secrets.token_hex(16))
        return _empty_report_form()
    form = _report_form()
    if not _body_is_utf8():
        form.validate()
        return render_template("report.html", form=form, alert=str(UNREADABLE_BODY)), 422
    if not form.validate():
        return render_template("report.html", form=form), 422
    files, refusals = uploads.check_files(request.files.getlist("attachments"), context.settings())
    if refusals:
        form.attachments.errors = [*refusals, str(uploads.CHOOSE_AGAIN)]
        return render_template("report.html", form=form), 422
    token = form.form_token.data or None
    if token and form_token_used(db.session(), token):
        return _render_already_sent(form)
    if request.form.get("another") == ANOTHER:
        # The reporter said, on the "already sent" page, that this is a new report.
        session[RESUBMISSION_NONCE] = secrets.token_hex(16)
    same_text = _resubmission_token(form)
    if form_token_used(db.session(), same_text):
        return _render_already_sent(form)
    submission = Submission(
        category=form.category.data,
        official_involved=form.official_involved.data == "yes",
        content=form.content(),
        contact=form.contact(),
        unit=form.chosen_unit(),
    )
    today = context.today()

    def store_files(receipt: Receipt) -> None:
        remember_form_token(db.session(), same_text, today)
        for checked in files:
            attachments.store(
                db.session(), receipt.report, receipt.data_key, checked, "reporter", today
            )

    try:
        receipt = submit_report(
            db.session(),
            context.settings(),
            context.taxonomy(),
            submission,
            today,
            token,
            before_commit=store_files,
        )
    except AlreadySubmitted:
        return _render_already_sent(form)
    except IntegrityError:
        # The same text from this browser raced in twice (a double click after Back).
        if form_token_used(db.session(), same_text):
            return _render_already_sent(form)
        raise
    lead = receipt.report.lead_bureau
    bureau = context.taxonomy().bureau(lead.code)
    bureau_name = units.display_name(lead, bureau, locale())
    code = format_receipt(receipt.code)

    def render() -> str:
        return render_template(
            "receipt.html", code=code, bureau=bureau_name, report=receipt.report,
            files=files,
        )  # fmt: skip

    if files:
        return render()
    # Without files, the page shows only the code, the bureau and two dates.
    report = receipt.report
    shows = (bureau_name, report.received_on.isoformat(), report.decision_due.isoformat())
    return kept_pages.page("receipt", [code], render, shows)


def recover_report_form(message: str, status: int) -> Response:
    """Render the report form again with everything that was posted and a message."""
    form = _report_form()
    return Response(render_template("report.html", form=form, alert=message), status=status)


@bp.get("/receipt")
def receipt_info() -> str:
    """A receipt is shown only in the answer to a report; this page says so."""
    return render_template("receipt_info.html")


@bp.route("/status", methods=["GET", "POST"])
def status() -> str | tuple[str, int]:
    """Enter a receipt code and read the case, its messages, and answer."""
    if request.method == "GET":
        return kept_pages.page(
            "status", [generate_csrf()], lambda: render_template("status.html", form=StatusForm())
        )
    form = StatusForm()
    if not form.validate():
        return render_template("status.html", form=form), 422
    opened = _open_by_code(form.code.data)
    if not isinstance(opened, OpenedReport):
        return _status_error(form, *opened)
    return _render_case(opened)


SENT = _l("Your message was sent. The bureau sees it the next time it opens your case.")
CLAIMED = _l("Your claim was sent to the bureau. It will contact you.")


@bp.post("/status/reply")
def status_reply() -> str | tuple[str, int]:
    """The reporter answers or adds information; it carries the date only."""
    form = ReplyForm()
    opened = _open_follow_up(form)
    if not isinstance(opened, OpenedReport):
        return opened
    if not form.validate():
        return _render_refused(form), 422
    casework.reporter_writes(opened.report, opened.data_key, context.today(), form.text.data)
    db.session().commit()
    return _render_case(opened, notice=str(SENT))


@bp.post("/status/reward")
def status_reward() -> str | tuple[str, int]:
    """Claim a reward: contact and payment details, sealed for the bureau only."""
    form = RewardClaimForm()
    opened = _open_follow_up(form)
    if not isinstance(opened, OpenedReport):
        return opened
    if not form.validate():
        return _render_refused(form), 422
    claim = casework.RewardClaim(form.name.data, form.phone.data, form.payment.data)
    try:
        casework.claim_reward(
            opened.report, opened.data_key, context.settings(), context.today(), claim
        )
    except casework.CaseworkError as exc:
        return _render_retry(form, str(exc.args[0])), 409
    db.session().commit()
    return _render_case(opened, notice=str(CLAIMED))


FILES_ADDED = _l("Your files were added to the report.")


@bp.post("/status/attach")
def status_attach() -> str | tuple[str, int]:
    """The reporter adds files to their report later."""
    form = AttachForm()
    opened = _open_follow_up(form)
    if not isinstance(opened, OpenedReport):
        return opened
    files, refusals = uploads.check_files(request.files.getlist("attachments"), context.settings())
    if not files and not refusals:
        refusals = [str(NO_FILE)]
    if refusals:
        form.attachments.errors = refusals
        return _render_refused(form), 422
    today = context.today()
    for checked in files:
        attachments.store(db.session(), opened.report, opened.data_key, checked, "reporter", today)
    casework.reporter_added_files(opened.report, today)
    db.session().commit()
    return _render_case(opened, notice=str(FILES_ADDED))


NO_FILE = _l("Please choose at least one file.")
EXPIRED = _l(
    "This page was open for a long time, so nothing was sent yet. Please enter your receipt "
    "code again and send: what you wrote is kept below."
)


def _open_follow_up(form: FollowUpForm) -> OpenedReport | tuple[str, int]:
    """The case a follow-up form belongs to: by its page's token, or by the code typed again.

    A case opened by a token keeps that token's first issue (flask.g), so the next page's
    token expires when this one does: a captured page is good for an hour, never renewed.
    """
    settings = context.settings()
    try:
        redeemed = followup.redeem(settings.secret_key, form.token.data or "", context.now())
        report = db.session().get(Report, redeemed.report_id)
        # A case re-keyed since the page was shown (a change of holders): the key in the token
        # is a former holder's now, and must seal nothing new. The code opens the current one.
        if report is None or not epochs.is_current(report, redeemed.data_key):
            raise followup.TokenRefused
        by_token = open_with_key(report, redeemed.data_key)
        g.followup_first_issued = redeemed.first_issued
        return by_token
    except (followup.TokenRefused, ReportUnreadable):
        pass
    if form.code.data:
        opened = _open_by_code(form.code.data)
        if isinstance(opened, OpenedReport):
            return opened
        message, status = opened
        form.code.errors = [*form.code.errors, message]
        return _render_retry(form, None), status
    return _render_retry(form, str(EXPIRED)), 409


def _render_refused(form: FollowUpForm) -> str:
    """A post that was not taken (empty, too long, a bad file): its errors and what was typed,
    with neither the case nor a token, so posting nothing never reads or prolongs a case."""
    return _render_retry(form, None)


def _render_retry(form: FollowUpForm, alert: str | None) -> str:
    action = {
        RewardClaimForm: "public.status_reward",
        AttachForm: "public.status_attach",
    }.get(type(form), "public.status_reply")
    form.token.data = ""
    return render_template("follow_up_retry.html", form=form, alert=alert, action=action)


def _open_by_code(typed: str) -> OpenedReport | tuple[str, int]:
    """Open a report by a typed receipt code, or say why not (message and status)."""
    try:
        code = normalise_receipt(typed)
        return open_with_receipt(db.session(), context.settings(), code)
    except ReceiptChecksumError:
        return str(MISTYPED), 422
    except ReceiptFormatError:
        return str(BAD_FORMAT), 422
    except ReportNotFound:
        return str(NOT_FOUND), 404
    except ReportDestroyed as exc:
        return str(DESTROYED % {"date": exc.destroyed_on.isoformat()}), 410
    except ReportUnreadable as exc:
        log.error("report %s could not be decrypted with a valid receipt", exc)
        return str(UNREADABLE), 500


def _render_case(
    opened: OpenedReport,
    *,
    reply: ReplyForm | None = None,
    claim: RewardClaimForm | None = None,
    attach: AttachForm | None = None,
    notice: str | None = None,
    alert: str | None = None,
) -> str:
    report, taxonomy, settings = opened.report, context.taxonomy(), context.settings()
    bureau = taxonomy.bureau(report.lead_bureau.code)
    category = taxonomy.category(report.category)
    reply = reply or ReplyForm(formdata=None)
    claim = claim or RewardClaimForm(formdata=None)
    attach = attach or AttachForm(formdata=None)
    attach.attachments.render_kw = {"accept": uploads.ACCEPT}
    first_issued = g.get("followup_first_issued") or context.now()
    token = followup.issue(settings.secret_key, report.id, opened.data_key, first_issued)
    reply.token.data = claim.token.data = attach.token.data = token
    return render_template(
        "status_result.html",
        opened=opened,
        state_label=reporter_label(report.state),
        bureau=units.display_name(report.lead_bureau, bureau, locale()),
        category=category.name(locale()) if category else report.category,
        next_deadline=current_deadline(report.state, report.decision_due, report.conclusion_due),
        messages=casework.messages(report, opened.data_key),
        public_reason=casework.public_reason(report, opened.data_key),
        extension=extensions.told(report, opened.data_key),
        reward_open=casework.reward_open(report, settings) and report.reward_claim is None,
        reward_claimed=report.reward_claim is not None,
        reward_notice=rewards.notice(report, context.today()),
        reward_min=settings.reward_min_yuan,
        reward_max=settings.reward_max_yuan,
        reply=reply,
        message_limit=MESSAGE_LIMIT,
        claim=claim,
        attach=attach,
        files=[(a, attachments.name_of(a, report, opened.data_key)) for a in report.attachments],
        notice=notice,
        alert=alert,
    )


def recover_reply_form(message: str, status: int) -> Response:
    """A reply that could not be taken (expired form, rate limit): the text comes back."""
    return Response(_render_retry(ReplyForm(), message), status=status)


def recover_attach_form(message: str, status: int) -> Response:
    """Files that could not be taken: the page to choose them again."""
    return Response(_render_retry(AttachForm(), message), status=status)


def recover_claim_form(message: str, status: int) -> Response:
    """A reward claim that could not be taken: what was typed comes back."""
    return Response(_render_retry(RewardClaimForm(), message), status=status)


def recover_status_form(message: str, status: int) -> Response:
    """Render the status form again with a message."""
    return Response(render_template("status.html", form=StatusForm(), alert=message), status=status)


#: Public figures below this are hidden, so that no single report can be singled out.
SMALL_CELL = 5


@bp.get("/figures")
def figures() -> str:
    """Received and concluded reports by category and month, for public scrutiny (接收公众监督)."""
    first = context.today().replace(day=1)
    months = []
    for _ in range(12):
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        months.append((first, last))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    months.reverse()
    counts = settled_months.public_figures(db.session(), months, context.today())
    db.session().commit()
    # Outcomes over the twelve months: a category's funds recovered are shown only beside at
    # least SMALL_CELL cases with measures, since one case's amount would single it out.
    outcomes: dict[str, tuple[int, str] | None] = {}
    for category in context.taxonomy().categories:
        cases = recovered = 0
        for (_month, code), cell in counts.items():
            if code == category.code:
                cases += cell.get(WITH_MEASURES, 0)
                recovered += cell.get(Kind.FUND_RECOVERED.value, 0)
        outcomes[category.code] = (cases, fen_to_yuan(recovered)) if cases >= SMALL_CELL else None
    return render_template(
        "figures.html",
        months=[start.strftime("%Y-%m") for start, _end in months],
        categories=context.taxonomy().categories,
        counts=counts,
        outcomes=outcomes,
        small=SMALL_CELL,
    )


@bp.get("/typical-cases")
def typical_cases() -> str:
    """典型案例 a supervisor approved (令第5号: typical cases are published), newest first."""
    published = (
        db.session()
        .scalars(
            select(TypicalCase)
            .where(TypicalCase.approved_on.is_not(None))
            .order_by(TypicalCase.approved_on.desc(), TypicalCase.id.desc())
            .limit(100)
        )
        .all()
    )
    return render_template("typical_cases.html", typical=published)


EMBLEM_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


@bp.get("/emblem")
def emblem() -> Response:
    """The issuing authority's emblem (QINGFENG_EMBLEM), or the demonstration's invented one."""
    path = context.settings().emblem_path or (DEMO_EMBLEM)
    mimetype = EMBLEM_TYPES.get(path.suffix.lower())
    if mimetype is None or not path.is_file():
        abort(404)
    return send_file(path, mimetype=mimetype, max_age=3600)


@bp.get("/lang/<code>")
def set_language(code: str) -> WerkzeugResponse:
    """Switch language (a preference cookie) and go back to the page the person was on."""
    response = redirect(local_path(request.args.get("next"), "/"), code=303)
    if code in LANGUAGES:
        i18n.remember(response, code)
    return response


def _body_is_utf8() -> bool:
    """Whether a url-encoded body decodes as UTF-8.

    Werkzeug keeps undecodable escapes as literal text ("%FF"); refuse instead of storing them.
    """
    if request.mimetype != "application/x-www-form-urlencoded":
        return True
    try:
        text = request.get_data(cache=True).decode("utf-8")
        urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def _offered_units() -> units.UnitGroups | None:
    """The counties the form offers; None when the database cannot be read."""
    try:
        return units.offered(db.session())
    except SQLAlchemyError:
        with contextlib.suppress(SQLAlchemyError):
            db.session().rollback()
        return None


def _report_form(groups: units.UnitGroups | None = None) -> ReportForm:
    form = ReportForm(context.taxonomy(), locale())
    form.attachments.render_kw = {"accept": uploads.ACCEPT}
    groups = _offered_units() if groups is None else groups
    # With the database down the form is still drawn again with everything typed (nothing
    # lost), the chosen county kept in a hidden field until the chooser can be read.
    if groups is not None:
        form.offer_units(groups)
    return form


def _empty_report_form() -> str:
    """The report form as a GET shows it: new tokens in the page kept for the language.

    The page also depends on the counties offered and the one chosen beforehand, by the unit's
    own host name or else its own link (/report?unit=…), so both are part of what the kept
    page shows; a code that is not offered chooses nothing, which keeps the number of kept
    pages bounded. With the database down the chosen code is kept as it came, in a page drawn
    afresh.
    """
    form_token = _new_form_token()
    groups = _offered_units()
    offered = {code for _above, options in groups or [] for code, _name in options}
    site = unit_site.current()
    chosen = site.code if site is not None else request.args.get("unit", "")[:40]
    if groups is not None and chosen not in offered:
        chosen = ""

    def render() -> str:
        form = _report_form(groups)
        form.form_token.data = form_token
        form.unit.data = chosen
        return render_template("report.html", form=form)

    if groups is None:
        return render()
    shows = (chosen, repr(groups))
    return kept_pages.page("report", [generate_csrf(), form_token], render, shows)


def _new_form_token() -> str:
    return secrets.token_urlsafe(16)


def _resubmission_token(form: ReportForm) -> str:
    """What recognises the same report sent again from the same browser (Back, then Send).

    Back fetches a fresh form, so its one-time token is new while the browser restores the text.
    The token is a keyed hash of the report's words under a random nonce that lives only in this
    browser's session cookie: the database keeps a hash of it for two days (like every used form
    token), which without the cookie confirms nothing about any text (docs/design.md, "What
    the server keeps").
    """
    nonce = session.get(RESUBMISSION_NONCE)
    if not isinstance(nonce, str):
        nonce = session[RESUBMISSION_NONCE] = secrets.token_hex(16)
    words = (form.category.data or "").encode() + b"\x00" + form.content().to_bytes()
    return hmac.new(nonce.encode(), words, hashlib.sha256).hexdigest()


def _render_already_sent(form: ReportForm) -> tuple[str, int]:
    form.form_token.data = _new_form_token()
    return (
        render_template("report.html", form=form, alert=str(ALREADY_SENT), already_sent=True),
        409,
    )


def _status_error(form: StatusForm, message: str, status: int = 422) -> tuple[str, int]:
    form.code.errors = [*form.code.errors, str(message)]
    return render_template("status.html", form=form), status

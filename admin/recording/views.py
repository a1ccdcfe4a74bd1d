"""Reports that arrive by letter, visit, e-mail or from a higher office (信、访、上级交办).

The intake desk types them in for the reporter: same encryption, routing and receipt code as
the web form, with the channel recorded, and a slip to print for a visitor.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from admin.console import record_audit, requires, staff
from admin.recording import orders
from admin.recording.forms import RecordForm
from crypto.receipts import format_receipt
from intake.domain import units
from intake.domain.cases.hand_downs import Order
from intake.domain.cases.reports import Receipt, Submission, submit_report
from intake.domain.codes import Role
from intake.domain.evidence import attachments
from intake.domain.evidence.attachments import Checked
from intake.domain.models import Unit
from intake.platform import context, db, i18n, uploads

bp = Blueprint("recording", __name__)

FUTURE = _l("The date received cannot be in the future.")


@bp.route("/record", methods=["GET", "POST"])
@requires(Role.INTAKE)
def record() -> str | tuple[str, int]:
    """Record a report on the reporter's behalf; show the receipt slip once."""
    taxonomy, locale = context.taxonomy(), i18n.current()
    form = RecordForm(taxonomy, locale)
    if request.method == "GET":
        form.received_on.data = context.today()
        return render_template("admin/record.html", form=form)
    valid = form.validate()
    if form.received_on.data and form.received_on.data > context.today():
        form.received_on.errors = [*form.received_on.errors, FUTURE]
        valid = False
    files, refusals = uploads.check_files(request.files.getlist("attachments"), context.settings())
    if refusals:
        form.attachments.errors = [*refusals, str(uploads.CHOOSE_AGAIN)]
        valid = False
    order, order_valid = orders.order_of(form)
    valid = valid and order_valid
    if not valid:
        return render_template("admin/record.html", form=form), 422
    unit = db.session().get_one(Unit, staff().unit_id)
    submission = Submission(
        category=form.category.data,
        official_involved=form.official_involved.data == "yes",
        content=form.content(),
        contact=form.contact(),
        channel=form.channel.data,
        source=form.source.data or None,
        # Recorded in the desk's own unit, as a web report is filed with its unit.
        unit=unit.code,
    )
    receipt = submit_report(
        db.session(),
        context.settings(),
        taxonomy,
        submission,
        form.received_on.data,
        before_commit=lambda r: _store(r, files, order),
    )
    bureau = taxonomy.bureau(receipt.report.lead_bureau.code)
    return render_template(
        "admin/slip.html",
        code=format_receipt(receipt.code),
        report=receipt.report,
        bureau=units.display_name(receipt.report.lead_bureau, bureau, locale),
        # The desk's unit's own hotline and site (intake/public/unit_site.py), else the
        # installation's.
        hotline=unit.hotline_number or context.settings().hotline_number,
        # The printed slip names the site: a visitor has no address bar to read it from.
        status_url=_site(unit) + "/status",
    )


def _site(unit: Unit) -> str:
    """The public site's address for the unit's reporters: its own host, if it has one."""
    public = context.settings().public_url or request.host_url.rstrip("/")
    if unit.host:
        scheme = public.partition("://")[0] if "://" in public else "https"
        return f"{scheme}://{unit.host}"
    return public


def _store(receipt: Receipt, files: list[Checked], order: Order | None) -> None:
    """Seal the files handed in with the report, link it to its 交办 order, and audit the
    recording."""
    for checked in files:
        attachments.store(
            db.session(), receipt.report, receipt.data_key, checked, "intake", context.today()
        )
    if order is not None:
        orders.link(receipt, order)
    record_audit(
        "recorded_report",
        receipt.report,
        channel=receipt.report.channel,
        files=len(files),
        hand_down=order.number if order else None,
    )

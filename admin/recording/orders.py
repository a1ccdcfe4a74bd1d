"""The 交办 order of a case recorded as handed down (上级交办): read from the recording form,
checked before the report is stored, linked once it is (intake/domain/cases/hand_downs.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from admin.console import actor
from admin.forms import REQUIRED
from admin.recording.forms import RecordForm
from intake.domain.cases import hand_downs
from intake.domain.cases.casework import CaseworkError
from intake.domain.cases.reports import Receipt
from intake.platform import context, db

ONLY_HANDED_DOWN = _l("Only a case handed down by a higher office (上级交办) has an order.")


def order_of(form: RecordForm) -> tuple[hand_downs.Order | None, bool]:
    """The order typed in (None when none was) and whether it may be recorded; a refusal is
    written on the form's fields."""
    fields = (form.hand_down_number, form.hand_down_issuer, form.hand_down_due)
    if not any(f.data for f in fields):
        return None, True
    if form.channel.data != "referred":
        form.hand_down_number.errors = [*form.hand_down_number.errors, ONLY_HANDED_DOWN]
        return None, False
    missing = [f for f in fields if not f.data]
    for f in missing:
        f.errors = [*f.errors, REQUIRED]
    if missing or form.received_on.data is None:
        return None, False
    order = hand_downs.Order(
        form.hand_down_number.data,
        form.hand_down_issuer.data,
        form.received_on.data,
        form.hand_down_due.data,
    )
    try:
        hand_downs.check(db.session(), order, context.today())
    except CaseworkError as exc:
        form.hand_down_due.errors = [*form.hand_down_due.errors, exc.args[0]]
        return None, False
    return order, True


def link(receipt: Receipt, order: hand_downs.Order) -> None:
    """Link the stored report to its order, in the transaction that stores it."""
    hand_downs.record(db.session(), receipt.report, receipt.data_key, actor(), order, "")

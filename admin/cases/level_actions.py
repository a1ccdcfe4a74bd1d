"""The case action of handing a case down to a unit below (交办, intake/domain/cases/levels.py):
its form and what it does. The lower bureau is chosen by id, since every unit has a bureau of
each code."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import InputRequired

from admin.cases.forms import CHOOSE, MUST_CHOOSE
from admin.cases.hand_down_forms import number_field
from admin.forms import REQUIRED
from intake.domain import units
from intake.domain.cases import hand_downs, levels
from intake.domain.cases.casework import Actor
from intake.domain.models import Bureau, Report
from intake.platform import context, db, i18n

#: The actions this module applies.
ACTIONS = ("hand_down_below",)


class HandDownBelowForm(FlaskForm):
    """交办 to a bureau of a unit below: which bureau, the order's number and deadline."""

    bureau = SelectField(_l("Hand down to"), choices=[CHOOSE], validators=[MUST_CHOOSE])
    number = number_field(_l("Order number (交办文号)"))
    due = DateField(_l("Deadline set by the order"), validators=[InputRequired(message=REQUIRED)])


def name(bureau: Bureau) -> str:
    """A bureau as a member of another unit reads it: its name in its unit."""
    try:
        info = context.taxonomy().bureau(bureau.code)
    except KeyError:
        return bureau.name_zh or bureau.code
    return units.display_name(bureau, info, i18n.current())


def forms(report: Report) -> dict[str, FlaskForm]:
    """The case page's form, offering the bureaus of the units below the lead bureau's."""
    form = HandDownBelowForm(prefix="hand_down_below")
    form.bureau.choices = [CHOOSE] + [
        SelectChoice(str(b.id), name(b))
        for b in levels.bureaus_below(db.session(), report.lead_bureau)
    ]
    return {"hand_down_below": form}


def chosen(form: Any) -> Bureau:
    """The bureau the form names; 400 when it is not one (the choices already refuse it)."""
    bureau = db.session().get(Bureau, int(form.bureau.data))
    if bureau is None:
        abort(400)
    return bureau


def apply(report: Report, data_key: bytes, form: Any, who: Actor) -> dict[str, Any]:
    """Hand the case down; return what the audit trail records of it."""
    to, issuer = chosen(form), name(report.lead_bureau)
    order = hand_downs.Order(form.number.data, issuer, who.today, form.due.data)
    hand_down, _key = levels.hand_down(db.session(), report, data_key, who, to, order)
    return {"to": to.id, "number": hand_down.number, "due": hand_down.due.isoformat()}

"""The console blueprint, its guard (session, enrolment, role) and helpers shared by the views."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin import audit
from admin.auth import sessions
from crypto.errors import DecryptionError
from intake.domain import units
from intake.domain.cases.casework import Actor
from intake.domain.codes import Role
from intake.domain.keys.keyring import bureau_private_key, data_key_for_bureau
from intake.domain.models import (
    AuditEvent,
    Bureau,
    BureauMembership,
    KeyWrap,
    Report,
    StaffMember,
    Unit,
)
from intake.platform import context, db
from intake.platform.redirects import local_path

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


View = TypeVar("View", bound=Callable[..., Any])


def now() -> dt.datetime:
    """The current time in UTC (staff actions carry full times)."""
    return dt.datetime.now(dt.UTC)


#: Key, in Flask's session cookie, of the console session that cookie belongs to.
FORM_SESSION = "console"


@bp.before_request
def _load_session() -> None:
    cookie = request.cookies.get(sessions.COOKIE)
    g.console = sessions.open_cookie(db.session(), cookie, context.settings(), now())
    if g.console is not None:
        db.session().commit()
        if cookie and session.get(FORM_SESSION) != sessions.form_marker(cookie):
            if request.method not in ("GET", "HEAD"):
                raise CSRFError("The form session belongs to no console session.")
            renew_form_session(cookie)


def renew_form_session(cookie: str) -> None:
    """Start a new Flask session (it holds the CSRF secret) bound to one console session.

    Done at login and whenever a page of a live console session arrives with any other: a
    session cookie from before login, perhaps planted by someone who knows its CSRF secret,
    never carries a console form (docs/design.md "Bureau keys").
    """
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the request's token here
    session[FORM_SESSION] = sessions.form_marker(cookie)


@bp.errorhandler(DecryptionError)
def _wrong_cookie_key(_error: DecryptionError) -> Response:
    """A cookie whose key does not open its session: forged or damaged; start again."""
    if g.get("console") is not None:
        sessions.end(db.session(), g.console.record)
        db.session().commit()
    response = redirect(url_for("admin.auth.login"), code=303)
    response.delete_cookie(sessions.COOKIE, path=sessions.COOKIE_PATH)
    return response


def opened() -> sessions.Opened:
    """The request's live session (only inside views guarded by `requires`)."""
    return g.console


def staff() -> StaffMember:
    """The member making the request."""
    return g.console.staff


def actor() -> Actor:
    """The member as the actor of a case action."""
    return Actor(staff(), now(), context.today(), secret_key=context.settings().secret_key)


def requires(*roles: str, enrolled: bool = True) -> Callable[[View], View]:
    """Guard a view: a live session (else the login page), enrolment, and one of `roles`."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if g.get("console") is None:
                return redirect(url_for("admin.auth.login", next=request.path), code=303)
            if enrolled and not staff().enrolled:
                return redirect(url_for("admin.auth.enrol"), code=303)
            if roles and staff().role not in roles:
                abort(403)
            return view(*args, **kwargs)

        guarded.roles = roles  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def record_audit(action: str, report: Report | None = None, **detail: Any) -> AuditEvent:
    """Audit an action of the current member (committed with the caller's transaction)."""
    return audit.record(
        db.session(), staff(), action, report.id if report else None, now(), **detail
    )


def bureau_codes(member: StaffMember) -> list[str]:
    """Codes of the bureaus a member holds a key for."""
    return sorted(m.bureau.code for m in member.memberships)


def load_case(reference: str) -> Report:
    """A case the member's bureaus hold a key for; 404 otherwise, never 403 (no oracle)."""
    bureau_ids = [m.bureau_id for m in staff().memberships]
    report = (
        db.session()
        .scalars(
            select(Report)
            .join(KeyWrap, KeyWrap.report_id == Report.id)
            .where(Report.reference == reference, KeyWrap.bureau_id.in_(bureau_ids))
        )
        .first()
    )
    if report is None:
        abort(404)
    return report


def case_data_key(report: Report) -> tuple[bytes, bytes | None]:
    """Unwrap the case's data key through one of the member's bureaus (lead bureau first);
    also the lead bureau's private key when that is the way in (it opens 督办 notes)."""
    holders = {w.bureau_id for w in report.key_wraps if w.bureau_id is not None}
    ordered = sorted(
        (m for m in staff().memberships if m.bureau_id in holders),
        key=lambda m: m.bureau_id != report.lead_bureau_id,
    )
    if not ordered:
        abort(404)
    code = ordered[0].bureau.code
    private = bureau_private_key(db.session(), staff(), opened().staff_private, code)
    lead_private = private if ordered[0].bureau_id == report.lead_bureau_id else None
    return data_key_for_bureau(report, code, private, ordered[0].bureau_id), lead_private


def bureau_by_code(code: str, unit: str | None = None) -> Bureau:
    """A bureau by code of the member's own unit, or of `unit` if it is theirs or below it;
    404 if unknown (docs/design.md, "Units")."""
    unit_id: int | None = staff().unit_id
    if unit:
        found = units.by_code(db.session(), unit)
        unit_id = found.id if found and found.id in visible_unit_ids() else None
    bureau = (
        db.session()
        .scalars(select(Bureau).where(Bureau.code == code, Bureau.unit_id == unit_id))
        .first()
    )
    if bureau is None:
        abort(404)
    return bureau


def visible_bureau_ids() -> set[int]:
    """The bureaus whose metadata the member may read: their unit's and those of the units
    below it (docs/design.md, "Units"); once per request."""
    if "visible_bureaus" not in g:
        g.visible_bureaus = units.visible_bureau_ids(db.session(), staff())
    return set(g.visible_bureaus)


def visible_unit_ids() -> set[int]:
    """The member's unit and the units below it."""
    return units.below(db.session(), staff().unit_id)


def chosen_unit() -> Unit | None:
    """The unit a board or table is asked for (`?unit=CODE`), None when none is; 404 for a
    unit outside the member's tree, as for one that does not exist (docs/design.md, "Units")."""
    code = request.args.get("unit")
    if not code:
        return None
    unit = units.by_code(db.session(), code)
    if unit is None or unit.id not in visible_unit_ids():
        abort(404)
    return unit


def requested_unit() -> Unit:
    """The unit asked for, else the member's own."""
    return chosen_unit() or db.session().get_one(Unit, staff().unit_id)


def is_member(member: StaffMember, bureau: Bureau) -> bool:
    """Whether a member holds a key for a bureau."""
    return (
        db.session().get(BureauMembership, {"staff_id": member.id, "bureau_id": bureau.id})
        is not None
    )


def safe_next(target: str | None, default: str) -> str:
    """A console path to go on to after login or re-authentication, never another site."""
    path = local_path(target, default)
    return path if path.startswith("/admin/") else default


def back_to_case(report: Report) -> Response:
    """See Other to the case page after an action."""
    return redirect(url_for("admin.cases.case", reference=report.reference), code=303)


@bp.get("/")
@requires()
def home() -> Response:
    """Each role's starting page."""
    role = staff().role
    if role == Role.ADMIN:
        return redirect(url_for("admin.people.accounts"), code=303)
    if role == Role.SUPERVISOR:
        return redirect(url_for("admin.supervision.overdue"), code=303)
    return redirect(url_for("admin.cases.queue_page"), code=303)

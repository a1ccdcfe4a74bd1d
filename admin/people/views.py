"""Accounts, bureau membership (the key ceremony) and hotline tokens."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin.auth import credentials
from admin.auth.keycheck import fingerprint, normalise_fingerprint
from admin.auth.sessions import recently_authenticated
from admin.console import (
    bureau_by_code,
    is_member,
    now,
    opened,
    record_audit,
    requires,
    staff,
)
from admin.labels import bureau_name
from admin.people.forms import AccountForm, GrantForm
from intake.domain.codes import CASE_ROLES
from intake.domain.installation import new_password
from intake.domain.keys import hotline
from intake.domain.keys.keyring import (
    bureau_private_key,
    create_staff,
    grant_bureau,
    staff_public_key,
)
from intake.domain.models import Bureau, BureauMembership, HotlineToken, StaffMember, Unit
from intake.platform import context, db

TAKEN = _l("This username is taken.")
LAST_HOLDER = _l(
    "%(name)s is the last active member holding the key of: %(bureaus)s. Without them no staff "
    "member could read those cases. Have a colleague granted the bureau key first."
)
NO_KEY_FOR_ADMINS = _l(
    "Only intake desk and bureau staff hold bureau keys: administrators manage accounts and "
    "supervisors oversee deadlines, without reading reports."
)
WRONG_FINGERPRINT = _l(
    "This is not the key of that account. Ask your colleague to read the key check from their "
    "own Password page again; if it still differs, do not grant and tell your supervisor."
)

bp = Blueprint("people", __name__)


@bp.route("/accounts", methods=["GET", "POST"])
@requires("admin")
def accounts() -> str | tuple[str, int]:
    """List and create staff accounts; a new account gets a temporary password, shown once."""
    form = AccountForm()
    database = db.session()
    created: tuple[str, str] | None = None
    status = 200
    if request.method == "POST":
        if not form.validate():
            status = 422
        elif (
            credentials.find_active(database, form.username.data)
            or database.scalars(
                select(StaffMember).where(StaffMember.username == form.username.data.strip())
            ).first()
        ):
            form.username.errors = [*form.username.errors, TAKEN]
            status = 422
        else:
            password = new_password()
            # No key pair yet: it is made when the person enrols, under their own password.
            member = create_staff(
                database,
                form.username.data.strip(),
                form.role.data,
                password,
                context.settings().password_kdf,
                # An administrator manages the staff of their own unit (docs/design.md, "Units").
                database.get_one(Unit, staff().unit_id),
            )
            database.flush()
            record_audit("account_created", username=member.username, role=member.role)
            database.commit()
            created = (member.username, password)
            form = AccountForm(formdata=None)
    return _accounts_page(form, created=created), status


def _accounts_page(
    form: AccountForm, created: tuple[str, str] | None = None, alert: str | None = None
) -> str:
    members = (
        db.session()
        .scalars(
            select(StaffMember)
            .where(StaffMember.unit_id == staff().unit_id)
            .order_by(StaffMember.username)
        )
        .all()
    )
    return render_template(
        "admin/accounts.html",
        form=form,
        members=members,
        created=created,
        alert=alert,
        case_roles=CASE_ROLES,
    )


@bp.post("/accounts/<int:staff_id>/<action>")
@requires("admin")
def account_action(staff_id: int, action: str) -> Response | str:
    """Deactivate an account, reset its second factor, or give it new keys (lost everything);
    allow a case worker to approve a colleague's requests (负责人), or withdraw it."""
    if action not in ("deactivate", "reset-2fa", "reset-password", "approver-on", "approver-off"):
        abort(404)
    database = db.session()
    member = database.get(StaffMember, staff_id)
    if member is None or member.unit_id != staff().unit_id:
        abort(404)
    if action.startswith("approver-"):
        # Only case workers act on cases; a supervisor or an administrator approves nothing.
        if member.role not in CASE_ROLES:
            abort(400)
        member.may_approve = action == "approver-on"
        record_audit(f"account_{action.replace('-', '_')}", username=member.username)
        database.commit()
        return redirect(url_for("admin.people.accounts"), code=303)
    password = None
    try:
        if action == "deactivate":
            credentials.deactivate(database, member)
        elif action == "reset-2fa":
            credentials.reset_second_factor(database, member)
        else:
            password = new_password()
            credentials.replace_keys(database, context.settings(), member, password)
    except credentials.LastKeyHolder as exc:
        database.rollback()
        return _accounts_page(
            AccountForm(formdata=None),
            alert=str(LAST_HOLDER % {"name": member.username, "bureaus": ", ".join(exc.bureaus)}),
        )
    record_audit(f"account_{action.replace('-', '_')}", username=member.username)
    database.commit()
    if password is None:
        return redirect(url_for("admin.people.accounts"), code=303)
    return render_template("admin/new_keys.html", username=member.username, password=password)


@bp.get("/bureaus")
@requires()
def bureaus() -> str:
    """Bureaus and their members (names only: no key is needed to list them)."""
    database = db.session()
    rows = []
    own_unit = select(Bureau).where(Bureau.unit_id == staff().unit_id)
    for bureau in database.scalars(own_unit.order_by(Bureau.code)):
        members = database.scalars(
            select(StaffMember)
            .join(BureauMembership)
            .where(BureauMembership.bureau_id == bureau.id)
        ).all()
        rows.append((bureau, bureau_name(bureau.code), members))
    return render_template("admin/bureaus.html", rows=rows)


@bp.route("/bureaus/<code>/grant", methods=["GET", "POST"])
@requires(*CASE_ROLES)
def grant(code: str) -> Response | str | tuple[str, int]:
    """Add a member: a logged-in member of the bureau wraps its key for the newcomer."""
    bureau = bureau_by_code(code)
    if not is_member(staff(), bureau):
        abort(404)
    database = db.session()
    candidates = database.scalars(
        select(StaffMember)
        .where(
            StaffMember.active,
            # Only members who chose their own password and second factor: an account still
            # on the temporary password an administrator saw could be the administrator.
            StaffMember.enrolled,
            StaffMember.public_key.is_not(None),
            StaffMember.role.in_(CASE_ROLES),
            StaffMember.unit_id == bureau.unit_id,
            ~StaffMember.id.in_(
                select(BureauMembership.staff_id).where(BureauMembership.bureau_id == bureau.id)
            ),
        )
        .order_by(StaffMember.username)
    ).all()
    form = GrantForm()
    form.staff_id.choices = [(m.id, f"{m.username} ({m.role})") for m in candidates]
    page = {"form": form, "bureau": bureau, "name": bureau_name(code)}
    if request.method == "GET":
        return render_template("admin/grant.html", **page)
    if not recently_authenticated(opened(), context.settings(), now()):
        return redirect(url_for("admin.auth.reauth", next=request.path), code=303)
    if not form.validate():
        return render_template("admin/grant.html", **page), 422
    newcomer = database.get(StaffMember, form.staff_id.data)
    if newcomer is None or newcomer.role not in CASE_ROLES or newcomer.unit_id != bureau.unit_id:
        return render_template("admin/grant.html", **page, alert=str(NO_KEY_FOR_ADMINS)), 422
    secret_key = context.settings().secret_key
    # The key check is compared with the authenticated key, the one the grant seals to: a
    # key swapped in the database fails here (KeyNotAuthentic) before anything is sealed.
    if newcomer.public_key is None or normalise_fingerprint(form.fingerprint.data) != fingerprint(
        staff_public_key(newcomer, secret_key)
    ):
        form.fingerprint.errors = [*form.fingerprint.errors, WRONG_FINGERPRINT]
        return render_template("admin/grant.html", **page), 422
    private = bureau_private_key(database, staff(), opened().staff_private, code)
    grant_bureau(database, bureau, private, newcomer, secret_key)
    record_audit("bureau_key_granted", bureau=code, to=newcomer.username)
    database.commit()
    return redirect(url_for("admin.people.bureaus"), code=303)


@bp.route("/tokens", methods=["GET", "POST"])
@requires("admin")
def tokens() -> str | tuple[str, int]:
    """Hotline tokens: create (shown once) and list; they can submit reports, never read."""
    database = db.session()
    created: tuple[str, str] | None = None
    status = 200
    if request.method == "POST":
        name = (request.form.get("name") or "").strip()
        if not 0 < len(name) <= 64:
            status = 422
        else:
            try:
                token = hotline.create_token(
                    database, name, context.today(), database.get_one(Unit, staff().unit_id)
                )
            except ValueError:
                status = 422
            else:
                record_audit("token_created", name=name)
                database.commit()
                created = (name, token)
    own = select(HotlineToken).where(HotlineToken.unit_id == staff().unit_id)
    rows = database.scalars(own.order_by(HotlineToken.name)).all()
    return render_template("admin/tokens.html", rows=rows, created=created), status


@bp.post("/tokens/<int:token_id>/revoke")
@requires("admin")
def token_revoke(token_id: int) -> Response:
    """Revoke a hotline token."""
    database = db.session()
    row = database.get(HotlineToken, token_id)
    if row is None or row.unit_id != staff().unit_id:
        abort(404)
    hotline.revoke_token(database, row.name, context.today())
    record_audit("token_revoked", name=row.name)
    database.commit()
    return redirect(url_for("admin.people.tokens"), code=303)

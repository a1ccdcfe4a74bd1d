"""Login, enrolment (password + TOTP + recovery key), re-authentication, password and recovery."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from admin import audit
from admin.auth import credentials, sessions, totp
from admin.auth.forms import (
    EnrolForm,
    LoginForm,
    PasswordForm,
    ReauthForm,
    RecoverForm,
    RotateKeyForm,
)
from admin.auth.keycheck import own_key_check
from admin.console import (
    now,
    opened,
    record_audit,
    renew_form_session,
    requires,
    safe_next,
    staff,
)
from admin.labels import bureau_name
from crypto.errors import DecryptionError
from intake.domain.keys.keyring import unlock_staff_key
from intake.platform import context, db

bp = Blueprint("auth", __name__)

WRONG = _l("The username, password or code is wrong.")
LOCKED = _l("Too many failed attempts. Please try again after %(time)s.")
WRONG_CODE = _l("This code is wrong or was already used. Wait for the next one.")


def _client() -> str:
    return request.remote_addr or ""


def _refusal(exc: credentials.LoginRefused) -> str:
    if exc.retry_after is not None:
        return str(LOCKED % {"time": format_datetime(exc.retry_after, "HH:mm")})
    return str(WRONG)


def _show(template: str, **page: object) -> tuple[str, int]:
    """A form page: 200 when asked for, 422 when what was sent did not validate."""
    return render_template(template, **page), 200 if request.method == "GET" else 422


def _failed(action: str, username: str, when: dt.datetime) -> None:
    """Audit a refused login or recovery: under the account's name if there is one; a typed
    name that is no account (perhaps a password typed in the wrong box) is not kept."""
    database = db.session()
    member = credentials.find_active(database, username)
    name = member.username if member else "(unknown account)"
    audit.record(database, None, action, now=when, actor_name=name)
    database.commit()


def _set_cookie(response: Response, value: str) -> Response:
    settings = context.settings()
    response.set_cookie(
        sessions.COOKIE,
        value,
        max_age=settings.console_absolute_hours * 3600,
        path=sessions.COOKIE_PATH,
        secure=settings.session_cookie_secure or request.is_secure,
        httponly=True,
        samesite="Strict",
    )
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Password and second factor; the private key is unlocked into the new session."""
    form = LoginForm()
    if request.method == "GET" or not form.validate():
        return _show("admin/login.html", form=form)
    database, current = db.session(), now()
    try:
        done = credentials.check_login(
            database,
            context.settings(),
            form.username.data,
            form.password.data,
            form.code.data or "",
            _client(),
            current,
        )
    except credentials.LoginRefused as exc:
        _failed("login_failed", form.username.data, current)
        form.password.data = ""
        return render_template("admin/login.html", form=form, alert=_refusal(exc)), 401
    cookie = sessions.create(database, done.member, done.staff_private, current)
    audit.record(database, done.member, "login", now=current)
    database.commit()
    renew_form_session(cookie)
    if done.member.enrolled:
        target = safe_next(request.args.get("next"), url_for("admin.home"))
    else:
        target = url_for("admin.auth.enrol")
    return _set_cookie(redirect(target, code=303), cookie)


@bp.post("/logout")
@requires(enrolled=False)
def logout() -> Response:
    """End the session and forget its key."""
    record_audit("logout")
    sessions.end(db.session(), opened().record)
    db.session().commit()
    session.clear()
    response = redirect(url_for("admin.auth.login"), code=303)
    response.delete_cookie(sessions.COOKIE, path=sessions.COOKIE_PATH)
    return response


@bp.route("/enrol", methods=["GET", "POST"])
@requires(enrolled=False)
def enrol() -> Response | str | tuple[str, int]:
    """First login: choose a password, set up the authenticator, receive the recovery key."""
    member, settings = staff(), context.settings()
    if member.enrolled:
        return redirect(url_for("admin.home"), code=303)
    form = EnrolForm()
    database = db.session()
    secret = totp.open_secret(settings.secret_key, member)
    if secret is None:
        # Made once and kept (sealed) until confirmed: a second tab or a prefetch must not
        # silently replace the code the member already scanned.
        secret = totp.new_secret()
        member.totp_secret_sealed = totp.seal_secret(settings.secret_key, member, secret)
        database.commit()
    uri = totp.provisioning_uri(secret, member.username)
    size, path = totp.qr_path(uri)
    page = {"form": form, "secret": secret, "qr_size": size, "qr_path": path}
    if request.method == "GET" or not form.validate():
        return _show("admin/enrol.html", **page)
    try:
        credentials.check_password_rules(form.new_password.data, form.confirm.data, member.username)
    except credentials.PasswordRejected as exc:
        form.new_password.errors = [*form.new_password.errors, exc.args[0]]
        return render_template("admin/enrol.html", **page), 422
    step = totp.verify(secret, form.code.data or "", member.totp_last_step, now())
    if step is None:
        form.code.errors = [*form.code.errors, WRONG_CODE]
        return render_template("admin/enrol.html", **page), 422
    member.totp_last_step = step
    # The key pair is made here, in the member's own session, under the password they just
    # chose: nothing the temporary password could open exists (README.md, "Security model").
    done = credentials.enrol(database, settings, member, opened().staff_key, form.new_password.data)
    record_audit("enrolled")
    for code in done.founded:
        record_audit("bureau_founded", bureau=code)
    cookie = sessions.create(database, member, done.staff_private, now())
    database.commit()
    response = make_response(
        render_template(
            "admin/recovery_key.html",
            recovery_key=done.recovery_key,
            founded=[bureau_name(code) for code in done.founded],
        )
    )
    return _set_cookie(response, cookie)


@bp.route("/reauth", methods=["GET", "POST"])
@requires()
def reauth() -> Response | str | tuple[str, int]:
    """Prove password and second factor again before a key ceremony."""
    form = ReauthForm()
    target = safe_next(request.args.get("next"), url_for("admin.home"))
    if request.method == "GET" or not form.validate():
        return _show("admin/reauth.html", form=form)
    member, settings, database = staff(), context.settings(), db.session()
    try:
        unlock_staff_key(member, form.password.data)
        if not credentials.check_second_factor(settings, member, form.code.data or "", now()):
            raise DecryptionError("wrong code")
    except DecryptionError:
        record_audit("reauth_failed")
        database.commit()
        return render_template("admin/reauth.html", form=form, alert=str(WRONG)), 401
    opened().record.authenticated_at = now()
    record_audit("reauth")
    database.commit()
    return redirect(target, code=303)


def _password_page(form: PasswordForm, rotate: RotateKeyForm) -> dict[str, object]:
    return {"form": form, "rotate": rotate, "key_check": own_key_check(opened().staff_private)}


@bp.route("/password", methods=["GET", "POST"])
@requires()
def password() -> Response | str | tuple[str, int]:
    """Change the password: the private key is locked again, with a new recovery key."""
    form = PasswordForm()
    member, settings, database = staff(), context.settings(), db.session()
    page = _password_page(form, RotateKeyForm(prefix="rotate", formdata=None))
    if request.method == "GET" or not form.validate():
        return _show("admin/password.html", **page)
    try:
        staff_private = unlock_staff_key(member, form.password.data)
        if not credentials.check_second_factor(settings, member, form.code.data or "", now()):
            raise DecryptionError("wrong code")
    except DecryptionError:
        return render_template("admin/password.html", **page, alert=str(WRONG)), 401
    try:
        credentials.check_password_rules(form.new_password.data, form.confirm.data, member.username)
    except credentials.PasswordRejected as exc:
        form.new_password.errors = [exc.args[0]]
        return render_template("admin/password.html", **page), 422
    recovery_key = credentials.relock(
        database, settings, member, staff_private, form.new_password.data
    )
    record_audit("password_changed")
    cookie = sessions.create(database, member, staff_private, now())
    database.commit()
    response = make_response(render_template("admin/recovery_key.html", recovery_key=recovery_key))
    return _set_cookie(response, cookie)


@bp.post("/password/key")
@requires()
def rotate_key() -> Response | str | tuple[str, int]:
    """A new personal key pair: every bureau key held is sealed again to it; proven by password
    and a fresh code, like a password change. The key check changes with it."""
    rotate = RotateKeyForm(prefix="rotate")
    member, settings, database = staff(), context.settings(), db.session()
    page = _password_page(PasswordForm(formdata=None), rotate)
    if not rotate.validate():
        return render_template("admin/password.html", **page), 422
    try:
        staff_private = unlock_staff_key(member, rotate.password.data)
        if not credentials.check_second_factor(settings, member, rotate.code.data or "", now()):
            raise DecryptionError("wrong code")
    except DecryptionError:
        record_audit("reauth_failed")
        database.commit()
        return render_template("admin/password.html", **page, alert=str(WRONG)), 401
    old_check = own_key_check(staff_private)
    done = credentials.rotate_key(database, settings, member, staff_private, rotate.password.data)
    record_audit("staff_key_rotated", bureaus=len(member.memberships))
    cookie = sessions.create(database, member, done.staff_private, now())
    database.commit()
    response = make_response(
        render_template(
            "admin/recovery_key.html",
            recovery_key=done.recovery_key,
            key_check=own_key_check(done.staff_private),
            old_key_check=old_check,
        )
    )
    return _set_cookie(response, cookie)


@bp.route("/recover", methods=["GET", "POST"])
def recover() -> Response | str | tuple[str, int]:
    """A forgotten password: the recovery key unlocks the private key; a new password locks it."""
    form = RecoverForm()
    if request.method == "GET" or not form.validate():
        return _show("admin/recover.html", form=form)
    settings, database, current = context.settings(), db.session(), now()
    try:
        credentials.check_password_rules(
            form.new_password.data, form.confirm.data, form.username.data
        )
    except credentials.PasswordRejected as exc:
        form.new_password.errors = [exc.args[0]]
        return render_template("admin/recover.html", form=form), 422
    try:
        done = credentials.recover(
            database,
            settings,
            form.username.data,
            form.recovery_key.data,
            form.code.data or "",
            _client(),
            current,
        )
    except credentials.LoginRefused as exc:
        _failed("recover_failed", form.username.data, current)
        return render_template("admin/recover.html", form=form, alert=_refusal(exc)), 401
    recovery_key = credentials.relock(
        database, settings, done.member, done.staff_private, form.new_password.data
    )
    audit.record(database, done.member, "recovered", now=current)
    cookie = sessions.create(database, done.member, done.staff_private, current)
    database.commit()
    g.console = None
    response = make_response(render_template("admin/recovery_key.html", recovery_key=recovery_key))
    return _set_cookie(response, cookie)

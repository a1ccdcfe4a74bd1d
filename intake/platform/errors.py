"""The one place that turns errors into pages or application/problem+json.

No error response carries a stack trace or an exception's text: SQLAlchemy errors, for one,
quote the statement's parameters. Forms that can be recovered (the report form) come back
filled in with what the citizen typed, whatever went wrong (promise 3).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from intake.domain.cases.reports import InstallationIncomplete
from intake.domain.keys.authentic import KeyNotAuthentic
from intake.platform import db, ratestorage

log = logging.getLogger("qingfeng.errors")

#: Retry-After of a 503 when the database failed: a short back-off of our choosing (most
#: outages are a restart or a fail-over), not the rate limiter's window.
OUTAGE_RETRY_SECONDS = 5

#: Renders a form again with a message: (message, status) -> response.
FormRecovery = Callable[[str, int], Response]

TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please identify yourself"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("This address does not accept that kind of request"),
    413: _l("What you sent is too large"),
    415: _l("Unsupported content type"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is briefly unavailable"),
}

MESSAGES = {
    400: _l("Please go back and try again."),
    404: _l("Check the address, or start from the home page."),
    405: _l("Please use the links and buttons on the pages."),
    413: _l(
        "The text is longer than we can accept. Go back with your browser's Back button: your "
        "text is still there. Shorten it and send it again."
    ),
    429: _l("Please wait a few minutes and try again."),
    500: _l("Nothing you did caused this. Please try again in a few minutes."),
    503: _l("Please try again in a few minutes."),
}

CSRF_MESSAGE = _l(
    "This form had expired or was opened in another window, so it was not sent. Everything you "
    "typed is kept below: please check it and send it again."
)
RATE_MESSAGE = _l(
    "Too many attempts from your connection in a short time, so this was not sent. Everything "
    "you typed is kept below: please wait a few minutes and send it again."
)
STORAGE_MESSAGE = _l(
    "We could not save this just now, so nothing was stored. Everything you typed is kept "
    "below: please send it again in a minute."
)
UNEXPECTED_MESSAGE = _l(
    "Something went wrong on our side. Everything you typed is kept below: please send it "
    "again in a few minutes."
)
NOT_READY_MESSAGE = _l(
    "Reports cannot be received yet: this service is still being set up, so nothing was "
    "stored. Everything you typed is kept below: please send it again later, or call the "
    "hotline."
)
NOT_READY_DETAIL = _l(
    "Reports cannot be received yet: this service is still being set up. Nothing was stored; "
    "send the same request again later."
)
UNAUTHENTIC_MESSAGE = _l(
    "Reports cannot be received right now, so nothing was stored. Everything you typed is "
    "kept below: please send it again later, or call the hotline."
)
UNAUTHENTIC_DETAIL = _l(
    "Reports cannot be received right now. Nothing was stored; send the same request again later."
)

#: The console's side (a grant, a 督办 note): staff are told what happened.
KEY_FAILED_MESSAGE = _l(
    "A key failed its check (it was changed outside Qingfeng), so nothing was sealed to it and "
    "nothing was changed. Tell the system administrator."
)


class Problem(Exception):
    """An API error with a specific title (RFC 9457); raised by views, rendered here."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: object,
    ) -> None:
        super().__init__(status)
        self.status, self.title, self.detail = status, title, detail
        self.headers = headers or {}
        self.extra = extra


def init_app(app: Flask, recoveries: dict[str, FormRecovery]) -> None:
    """Register the handlers; `recoveries` maps endpoints to their form re-renderers."""

    def recover_or_page(
        status: int, message: str, error: Exception, detail: str | None = None
    ) -> Response:
        recovery = recoveries.get(request.endpoint or "")
        if recovery is not None and request.method == "POST":
            try:
                return recovery(message, status)
            except Exception as failed:
                # The form could not be drawn again either: say so without data.
                log.error("recovery failed: %s at %s", type(failed).__name__, request.endpoint)
        return respond(status, error, detail)

    def rollback() -> None:
        """End a failed transaction, so drawing the form again can read the database."""
        try:
            db.session().rollback()
        except Exception as failed:
            log.error("rollback failed: %s", type(failed).__name__)

    @app.errorhandler(Problem)
    def problem(error: Problem) -> Response:
        response = problem_response(error.status, error.title, error.detail, **error.extra)
        response.headers.update(error.headers)
        return response

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> Response:
        return recover_or_page(400, str(CSRF_MESSAGE), error)

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded) -> Response:
        response = recover_or_page(429, str(RATE_MESSAGE), error)
        response.headers["Retry-After"] = str(_retry_after(error))
        return response

    @app.errorhandler(InstallationIncomplete)
    def not_ready(error: InstallationIncomplete) -> Response:
        # The intake desk has no key yet: nothing can be stored, nothing is lost (the form
        # comes back filled in, the API says to send the same request again later).
        rollback()
        log.error("no report taken at %s: the intake desk has no key yet", request.endpoint)
        return recover_or_page(503, str(NOT_READY_MESSAGE), error, NOT_READY_DETAIL)

    @app.errorhandler(KeyNotAuthentic)
    def key_not_authentic(error: KeyNotAuthentic) -> Response:
        # A public key whose MAC is missing or wrong is never sealed to: nothing is stored,
        # nothing is lost. The log names the key's holder (a bureau, a member), never a report.
        rollback()
        log.warning("nothing sealed at %s: %s", request.endpoint, error)
        if request.path.startswith("/admin/") and request.endpoint not in recoveries:
            return respond(503, error, str(KEY_FAILED_MESSAGE))
        return recover_or_page(503, str(UNAUTHENTIC_MESSAGE), error, UNAUTHENTIC_DETAIL)

    @app.errorhandler(SQLAlchemyError)
    def storage_failed(error: SQLAlchemyError) -> Response:
        rollback()
        log.error("database error %s at %s", type(error).__name__, request.endpoint)
        response = recover_or_page(503, str(STORAGE_MESSAGE), error)
        response.headers["Retry-After"] = str(OUTAGE_RETRY_SECONDS)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return respond(error.code or 500, error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        # Type and frames only: an exception's message may quote data a reporter sent.
        log.error(
            "unhandled %s at %s\n%s",
            type(error).__name__,
            request.endpoint,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        rollback()
        # A public form comes back filled in (README.md, "Nothing is lost"); other pages get
        # the error page.
        return recover_or_page(500, str(UNEXPECTED_MESSAGE), InternalServerError())


CONSOLE_MESSAGES = {
    403: _l("Your role cannot open this page."),
    404: _l("This page or case does not exist, or your bureau holds no key to it."),
}


def _in_console() -> bool:
    return request.path == "/admin" or request.path.startswith("/admin/")


def wants_problem_json() -> bool:
    """API clients get application/problem+json; browsers get a page."""
    return request.path.startswith("/api/")


def respond(status: int, error: Exception | None = None, detail: str | None = None) -> Response:
    """An error page or problem document for `status`, in the request's language."""
    title = str(TITLES.get(status, TITLES[400 if status < 500 else 500]))
    message = detail or str(MESSAGES.get(status, MESSAGES[400 if status < 500 else 500]))
    if wants_problem_json():
        response = problem_response(
            status,
            TITLES.get(status, TITLES[400 if status < 500 else 500]),
            detail or MESSAGES.get(status, MESSAGES[400 if status < 500 else 500]),
        )
    else:
        # Staff stay in the console's frame, with a way back into it, never the citizen's header.
        template = "admin/error.html" if _in_console() else "error.html"
        if _in_console() and not detail:
            message = str(CONSOLE_MESSAGES.get(status, message))
        response = Response(
            render_template(template, title=title, message=message, status=status),
            mimetype="text/html",
        )
    response.status_code = status
    if isinstance(error, HTTPException):
        # Keep what the protocol needs (Allow on 405, WWW-Authenticate on 401).
        headers = dict(error.get_headers())
        for name in ("Allow", "WWW-Authenticate", "Retry-After"):
            if name in headers:
                response.headers[name] = headers[name]
    return response


def bilingual(text: str) -> str:
    """A lazy message in Chinese and English, for machine clients read by people of either."""
    with force_locale("zh_CN"):
        chinese = str(text)
    with force_locale("en"):
        english = str(text)
    return chinese if chinese == english else f"{chinese} / {english}"


def problem_response(
    status: int, title: str, detail: str | None = None, **extra: object
) -> Response:
    """An application/problem+json response (RFC 9457) with bilingual title and detail."""
    body: dict[str, object] = {"type": "about:blank", "title": bilingual(title), "status": status}
    if detail:
        body["detail"] = bilingual(detail)
    body.update(extra)
    response = jsonify(body)
    response.mimetype = "application/problem+json"
    response.status_code = status
    return response


def _retry_after(error: RateLimitExceeded) -> int:
    """When one more request would be let through; the limit's window if that is unknown."""
    try:
        seconds = ratestorage.retry_after(current_app.extensions["qingfeng.limiter"])
    except Exception:  # the storage may have gone away since it refused
        seconds = None
    if seconds is not None:
        return seconds
    try:
        return max(1, int(error.limit.limit.get_expiry()))
    except (AttributeError, TypeError, ValueError):
        return 60

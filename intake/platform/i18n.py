"""Language choice: Chinese by default, English through the visible switch (a cookie)."""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask import Flask, Response, request
from flask_babel import Babel, get_locale, gettext
from werkzeug.wrappers import Response as WerkzeugResponse

from intake.domain import wording

LANGUAGES = {"zh_CN": "中文", "en": "English"}
DEFAULT = "zh_CN"
COOKIE = "lang"


def select_locale() -> Locale:
    """The request's language: ?lang=, then the cookie, then Chinese."""
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return _parsed(candidate)
    return _parsed(DEFAULT)


@cache
def _parsed(code: str) -> Locale:
    # Babel would parse the code again on every request (it scans every locale it knows).
    return Locale.parse(code)


def current() -> str:
    """The request's language as one of LANGUAGES (Babel spells Chinese zh_Hans_CN)."""
    return "en" if str(get_locale()).startswith("en") else "zh_CN"


def html_lang(locale: str) -> str:
    """The value of <html lang>."""
    return "en" if locale.startswith("en") else "zh-CN"


def remember(response: WerkzeugResponse, code: str) -> WerkzeugResponse:
    """Keep a language choice for the next pages (a preference, not an identifier)."""
    response.set_cookie(COOKIE, code, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


def _remember_query_choice(response: Response) -> Response:
    # A link with ?lang= must not switch back on the next page (a form posted from it).
    choice = request.args.get("lang")
    if choice in LANGUAGES and request.cookies.get(COOKIE) != choice:
        remember(response, choice)
    return response


def init_app(app: Flask) -> None:
    """Install Flask-Babel with our selector."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    Babel(app, locale_selector=select_locale)
    # The domain's messages are translated by the same catalog, in the request's language.
    wording.use_translator(gettext)
    app.after_request(_remember_query_choice)

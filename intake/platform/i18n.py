"""Language choice: Chinese by default, English through the visible switch (a cookie)."""

from __future__ import annotations

from functools import cache

from babel import Locale, support
from flask import Flask, Response, request
from flask_babel import Babel, get_locale, gettext
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms.i18n import messages_path

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


@cache
def _wtforms_catalog(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def _wtforms_translations() -> None:
    # Flask-WTF reads WTForms' own catalog (its built-in messages) from disk again on every
    # request that builds a form; a catalog is read-only once loaded, so one per language serves
    # every request (bench/README.md, "Where a request's time goes").
    request.wtforms_translations = _wtforms_catalog(str(get_locale()))  # type: ignore[attr-defined]


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
    app.before_request(_wtforms_translations)

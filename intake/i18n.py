"""Language choice: Chinese by default, English through the visible switch (a cookie)."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel, get_locale

LANGUAGES = {"zh_CN": "中文", "en": "English"}
DEFAULT = "zh_CN"
COOKIE = "lang"


def select_locale() -> str:
    """The request's language: ?lang=, then the cookie, then Chinese."""
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT


def current() -> str:
    """The request's language as one of LANGUAGES (Babel spells Chinese zh_Hans_CN)."""
    return "en" if str(get_locale()).startswith("en") else "zh_CN"


def html_lang(locale: str) -> str:
    """The value of <html lang>."""
    return "en" if locale.startswith("en") else "zh-CN"


def init_app(app: Flask) -> None:
    """Install Flask-Babel with our selector."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    Babel(app, locale_selector=select_locale)

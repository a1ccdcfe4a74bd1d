"""Language choice: Chinese by default, English through the visible switch (a cookie)."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel

LANGUAGES = {"zh_CN": "中文", "en": "English"}
DEFAULT = "zh_CN"
COOKIE = "lang"


def select_locale() -> str:
    """The request's language: ?lang=, then the cookie, then Chinese."""
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT


def html_lang(locale: str) -> str:
    """The value of <html lang>."""
    return "zh-CN" if locale == "zh_CN" else "en"


def init_app(app: Flask) -> None:
    """Install Flask-Babel with our selector."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    Babel(app, locale_selector=select_locale)

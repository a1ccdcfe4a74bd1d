"""The empty report and status forms, rendered once and kept; each request fills in its tokens.

An empty form page is the same text for everyone who asks in one language, except for its
tokens (the CSRF token, and the report form's one-time token), which are new for every
request. Rendering it costs more CPU than anything else on a GET besides Flask itself (the
report page's template and its form, bench/README.md, "The KDF's share of each flow"), so
the first request in a language renders it with its tokens as usual and keeps the text
around them; later ones join the kept text with their own tokens. The page a citizen
downloads is byte for byte what rendering it would give (tests/public/test_kept_pages.py).

A page is kept only when each of its tokens appears exactly once and needs no escaping, so
a token can never land anywhere but in its own field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import current_app, request
from markupsafe import escape

from intake.platform import i18n

#: app.extensions key: {(page, language, script root, path): KeptPage}
EXTENSION = "qingfeng.kept_pages"


@dataclass(frozen=True)
class KeptPage:
    """A rendered page cut at its tokens: text, token, text, token, …, text."""

    texts: tuple[str, ...]
    order: tuple[int, ...]

    def fill(self, tokens: Sequence[str]) -> str:
        """The page with these tokens (in the order they were given at rendering)."""
        parts = [self.texts[0]]
        for index, text in zip(self.order, self.texts[1:], strict=True):
            parts.append(tokens[index])
            parts.append(text)
        return "".join(parts)


def cut(page: str, tokens: Sequence[str]) -> KeptPage | None:
    """Cut a rendered page at its tokens, or None when a token is not there exactly once."""
    places = []
    for index, token in enumerate(tokens):
        if not token or str(escape(token)) != token or page.count(token) != 1:
            return None
        places.append((page.index(token), index, token))
    places.sort()
    texts, order, start = [], [], 0
    for place, index, token in places:
        texts.append(page[start:place])
        order.append(index)
        start = place + len(token)
    texts.append(page[start:])
    return KeptPage(tuple(texts), tuple(order))


def empty_form(name: str, tokens: Sequence[str], render: Callable[[], str]) -> str:
    """The empty form page `name` with these tokens: kept text, or `render()` the first time.

    `render` must give the page with exactly these tokens in it; everything else in it must
    depend only on the language and the path (no query string is read by the page).
    """
    kept: dict[tuple[str, ...], KeptPage] = current_app.extensions.setdefault(EXTENSION, {})
    key = (name, i18n.current(), request.script_root, request.path)
    page = kept.get(key)
    if page is not None:
        return page.fill(tokens)
    rendered = render()
    made = cut(rendered, tokens)
    if made is not None:
        kept[key] = made
    return rendered

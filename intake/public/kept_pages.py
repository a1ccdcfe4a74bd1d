"""Pages that differ only in their tokens, rendered once and kept; each request fills in its own.

An empty form page is the same text for everyone who asks in one language, except for its
tokens (the CSRF token, and the report form's one-time token), which are new for every
request; a receipt page without files is the same for every report sent to one bureau on
one day, except for its receipt code. Rendering them costs more CPU than anything else in
those requests besides Flask itself (bench/README.md, "The KDF's share of each flow"), so
the first request renders the page with its tokens as usual and keeps the text around them;
later ones join the kept text with their own tokens. The page a citizen downloads is byte for
byte what rendering it would give (tests/public/test_kept_pages.py). Only the text around
the tokens is kept, never a token.

A page shows who runs the site, which is the unit's own on a unit's own host name
(intake/public/unit_site.py): that unit, with the identity it shows, is part of every key, so
a page kept for one host is never served on another, and one kept before the unit's identity
changed is not served after.

A page is kept only when each of its tokens appears exactly once and needs no escaping, so
a token can never land anywhere but in its own place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import current_app, request
from markupsafe import escape

from intake.platform import i18n
from intake.public import unit_site

#: app.extensions key: {(page, language, script root, path, unit's site, *what else it shows):
#: KeptPage}
EXTENSION = "qingfeng.kept_pages"
#: Receipt pages are kept per bureau and day: forget them all now and then. A province with a
#: host per county keeps a form and a status page per host and language (4 × 100 counties),
#: the forms its counties' links choose, and the receipts: each page is under 20 KB, so this
#: bounds a process's kept pages to about 20 MB.
MOST_KEPT = 1024


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


def page(
    name: str,
    tokens: Sequence[str],
    render: Callable[[], str],
    shows: tuple[str, ...] = (),
) -> str:
    """The page `name` with these tokens: kept text, or `render()` the first time.

    `render` must give the page with exactly these tokens in it; everything else in it must
    depend only on the language, the path, the unit's site and `shows` (no query string is
    read by the page).
    """
    kept: dict[tuple[object, ...], KeptPage] = current_app.extensions.setdefault(EXTENSION, {})
    site = unit_site.current()
    key = (name, i18n.current(), request.script_root, request.path, site, *shows)
    found = kept.get(key)
    if found is not None:
        return found.fill(tokens)
    rendered = render()
    made = cut(rendered, tokens)
    if made is not None:
        if len(kept) >= MOST_KEPT:
            kept.clear()
        kept[key] = made
    return rendered

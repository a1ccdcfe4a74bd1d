"""The one function that turns reporter text into HTML (bleach lives here and nowhere else).

Reporter text is never markup. It is escaped first, so every character comes back as typed;
line breaks become <br>. bleach then runs over our own output with an allowlist of exactly
that one tag, a second line of defence should the escaping above ever be changed.
"""

from __future__ import annotations

import threading

from bleach.sanitizer import Cleaner
from markupsafe import Markup, escape

_ALLOWED_TAGS = frozenset({"br"})
# bleach.clean() builds a new Cleaner (an HTML parser and serializer) for every text; the status
# page cleans a dozen. One per thread, with the same settings: a Cleaner is not thread-safe.
_cleaners = threading.local()


def _cleaner() -> Cleaner:
    cleaner = getattr(_cleaners, "cleaner", None)
    if cleaner is None:
        cleaner = _cleaners.cleaner = Cleaner(
            tags=_ALLOWED_TAGS, attributes={}, protocols=[], strip=True, strip_comments=True
        )
    return cleaner


def plain_text_to_html(text: str) -> Markup:
    """HTML showing `text` literally, with its line breaks."""
    escaped = str(escape(text)).replace("\n", "<br>\n")
    cleaned = _cleaner().clean(escaped)
    # Safe by construction: escaped first, then cleaned by bleach with only <br> allowed.
    return Markup(cleaned)  # noqa: S704  # nosec B704

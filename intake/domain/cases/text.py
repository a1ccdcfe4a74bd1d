"""The one documented normalisation applied to everything a reporter types.

1. CR LF and lone CR become LF (browsers send CR LF from a textarea).
2. Control characters other than tab and line feed are removed (C0, DEL, C1).
3. Bidirectional override and isolate characters (U+202A–U+202E, U+2066–U+2069) are removed:
   they can make a case file read differently to staff than it was written ("Trojan Source").
4. Leading and trailing whitespace is removed.
Nothing else changes: the text comes back exactly as typed.
"""

from __future__ import annotations

import re

_NEWLINES = re.compile(r"\r\n?")
_REMOVED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: What a browser puts in place of bytes that were not valid UTF-8.
REPLACEMENT_CHARACTER = "\ufffd"


def normalise_text(value: str | None) -> str:
    """Apply the documented normalisation; None becomes the empty string."""
    if value is None:
        return ""
    return _REMOVED.sub("", _NEWLINES.sub("\n", value)).strip()

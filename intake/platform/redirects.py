"""Where a `?next=` parameter may send someone: a path on this site, never another site."""

from __future__ import annotations

import urllib.parse


def local_path(target: str | None, default: str) -> str:
    """`target` if it is a plain path on this site, otherwise `default`.

    Browsers drop tabs and newlines and read a backslash as a slash, so "/\\t/evil.example"
    would leave the site; anything with a control character or backslash is refused.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return default
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default
    parts = urllib.parse.urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return default
    return target

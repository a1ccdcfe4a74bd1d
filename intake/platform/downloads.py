"""Names for files handed to a browser: always an attachment, never a path, never a header
injection, and readable in Chinese where the browser supports RFC 6266 `filename*`."""

from __future__ import annotations

import urllib.parse

from intake.domain.evidence.attachments import safe_name
from intake.domain.evidence.filetypes import KINDS


def download_name(name: str, kind: str) -> str:
    """The stored name, with the extension of what the bytes are (a cleaned HEIC is a JPEG)."""
    name = safe_name(name)
    extensions = KINDS[kind].extensions
    if not name.lower().endswith(extensions):
        name = f"{name.rsplit('.', 1)[0] if '.' in name else name}{extensions[0]}"
    return name


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name)
    quoted = urllib.parse.quote(name, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quoted}"

"""Schemathesis hooks (loaded through SCHEMATHESIS_HOOKS by tests/api/test_schemathesis.py).

They teach the generator three rules that the OpenAPI document states in words but JSON Schema
cannot express, so that a valid request refused for one of them is not counted as a bug:
a fresh Idempotency-Key per body, a call date not in the future, and attachments that are
real files of an accepted kind (random bytes are refused by content). The first two are
tested directly in test_hotline_api.py, the last in tests/evidence/test_api_attachments.py.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import schemathesis

from intake.platform.context import today as china_today

_VALID_KEY = re.compile(r"[ -~]{1,200}")
# A string, as the generator makes them for binary items (it sends it as UTF-8).
_PDF = "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n"


@schemathesis.hook
def before_call(_context: Any, case: Any, _kwargs: dict[str, Any]) -> None:
    """Give each request its own valid Idempotency-Key and a call date not in the future.

    Schemathesis reuses one minimal header value for every body, and a key reused with a
    different body rightly gets 422 (draft-ietf-httpapi-idempotency-key-header).
    """
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and _VALID_KEY.fullmatch(key):
        headers["Idempotency-Key"] = f"st-{uuid.uuid4()}"
    body = case.body
    if _negative(case):
        # A deliberately invalid body stays as generated: its refusal is what is tested.
        return
    if isinstance(body, dict) and isinstance(body.get("report"), dict):
        files = body.get("attachment")
        if isinstance(files, list) and all(isinstance(f, bytes | str) for f in files):
            body["attachment"] = [_PDF for _ in files]
        body = body["report"]
    if isinstance(body, dict) and isinstance(body.get("call_date"), str):
        try:
            day = dt.date.fromisoformat(body["call_date"])
        except ValueError:
            return
        if day > china_today() or day.year < 2000:
            body["call_date"] = china_today().isoformat()


def _negative(case: Any) -> bool:
    meta = getattr(case, "meta", None) or getattr(case, "_meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    return str(getattr(mode, "value", mode)) == "negative"

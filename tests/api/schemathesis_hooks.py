"""Schemathesis hooks (loaded through SCHEMATHESIS_HOOKS by tests/api/test_schemathesis.py).

They teach the generator two rules that the OpenAPI document states in words but JSON Schema
cannot express, so that a valid request refused for one of them is not counted as a bug.
Both rules are tested directly in test_hotline_api.py.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import schemathesis

_VALID_KEY = re.compile(r"[ -~]{1,200}")


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
    if isinstance(body, dict) and isinstance(body.get("call_date"), str):
        try:
            day = dt.date.fromisoformat(body["call_date"])
        except ValueError:
            return
        if day > dt.date.today() or day.year < 2000:
            body["call_date"] = dt.date.today().isoformat()

"""Follow-up tokens: let a reporter who opened their case answer on the next page without the
receipt code being written into any page (the code appears only in the response that
creates it).

A token is the report's id and data key, sealed under a key derived from the installation's
secret key together with the minute the reporter typed their code; nothing is stored on the
server. Every page a token opens carries a token of that same minute, so a page captured from
the reporter's screen opens the case for one hour after the code was typed and never longer
(docs/design.md "Receipt code").
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import struct
from dataclasses import dataclass, field

from crypto import aead
from crypto.errors import DecryptionError
from crypto.keywrap import hkdf_sha256

LIFETIME = dt.timedelta(hours=1)
_AAD = aead.associated_data("follow-up-token", "v1")
_LAYOUT = struct.Struct(">36s32sQ")


class TokenRefused(Exception):
    """The token is expired, damaged or not ours; the reporter enters the code again."""


def _key(secret_key: bytes) -> bytes:
    return hkdf_sha256(secret_key, b"", b"qingfeng/follow-up-token/v1", 32)


@dataclass(frozen=True)
class Redeemed:
    """What a live token stands for: the case, its key, and when the code was typed."""

    report_id: str
    data_key: bytes = field(repr=False)
    first_issued: dt.datetime


def issue(secret_key: bytes, report_id: str, data_key: bytes, first_issued: dt.datetime) -> str:
    """A token for the follow-up forms of one status page.

    `first_issued` is when the reporter typed the code: now for a page opened by the code, the
    redeemed token's own `first_issued` for a page opened by a token, so that it never renews.
    """
    minute = int(first_issued.timestamp()) // 60
    plain = _LAYOUT.pack(report_id.encode("ascii"), data_key, minute)
    return base64.urlsafe_b64encode(aead.seal(_key(secret_key), plain, _AAD)).decode("ascii")


def redeem(secret_key: bytes, token: str, now: dt.datetime) -> Redeemed:
    """What a live token stands for; TokenRefused once an hour passed since its first issue."""
    try:
        blob = base64.urlsafe_b64decode(token.encode("ascii"))
        plain = aead.open_sealed(_key(secret_key), blob, _AAD)
        raw_id, data_key, minute = _LAYOUT.unpack(plain)
    except (binascii.Error, ValueError, UnicodeEncodeError, DecryptionError, struct.error):
        raise TokenRefused from None
    issued = dt.datetime.fromtimestamp(minute * 60, dt.UTC)
    if not dt.timedelta(minutes=-1) <= now - issued <= LIFETIME:
        raise TokenRefused
    return Redeemed(raw_id.decode("ascii"), data_key, issued)

"""Public keys the server seals to, authenticated under the installation's secret key.

Reports, hotline calls, recordings, transfers, 督办 notes and key grants are all sealed to a
public key read from the database. Someone who can write to the database but does not hold
the secret key could otherwise put their own key in a bureau's row, read what arrives, and put
the real one back. So every public key is stored with a MAC over who holds it and the key
(docs/design.md, "Bureau keys"): `keyring` sets both together and checks the MAC before
every seal, and a key whose MAC is missing or wrong is never sealed to.
"""

from __future__ import annotations

import hashlib
import hmac

from crypto import aead
from crypto.keywrap import hkdf_sha256

BUREAU = "bureau"
STAFF = "staff"
#: A case's reporter key (docs/design.md, "Key epochs"): each new epoch's key is sealed to it.
REPORTER = "reporter"


class KeyNotAuthentic(Exception):
    """A public key whose MAC is missing (written before keys were authenticated) or does not
    match (changed outside Qingfeng): nothing is sealed to it."""

    def __init__(self, kind: str, holder: str, missing: bool) -> None:
        self.kind = kind
        self.holder = holder
        self.missing = missing
        if missing:
            why = "is not authenticated yet: run `qingfeng keys authenticate`"
        else:
            why = "does not match its MAC: it was changed outside Qingfeng"
        super().__init__(f"the public key of {kind} {holder} {why}")


def _key(secret_key: bytes) -> bytes:
    return hkdf_sha256(secret_key, b"", b"qingfeng/public-key-mac/v1", 32)


def key_mac(secret_key: bytes, kind: str, holder: str, public_key: bytes) -> bytes:
    """The MAC of `public_key` as the key of `kind` (bureau, staff, a case's reporter)
    `holder`."""
    message = aead.associated_data("public-key", kind, holder, public_key)
    return hmac.new(_key(secret_key), message, hashlib.sha256).digest()


def check(
    secret_key: bytes,
    kind: str,
    holder: str,
    public_key: bytes,
    mac: bytes | None,
    name: str | None = None,
) -> bytes:
    """`public_key`, if `mac` authenticates it for this holder; KeyNotAuthentic (naming the
    holder as `name`, a member's username say) if not."""
    if mac is None:
        raise KeyNotAuthentic(kind, name or holder, missing=True)
    if not hmac.compare_digest(key_mac(secret_key, kind, holder, public_key), mac):
        raise KeyNotAuthentic(kind, name or holder, missing=False)
    return public_key

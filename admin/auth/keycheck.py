"""A member's key check: a short fingerprint of their public key, read aloud between
colleagues before a bureau key is sealed to it, so a grant reaches the person and not whoever
else could have logged in to the account (an administrator who saw a temporary password)."""

from __future__ import annotations

import hashlib

from crypto.keywrap import public_key_of

_GROUPS = 5


def fingerprint(public_key: bytes) -> str:
    """Twenty hex digits of SHA-256 over the key, in groups of four."""
    digest = hashlib.sha256(b"qingfeng-key-check\0" + public_key).hexdigest()[: 4 * _GROUPS]
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4)).upper()


def own_key_check(staff_private: bytes) -> str:
    """The key check a member reads on their own screen: from their unlocked private key (its
    public key recomputed), never from the stored column, which a database writer could
    change (docs/design.md, "Bureau keys")."""
    return fingerprint(public_key_of(staff_private))


def normalise_fingerprint(typed: str | None) -> str:
    """What a colleague typed, as `fingerprint` writes it (spaces and case do not matter)."""
    compact = "".join(c for c in (typed or "").upper() if c.isalnum())
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))

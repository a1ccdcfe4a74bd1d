"""A password verifier: checks a temporary password without any key behind it.

A new staff account has no key pair until its member enrols (README.md, "Security model"):
the temporary password an administrator hands over is only checked, never used to lock
anything. So whoever saw that password, with any copy of the database, opens nothing.

Format: version || memory || iterations || lanes || salt || Argon2id(password, salt).
"""

from __future__ import annotations

import hmac
import os
import struct
import unicodedata

from crypto.kdf import Argon2Params, argon2id

VERSION = b"\x02"
_SALT_BYTES = 16
_DIGEST_BYTES = 32
_HEADER = struct.Struct(">III")
# A row could be altered to demand absurd work before the comparison; refuse that.
_MAX_MEMORY_KIB = 4 * 1024 * 1024
_MAX_ITERATIONS = 100
_MAX_LANES = 64


def make_verifier(password: str, params: Argon2Params) -> bytes:
    """A verifier of `password` under its own random salt, at the cost `params` sets."""
    salt = os.urandom(_SALT_BYTES)
    header = VERSION + _HEADER.pack(params.memory_kib, params.iterations, params.lanes)
    return header + salt + argon2id(_password_bytes(password), salt, params, _DIGEST_BYTES)


def check_verifier(blob: bytes, password: str) -> bool:
    """Whether `password` is the one `blob` was made from (compared in constant time)."""
    header_length = 1 + _HEADER.size
    if len(blob) != header_length + _SALT_BYTES + _DIGEST_BYTES or blob[:1] != VERSION:
        return False
    memory, iterations, lanes = _HEADER.unpack(blob[1:header_length])
    if memory > _MAX_MEMORY_KIB or iterations > _MAX_ITERATIONS or lanes > _MAX_LANES:
        return False
    try:
        params = Argon2Params(memory_kib=memory, iterations=iterations, lanes=lanes)
    except ValueError:
        return False
    salt = blob[header_length : header_length + _SALT_BYTES]
    expected = blob[header_length + _SALT_BYTES :]
    derived = argon2id(_password_bytes(password), salt, params, _DIGEST_BYTES)
    return hmac.compare_digest(derived, expected)


def _password_bytes(password: str) -> bytes:
    # The same normalisation as crypto/locking.py: a password typed on another keyboard
    # (composed or decomposed accents) is the same password.
    return unicodedata.normalize("NFC", password).encode("utf-8")

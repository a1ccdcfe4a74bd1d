"""AES-256-GCM with a version byte and associated data that binds a ciphertext to its place."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crypto.errors import DecryptionError

VERSION = b"\x01"
DATA_KEY_BYTES = 32
NONCE_BYTES = 12
_TAG_BYTES = 16


def new_data_key() -> bytes:
    """A fresh random 256-bit key."""
    return os.urandom(DATA_KEY_BYTES)


def associated_data(*parts: str | bytes) -> bytes:
    """Unambiguous encoding of `parts`: each length-prefixed, so ("a","bc") != ("ab","c")."""
    out = bytearray()
    for part in parts:
        raw = part.encode("utf-8") if isinstance(part, str) else bytes(part)
        out += len(raw).to_bytes(4, "big") + raw
    return bytes(out)


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt: version || nonce || ciphertext+tag. The version byte is authenticated too."""
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, VERSION + aad)


def open_sealed(key: bytes, blob: bytes, aad: bytes) -> bytes:
    """Decrypt what `seal` made; DecryptionError on anything wrong."""
    if len(key) != DATA_KEY_BYTES or len(blob) < 1 + NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError("cannot open")
    if blob[:1] != VERSION:
        raise DecryptionError("cannot open")
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, VERSION + aad)
    except InvalidTag:
        raise DecryptionError("cannot open") from None

"""Private keys locked under a passphrase (Argon2id) or a one-time recovery key (HKDF)."""

from __future__ import annotations

import os
import secrets
import struct
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crypto.errors import DecryptionError
from crypto.kdf import Argon2Params, argon2id
from crypto.keywrap import hkdf_sha256

VERSION = b"\x01"
_SALT_BYTES = 16
_NONCE_BYTES = 12
_HEADER = struct.Struct(">III")
# A blob could be altered to demand absurd work before its tag is even checked; refuse that.
_MAX_MEMORY_KIB = 4 * 1024 * 1024
_MAX_ITERATIONS = 100
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def lock_with_passphrase(secret: bytes, passphrase: str, params: Argon2Params) -> bytes:
    """Lock `secret`: version || memory || iterations || lanes || salt || nonce || ct+tag."""
    salt = os.urandom(_SALT_BYTES)
    header = VERSION + _HEADER.pack(params.memory_kib, params.iterations, params.lanes) + salt
    key = argon2id(_passphrase_bytes(passphrase), salt, params)
    nonce = os.urandom(_NONCE_BYTES)
    return header + nonce + AESGCM(key).encrypt(nonce, secret, header)


def unlock_with_passphrase(blob: bytes, passphrase: str) -> bytes:
    """Unlock what `lock_with_passphrase` made; DecryptionError on a wrong passphrase."""
    header_length = 1 + _HEADER.size + _SALT_BYTES
    if len(blob) < header_length + _NONCE_BYTES + 16 or blob[:1] != VERSION:
        raise DecryptionError("cannot open")
    memory, iterations, lanes = _HEADER.unpack(blob[1 : 1 + _HEADER.size])
    if memory > _MAX_MEMORY_KIB or iterations > _MAX_ITERATIONS or lanes > 64:
        raise DecryptionError("cannot open")
    try:
        params = Argon2Params(memory_kib=memory, iterations=iterations, lanes=lanes)
    except ValueError:
        raise DecryptionError("cannot open") from None
    header, salt = blob[:header_length], blob[1 + _HEADER.size : header_length]
    nonce, body = (
        blob[header_length : header_length + _NONCE_BYTES],
        blob[header_length + _NONCE_BYTES :],
    )
    key = argon2id(_passphrase_bytes(passphrase), salt, params)
    try:
        return AESGCM(key).decrypt(nonce, body, header)
    except InvalidTag:
        raise DecryptionError("cannot open") from None


def generate_recovery_key() -> str:
    """160 random bits as 32 Crockford base32 characters, in groups of four."""
    value = secrets.randbits(160)
    chars = "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in range(32))
    return "-".join(chars[i : i + 4] for i in range(0, 32, 4))


def lock_with_recovery_key(secret: bytes, recovery_key: str) -> bytes:
    """Lock `secret` under a recovery key: version || nonce || ct+tag."""
    key = _recovery_key_bytes(recovery_key)
    nonce = os.urandom(_NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, secret, VERSION)


def unlock_with_recovery_key(blob: bytes, recovery_key: str) -> bytes:
    """Unlock what `lock_with_recovery_key` made; DecryptionError on anything wrong."""
    if len(blob) < 1 + _NONCE_BYTES + 16 or blob[:1] != VERSION:
        raise DecryptionError("cannot open")
    key = _recovery_key_bytes(recovery_key)
    try:
        return AESGCM(key).decrypt(blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :], VERSION)
    except InvalidTag:
        raise DecryptionError("cannot open") from None


def _passphrase_bytes(passphrase: str) -> bytes:
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _recovery_key_bytes(recovery_key: str) -> bytes:
    """The key a recovery key stands for; it already has full entropy, so HKDF suffices."""
    compact = "".join(recovery_key.split()).replace("-", "").upper().translate(_CROCKFORD_ALIASES)
    if len(compact) != 32 or any(c not in _CROCKFORD for c in compact):
        raise DecryptionError("cannot open")
    return hkdf_sha256(compact.encode("ascii"), b"", b"qingfeng/recovery-key/v1", 32)

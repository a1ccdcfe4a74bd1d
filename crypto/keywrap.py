"""An HPKE-style seal to an X25519 public key: ephemeral X25519, HKDF-SHA256, AES-256-GCM.

Used to wrap a report's data key for a bureau, and a bureau's private key for a member.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto.errors import CryptoError, DecryptionError

VERSION = b"\x01"
KEY_BYTES = 32
_NONCE_BYTES = 12
_INFO = b"qingfeng/seal/v1"
_RAW = serialization.Encoding.Raw


def generate_keypair() -> tuple[bytes, bytes]:
    """A new X25519 key pair as raw bytes: (private, public)."""
    private = X25519PrivateKey.generate()
    return _private_bytes(private), private.public_key().public_bytes(
        _RAW, serialization.PublicFormat.Raw
    )


def public_key_of(private_key: bytes) -> bytes:
    """The raw public key of a raw private key."""
    return (
        X25519PrivateKey.from_private_bytes(private_key)
        .public_key()
        .public_bytes(_RAW, serialization.PublicFormat.Raw)
    )


def x25519(private_key: bytes, public_key: bytes) -> bytes:
    """The raw X25519 shared secret; refuses the all-zero result of a low-order point."""
    try:
        shared = X25519PrivateKey.from_private_bytes(private_key).exchange(
            X25519PublicKey.from_public_bytes(public_key)
        )
    except ValueError as exc:  # cryptography refuses low-order points itself
        raise CryptoError("invalid key exchange") from exc
    if shared == bytes(KEY_BYTES):
        raise CryptoError("invalid key exchange")
    return shared


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    """HKDF-SHA256 (RFC 5869); an empty salt means a zero-filled one, as the RFC says."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt or None, info=info).derive(ikm)


def seal_to(public_key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt for the holder of `public_key`: version || ephemeral public || nonce || ct+tag."""
    ephemeral_private, ephemeral_public = generate_keypair()
    key = _derive(x25519(ephemeral_private, public_key), ephemeral_public, public_key)
    nonce = os.urandom(_NONCE_BYTES)
    return VERSION + ephemeral_public + nonce + AESGCM(key).encrypt(nonce, plaintext, VERSION + aad)


def open_sealed_to(private_key: bytes, blob: bytes, aad: bytes) -> bytes:
    """Decrypt what `seal_to` made; DecryptionError on anything wrong."""
    header = 1 + KEY_BYTES + _NONCE_BYTES
    if len(private_key) != KEY_BYTES or len(blob) < header + 16 or blob[:1] != VERSION:
        raise DecryptionError("cannot open")
    ephemeral_public = blob[1 : 1 + KEY_BYTES]
    nonce, body = blob[1 + KEY_BYTES : header], blob[header:]
    try:
        recipient_public = public_key_of(private_key)
        key = _derive(x25519(private_key, ephemeral_public), ephemeral_public, recipient_public)
        return AESGCM(key).decrypt(nonce, body, VERSION + aad)
    except (InvalidTag, CryptoError, ValueError):
        raise DecryptionError("cannot open") from None


def _derive(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return hkdf_sha256(shared, ephemeral_public + recipient_public, _INFO, 32)


def _private_bytes(private: X25519PrivateKey) -> bytes:
    return private.private_bytes(
        _RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )

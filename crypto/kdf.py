"""Argon2id, with its cost as a value that configuration can change."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from nacl import bindings as sodium


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost: memory in KiB, passes, lanes."""

    memory_kib: int
    iterations: int
    lanes: int = 1

    def __post_init__(self) -> None:
        if self.lanes < 1 or self.iterations < 1 or self.memory_kib < 8 * self.lanes:
            raise ValueError("Argon2id needs lanes >= 1, iterations >= 1, memory >= 8 KiB per lane")


#: OWASP's minimum for Argon2id (19 MiB, 2 passes): receipt codes.
RECEIPT_PARAMS = Argon2Params(memory_kib=19456, iterations=2)
#: Stronger, for staff passwords, which have less entropy than a receipt code.
PASSWORD_PARAMS = Argon2Params(memory_kib=65536, iterations=3)
#: Only for tests.
TEST_PARAMS = Argon2Params(memory_kib=64, iterations=1)


def argon2id(secret: bytes, salt: bytes, params: Argon2Params, length: int = 32) -> bytes:
    """Derive `length` bytes from `secret` and a salt of at least 16 bytes."""
    if len(salt) < 16:
        raise ValueError("salt must be at least 16 bytes")
    if libsodium_can_derive(salt, params, length):
        return sodium.crypto_pwhash_alg(
            length,
            secret,
            salt,
            params.iterations,
            params.memory_kib * 1024,
            sodium.crypto_pwhash_ALG_ARGON2ID13,
        )
    return Argon2id(
        salt=salt,
        length=length,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(secret)


def libsodium_can_derive(salt: bytes, params: Argon2Params, length: int) -> bool:
    """Whether libsodium computes this derivation; otherwise `cryptography` (OpenSSL) does.

    libsodium gives the same bytes for about four fifths of OpenSSL's CPU time at the receipt
    cost and half at the password cost (bench/kdf.py), but it takes only one lane, a salt of
    exactly 16 bytes and keys of 16 bytes or more. What it cannot take must still derive, and
    identically: a longer configured receipt salt, a lock whose header names more lanes, a
    short key.
    """
    return (
        len(salt) == sodium.crypto_pwhash_SALTBYTES
        and params.lanes == 1
        and sodium.crypto_pwhash_BYTES_MIN <= length <= sodium.crypto_pwhash_BYTES_MAX
        and sodium.crypto_pwhash_argon2id_OPSLIMIT_MIN
        <= params.iterations
        <= sodium.crypto_pwhash_argon2id_OPSLIMIT_MAX
        and sodium.crypto_pwhash_argon2id_MEMLIMIT_MIN
        <= params.memory_kib * 1024
        <= sodium.crypto_pwhash_argon2id_MEMLIMIT_MAX
    )

"""Argon2id, with its cost as a value that configuration can change."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id


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
    return Argon2id(
        salt=salt,
        length=length,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(secret)

"""argon2id(): the bytes stored data depends on, published vectors, which library derives."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from hypothesis import given
from hypothesis import strategies as st
from nacl import bindings as sodium
from nacl.exceptions import InvalidkeyError

import crypto.kdf
from crypto import locking
from crypto.kdf import (
    PASSWORD_PARAMS,
    RECEIPT_PARAMS,
    TEST_PARAMS,
    Argon2Params,
    argon2id,
    libsodium_can_derive,
)
from crypto.receipts import derive_receipt_keys

H = bytes.fromhex
SALT = bytes(range(16))  # the length of the installation salt and of every lock's salt
CODE = "12345678901234567891"  # a receipt code: 19 digits and their Damm check digit

# What argon2id() gave while it called `cryptography` (OpenSSL) for every derivation; the
# reference C implementation (argon2-cffi) gave the same bytes. A lookup tag stored with every
# report, and the key of every passphrase-locked staff key, were made this way: an
# implementation that gave anything else would leave them unopenable.
PINNED = [
    pytest.param(
        CODE.encode(), SALT, RECEIPT_PARAMS, 32,
        "8908e014ffcc345070dfc65209ce179ad0c56f4cbf155803ebbf6a82860ac816",
        id="receipt-params", marks=pytest.mark.slow,
    ),
    pytest.param(
        b"a staff password", SALT, PASSWORD_PARAMS, 32,
        "8354520a13a810f16141dc450b48ef0867ca47ca2ab019ee510f4b1b1175723e",
        id="password-params", marks=pytest.mark.slow,
    ),
    # An installation may set a longer receipt salt (QINGFENG_RECEIPT_SALT, 16 bytes or more).
    pytest.param(
        CODE.encode(), bytes(range(32)), RECEIPT_PARAMS, 32,
        "475a6a3e411f9f29e4f4e75bf0a730d94c625fd2051376344ae7ed375df4cdb8",
        id="receipt-params-32-byte-salt", marks=pytest.mark.slow,
    ),
    pytest.param(
        b"pw", SALT, TEST_PARAMS, 32,
        "1c41dc39c4d6a9771b869ab34fa88bcf2df7d2778e85c1cd207ad29704bf88a2",
        id="test-params",
    ),
    pytest.param(
        b"pw", SALT, TEST_PARAMS, 48,
        "8d194892025651e20713545d3a8d7b5aac147cdcdc6d54234ec64f8d59226232"
        "0c877893eeca108cfe43a9e6731f6ee5",
        id="48-byte-key",
    ),
    pytest.param(
        b"pw", SALT, TEST_PARAMS, 8,
        "9c0af2951617592d",
        id="8-byte-key",
    ),
    pytest.param(
        b"", SALT, TEST_PARAMS, 32,
        "df74a3b95ebfcf38d2020538740fc2c02ae1a7a665967e702f90d921d585809a",
        id="empty-secret",
    ),
    pytest.param(
        b"pw", b"bench-salt-0123456789abcdef", TEST_PARAMS, 32,
        "32046fcff2a69bda56813e275797ce9797332495e1103be52e7681dbdb2893e4",
        id="27-byte-salt",
    ),
    # A lock's header carries its lanes; any blob with more than one must still open.
    pytest.param(
        b"pw", SALT, Argon2Params(memory_kib=64, iterations=1, lanes=4), 32,
        "b62c5d9a8325fb0018f478ebe67a8af57bc9a471d8be4394de46753552436a88",
        id="four-lanes",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("secret", "salt", "params", "length", "expected"), PINNED)
def test_argon2id_gives_the_pinned_bytes(
    secret: bytes, salt: bytes, params: Argon2Params, length: int, expected: str
) -> None:
    assert argon2id(secret, salt, params, length) == H(expected)


@pytest.mark.slow
def test_a_pinned_receipt_code_still_finds_and_opens_its_report() -> None:
    keys = derive_receipt_keys(CODE, SALT, RECEIPT_PARAMS)
    assert keys.lookup_tag == H("51dc2af8a7bdba1f025546e76100500adf8f3ea0668c3c7dae00afc0d442a516")
    assert keys.reporter_key == H(
        "04d03b2bfac757273e74f25df9ef70b2101cf48439021d9ab330aaa770f60219"
    )


# Locked by lock_with_passphrase(b"private key", "a staff password", ...) before the change.
LOCKED = [
    pytest.param(
        "010000004000000001000000016f92f2103301e09e2ff98b5dd05346349f37e1b961f36919bf32df6a97"
        "92c819db38c4d7f8eea9808e727af0ba240d938d0932024473bb",
        id="test-params",
    ),
    pytest.param(
        "010001000000000003000000012a3cca2030d4bb933d30019486f63c89e5333645fe971de34385e347dc"
        "30432191222cf0e2f46a016d41b2f7dbbf456b2d0c4a10062f8f",
        id="password-params", marks=pytest.mark.slow,
    ),
]  # fmt: skip


@pytest.mark.parametrize("blob", LOCKED)
def test_a_staff_key_locked_before_still_unlocks(blob: str) -> None:
    assert locking.unlock_with_passphrase(H(blob), "a staff password") == b"private key"


# The Argon2 reference implementation's own known answers for Argon2id v1.3 (phc-winner-argon2,
# src/test.c): raw tag and encoded hash. Their 8-byte salt is one that argon2id() refuses and
# libsodium's raw call cannot take, so libsodium is checked through its verifier, which runs
# the same core on any salt and lane count; cryptography, the fallback, computes them raw.
REFERENCE = [
    pytest.param(
        2, 65536, 1, "password", "somesalt",
        "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7",
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        id="m64MiB-t2", marks=pytest.mark.slow,
    ),
    pytest.param(
        2, 262144, 1, "password", "somesalt",
        "78fe1ec91fb3aa5657d72e710854e4c3d9b9198c742f9616c2f085bed95b2e8c",
        "$argon2id$v=19$m=262144,t=2,p=1$c29tZXNhbHQ$eP4eyR+zqlZX1y5xCFTkw9m5GYx0L5YWwvCFvtlbLow",
        id="m256MiB-t2", marks=pytest.mark.slow,
    ),
    pytest.param(
        2, 256, 1, "password", "somesalt",
        "9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        id="m256KiB-t2",
    ),
    pytest.param(
        2, 256, 2, "password", "somesalt",
        "6d093c501fd5999645e0ea3bf620d7b8be7fd2db59c20d9fff9539da2bf57037",
        "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
        id="m256KiB-t2-two-lanes",
    ),
    pytest.param(
        1, 65536, 1, "password", "somesalt",
        "f6a5adc1ba723dddef9b5ac1d464e180fcd9dffc9d1cbf76cca2fed795d9ca98",
        "$argon2id$v=19$m=65536,t=1,p=1$c29tZXNhbHQ$9qWtwbpyPd3vm1rB1GThgPzZ3/ydHL92zKL+15XZypg",
        id="m64MiB-t1", marks=pytest.mark.slow,
    ),
    pytest.param(
        4, 65536, 1, "password", "somesalt",
        "9025d48e68ef7395cca9079da4c4ec3affb3c8911fe4f86d1a2520856f63172c",
        "$argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$kCXUjmjvc5XMqQedpMTsOv+zyJEf5PhtGiUghW9jFyw",
        id="m64MiB-t4", marks=pytest.mark.slow,
    ),
    pytest.param(
        2, 65536, 1, "differentpassword", "somesalt",
        "0b84d652cf6b0c4beaef0dfe278ba6a80df6696281d7e0d2891b817d8c458fde",
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$C4TWUs9rDEvq7w3+J4umqA32aWKB1+DSiRuBfYxFj94",
        id="m64MiB-other-password", marks=pytest.mark.slow,
    ),
    pytest.param(
        2, 65536, 1, "password", "diffsalt",
        "bdf32b05ccc42eb15d58fd19b1f856b113da1e9a5874fdcc544308565aa8141c",
        "$argon2id$v=19$m=65536,t=2,p=1$ZGlmZnNhbHQ$vfMrBczELrFdWP0ZsfhWsRPaHppYdP3MVEMIVlqoFBw",
        id="m64MiB-other-salt", marks=pytest.mark.slow,
    ),
]  # fmt: skip
VECTOR_FIELDS = ("iterations", "memory", "lanes", "password", "salt", "tag", "encoded")


@pytest.mark.parametrize(VECTOR_FIELDS, REFERENCE)
def test_libsodium_gives_the_reference_answers(
    iterations: int, memory: int, lanes: int, password: str, salt: str, tag: str, encoded: str
) -> None:
    assert sodium.crypto_pwhash_str_verify(encoded.encode(), password.encode())
    with pytest.raises(InvalidkeyError):
        sodium.crypto_pwhash_str_verify(encoded.encode(), password.encode() + b"!")


@pytest.mark.parametrize(VECTOR_FIELDS, REFERENCE)
def test_cryptography_gives_the_reference_answers(
    iterations: int, memory: int, lanes: int, password: str, salt: str, tag: str, encoded: str
) -> None:
    derived = Argon2id(
        salt=salt.encode(), length=32, iterations=iterations, lanes=lanes, memory_cost=memory
    ).derive(password.encode())
    assert derived == H(tag)


# RFC 9106's Argon2id vector (section 5.3) has four lanes, a secret key and associated data,
# none of which argon2id() passes or libsodium takes: tests/crypto/test_vectors.py checks it
# against cryptography, which argon2id() falls back to for more than one lane.


@given(
    secret=st.binary(max_size=80),
    salt=st.binary(min_size=16, max_size=16),
    memory=st.integers(min_value=8, max_value=300),
    iterations=st.integers(min_value=1, max_value=3),
    length=st.integers(min_value=16, max_value=80),
)
def test_libsodium_and_cryptography_agree_on_any_input(
    secret: bytes, salt: bytes, memory: int, iterations: int, length: int
) -> None:
    # Memory that is not a multiple of four blocks is rounded down inside Argon2 but hashed
    # as given; both must do the same.
    params = Argon2Params(memory_kib=memory, iterations=iterations)
    assert libsodium_can_derive(salt, params, length)
    expected = Argon2id(
        salt=salt, length=length, iterations=iterations, lanes=1, memory_cost=memory
    ).derive(secret)
    assert argon2id(secret, salt, params, length) == expected


@pytest.mark.parametrize(
    ("salt", "params", "length", "by_libsodium"),
    [
        pytest.param(SALT, RECEIPT_PARAMS, 32, True, id="receipts"),
        pytest.param(SALT, PASSWORD_PARAMS, 32, True, id="passwords"),
        pytest.param(SALT, TEST_PARAMS, 16, True, id="16-byte-key"),
        pytest.param(bytes(17), RECEIPT_PARAMS, 32, False, id="17-byte-salt"),
        pytest.param(bytes(32), RECEIPT_PARAMS, 32, False, id="32-byte-salt"),
        pytest.param(SALT, Argon2Params(memory_kib=64, iterations=1, lanes=2), 32, False,
                     id="two-lanes"),
        pytest.param(SALT, TEST_PARAMS, 15, False, id="15-byte-key"),
    ],
)  # fmt: skip
def test_which_library_derives(
    salt: bytes, params: Argon2Params, length: int, by_libsodium: bool
) -> None:
    assert libsodium_can_derive(salt, params, length) is by_libsodium


class _Refused(Exception):
    pass


def _refuse(*_args: object, **_kwargs: object) -> bytes:
    raise _Refused


def test_a_16_byte_salt_is_derived_by_libsodium_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto.kdf, "Argon2id", _refuse)
    assert argon2id(b"pw", SALT, TEST_PARAMS) == H(
        "1c41dc39c4d6a9771b869ab34fa88bcf2df7d2778e85c1cd207ad29704bf88a2"
    )


@pytest.mark.parametrize(
    ("salt", "params", "length"),
    [
        (bytes(range(32)), TEST_PARAMS, 32),
        (SALT, Argon2Params(memory_kib=64, iterations=1, lanes=4), 32),
        (SALT, TEST_PARAMS, 8),
    ],
)
def test_what_libsodium_cannot_take_falls_back_to_cryptography(
    monkeypatch: pytest.MonkeyPatch, salt: bytes, params: Argon2Params, length: int
) -> None:
    expected = argon2id(b"pw", salt, params, length)
    monkeypatch.setattr(crypto.kdf.sodium, "crypto_pwhash_alg", _refuse)
    assert argon2id(b"pw", salt, params, length) == expected
    monkeypatch.setattr(crypto.kdf, "Argon2id", _refuse)
    with pytest.raises(_Refused):
        argon2id(b"pw", salt, params, length)


@pytest.mark.parametrize("salt", [b"", b"somesalt", bytes(15)])
def test_a_salt_shorter_than_16_bytes_is_refused(salt: bytes) -> None:
    with pytest.raises(ValueError, match="salt must be at least 16 bytes"):
        argon2id(b"pw", salt, TEST_PARAMS)

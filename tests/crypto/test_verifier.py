"""The verifier of a temporary password: checks it, and holds nothing else."""

from __future__ import annotations

import struct

from crypto import verifier
from crypto.kdf import TEST_PARAMS, Argon2Params


def test_it_accepts_the_password_and_nothing_else() -> None:
    blob = verifier.make_verifier("abcd-efgh-jkmn-pqrs", TEST_PARAMS)
    assert verifier.check_verifier(blob, "abcd-efgh-jkmn-pqrs")
    assert not verifier.check_verifier(blob, "abcd-efgh-jkmn-pqrt")
    assert not verifier.check_verifier(blob, "")


def test_each_verifier_has_its_own_salt() -> None:
    one = verifier.make_verifier("same-password-twice", TEST_PARAMS)
    two = verifier.make_verifier("same-password-twice", TEST_PARAMS)
    assert one != two
    assert b"same-password-twice" not in one


def test_composed_and_decomposed_accents_are_the_same_password() -> None:
    blob = verifier.make_verifier("caf\u00e9-password", TEST_PARAMS)
    assert verifier.check_verifier(blob, "cafe\u0301-password")


def test_the_cost_is_read_from_the_verifier() -> None:
    stronger = Argon2Params(memory_kib=128, iterations=2)
    blob = verifier.make_verifier("a-temporary-password", stronger)
    assert struct.unpack(">III", blob[1:13]) == (128, 2, 1)
    assert verifier.check_verifier(blob, "a-temporary-password")


def test_an_altered_or_truncated_verifier_accepts_nothing() -> None:
    blob = verifier.make_verifier("a-temporary-password", TEST_PARAMS)
    flipped = blob[:-1] + bytes([blob[-1] ^ 1])
    assert not verifier.check_verifier(flipped, "a-temporary-password")
    assert not verifier.check_verifier(blob[:-1], "a-temporary-password")
    assert not verifier.check_verifier(b"\x01" + blob[1:], "a-temporary-password")
    # A header asking for absurd work is refused before any derivation.
    absurd = blob[:1] + struct.pack(">III", 2**31, 1, 1) + blob[13:]
    assert not verifier.check_verifier(absurd, "a-temporary-password")

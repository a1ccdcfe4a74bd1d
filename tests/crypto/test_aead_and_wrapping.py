"""Round trips and tampering for AES-GCM sealing, X25519 wrapping and key locking."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import aead, keywrap, locking
from crypto.errors import CryptoError, DecryptionError
from crypto.kdf import PASSWORD_PARAMS, TEST_PARAMS, Argon2Params, argon2id

KEY = bytes(range(32))
PRIVATE, PUBLIC = keywrap.generate_keypair()
AAD = aead.associated_data("report", "r-1", "content")


def flip(blob: bytes, index: int, bit: int) -> bytes:
    index %= len(blob)
    return blob[:index] + bytes([blob[index] ^ (1 << bit)]) + blob[index + 1 :]


@given(st.binary(max_size=2048), st.binary(max_size=64))
def test_seal_round_trip(plaintext: bytes, aad: bytes) -> None:
    assert aead.open_sealed(KEY, aead.seal(KEY, plaintext, aad), aad) == plaintext


@given(st.binary(min_size=1, max_size=256), st.integers(min_value=0), st.integers(0, 7))
def test_any_flipped_bit_of_a_sealed_blob_fails(plaintext: bytes, index: int, bit: int) -> None:
    blob = aead.seal(KEY, plaintext, AAD)
    with pytest.raises(DecryptionError):
        aead.open_sealed(KEY, flip(blob, index, bit), AAD)


def test_a_ciphertext_is_bound_to_its_report_and_field() -> None:
    blob = aead.seal(KEY, b"text", aead.associated_data("report", "A", "x"))
    assert aead.open_sealed(KEY, blob, aead.associated_data("report", "A", "x")) == b"text"
    for other in (("report", "B", "x"), ("report", "A", "y")):
        with pytest.raises(DecryptionError):
            aead.open_sealed(KEY, blob, aead.associated_data(*other))


def test_associated_data_is_unambiguous() -> None:
    assert aead.associated_data("a", "bc") != aead.associated_data("ab", "c")
    assert aead.associated_data("a", b"") != aead.associated_data("a")


@pytest.mark.parametrize("cut", [0, 1, 12, 28])
def test_truncated_blobs_and_unknown_versions_fail(cut: int) -> None:
    blob = aead.seal(KEY, b"secret", AAD)
    with pytest.raises(DecryptionError):
        aead.open_sealed(KEY, blob[:cut], AAD)
    with pytest.raises(DecryptionError):
        aead.open_sealed(KEY, b"\x02" + blob[1:], AAD)


def test_seals_are_randomised() -> None:
    assert aead.seal(KEY, b"same", AAD) != aead.seal(KEY, b"same", AAD)
    assert aead.new_data_key() != aead.new_data_key()
    assert len(aead.new_data_key()) == aead.DATA_KEY_BYTES


@settings(max_examples=50)
@given(st.binary(max_size=512), st.binary(max_size=64))
def test_seal_to_round_trip(plaintext: bytes, aad: bytes) -> None:
    assert (
        keywrap.open_sealed_to(PRIVATE, keywrap.seal_to(PUBLIC, plaintext, aad), aad) == plaintext
    )


@settings(max_examples=50)
@given(st.binary(min_size=1, max_size=64), st.integers(min_value=0), st.integers(0, 7))
def test_any_flipped_bit_of_a_wrap_fails(plaintext: bytes, index: int, bit: int) -> None:
    blob = keywrap.seal_to(PUBLIC, plaintext, AAD)
    with pytest.raises(DecryptionError):
        keywrap.open_sealed_to(PRIVATE, flip(blob, index, bit), AAD)


def test_a_wrap_opens_only_for_its_recipient_and_aad() -> None:
    other_private, _ = keywrap.generate_keypair()
    blob = keywrap.seal_to(PUBLIC, b"data key", AAD)
    with pytest.raises(DecryptionError):
        keywrap.open_sealed_to(other_private, blob, AAD)
    with pytest.raises(DecryptionError):
        keywrap.open_sealed_to(PRIVATE, blob, aead.associated_data("report", "r-2", "content"))
    with pytest.raises(DecryptionError):
        keywrap.open_sealed_to(PRIVATE, blob[:40], AAD)


def test_a_low_order_point_is_refused() -> None:
    with pytest.raises(CryptoError):
        keywrap.x25519(PRIVATE, bytes(32))


@settings(max_examples=20, deadline=None)
@given(st.binary(min_size=1, max_size=64), st.text(max_size=40))
def test_passphrase_lock_round_trip(secret: bytes, passphrase: str) -> None:
    blob = locking.lock_with_passphrase(secret, passphrase, TEST_PARAMS)
    assert locking.unlock_with_passphrase(blob, passphrase) == secret
    with pytest.raises(DecryptionError):
        locking.unlock_with_passphrase(blob, passphrase + "x")


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0), st.integers(0, 7))
def test_any_flipped_bit_of_a_lock_fails(index: int, bit: int) -> None:
    blob = locking.lock_with_passphrase(b"private key", "correct horse", TEST_PARAMS)
    with pytest.raises(DecryptionError):
        locking.unlock_with_passphrase(flip(blob, index, bit), "correct horse")


def test_a_lock_demanding_absurd_work_is_refused_without_running_it() -> None:
    blob = locking.lock_with_passphrase(b"k", "pw", TEST_PARAMS)
    absurd = blob[:1] + (2**31).to_bytes(4, "big") + blob[5:]
    with pytest.raises(DecryptionError):
        locking.unlock_with_passphrase(absurd, "pw")


def test_recovery_keys_lock_and_unlock() -> None:
    key = locking.generate_recovery_key()
    assert len(key) == 39
    assert key.count("-") == 7
    blob = locking.lock_with_recovery_key(b"private key", key)
    assert locking.unlock_with_recovery_key(blob, key.lower().replace("-", " ")) == b"private key"
    with pytest.raises(DecryptionError):
        locking.unlock_with_recovery_key(blob, locking.generate_recovery_key())
    with pytest.raises(DecryptionError):
        locking.unlock_with_recovery_key(blob, "not a key")


def test_argon2id_is_deterministic_and_salt_sensitive() -> None:
    salt = b"s" * 16
    assert argon2id(b"pw", salt, TEST_PARAMS) == argon2id(b"pw", salt, TEST_PARAMS)
    assert argon2id(b"pw", salt, TEST_PARAMS) != argon2id(b"pw", b"t" * 16, TEST_PARAMS)
    assert len(argon2id(b"pw", salt, TEST_PARAMS, length=48)) == 48
    with pytest.raises(ValueError, match="salt"):
        argon2id(b"pw", b"short", TEST_PARAMS)


@pytest.mark.parametrize(("memory", "iterations", "lanes"), [(7, 1, 1), (64, 0, 1), (64, 1, 0)])
def test_argon2_params_are_validated(memory: int, iterations: int, lanes: int) -> None:
    with pytest.raises(ValueError, match="Argon2id"):
        Argon2Params(memory_kib=memory, iterations=iterations, lanes=lanes)


@pytest.mark.slow
def test_production_password_parameters_lock_and_unlock() -> None:
    blob = locking.lock_with_passphrase(b"private key", "a staff password", PASSWORD_PARAMS)
    assert int.from_bytes(blob[1:5], "big") == PASSWORD_PARAMS.memory_kib
    assert locking.unlock_with_passphrase(blob, "a staff password") == b"private key"

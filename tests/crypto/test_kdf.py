"""argon2id() must keep giving the bytes that stored receipts and locked staff keys depend on."""

from __future__ import annotations

import pytest

from crypto import locking
from crypto.kdf import PASSWORD_PARAMS, RECEIPT_PARAMS, TEST_PARAMS, Argon2Params, argon2id
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

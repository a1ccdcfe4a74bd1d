"""Receipt codes: format, check digit, normalisation, and the keys they derive."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto.errors import ReceiptChecksumError, ReceiptFormatError
from crypto.kdf import RECEIPT_PARAMS, TEST_PARAMS
from crypto.receipts import (
    damm_is_valid,
    derive_receipt_keys,
    format_receipt,
    generate_receipt,
    normalise_receipt,
)

SALT = b"installation-salt-16"


def test_generated_codes_are_20_valid_digits_and_differ() -> None:
    codes = {generate_receipt() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 20
        assert code.isdigit()
        assert damm_is_valid(code)


def test_every_single_digit_error_and_adjacent_swap_is_caught() -> None:
    for _ in range(20):
        code = generate_receipt()
        for i in range(20):
            for d in "0123456789":
                if d != code[i]:
                    assert not damm_is_valid(code[:i] + d + code[i + 1 :])
            if i < 19 and code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                assert not damm_is_valid(swapped)


def test_normalisation_accepts_spacing_dashes_and_full_width_digits() -> None:
    code = generate_receipt()
    grouped = format_receipt(code)
    assert grouped.count(" ") == 4
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    for typed in (
        code,
        grouped,
        grouped.replace(" ", "-"),
        f"  {grouped}\n",
        full_width,
        grouped.replace(" ", "—"),
    ):
        assert normalise_receipt(typed) == code


@pytest.mark.parametrize("typed", ["", "1234", "1" * 21, "abcd efgh ijkl mnop qrst", "١٢٣٤" * 5])
def test_malformed_codes_are_format_errors(typed: str) -> None:
    with pytest.raises(ReceiptFormatError):
        normalise_receipt(typed)


def test_a_wrong_check_digit_is_a_checksum_error() -> None:
    code = generate_receipt()
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    with pytest.raises(ReceiptChecksumError):
        normalise_receipt(wrong)


@given(st.text(max_size=80))
def test_normalisation_raises_nothing_else(text: str) -> None:
    with contextlib.suppress(ReceiptFormatError, ReceiptChecksumError):
        normalise_receipt(text)


def test_the_lookup_tag_and_reporter_key_are_independent_and_deterministic() -> None:
    code = generate_receipt()
    keys = derive_receipt_keys(code, SALT, TEST_PARAMS)
    assert keys == derive_receipt_keys(code, SALT, TEST_PARAMS)
    assert keys.lookup_tag != keys.reporter_key
    assert len(keys.lookup_tag) == len(keys.reporter_key) == 32
    assert derive_receipt_keys(generate_receipt(), SALT, TEST_PARAMS).lookup_tag != keys.lookup_tag
    other_salt = derive_receipt_keys(code, b"another-salt-16b", TEST_PARAMS)
    assert other_salt.lookup_tag != keys.lookup_tag


@pytest.mark.slow
def test_production_receipt_parameters() -> None:
    code = generate_receipt()
    keys = derive_receipt_keys(code, SALT, RECEIPT_PARAMS)
    assert keys != derive_receipt_keys(code, SALT, TEST_PARAMS)
    assert keys == derive_receipt_keys(code, SALT, RECEIPT_PARAMS)

"""Receipt codes (查询码): 20 digits read over the phone, the last a Damm check digit.

The code is the reporter's only key. One Argon2id derivation over it (with the installation
salt) gives two independent values: a lookup tag, stored and indexed, and the reporter key,
never stored, which unwraps the reporter's copy of the report's data key.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from crypto.errors import ReceiptChecksumError, ReceiptFormatError
from crypto.kdf import Argon2Params, argon2id
from crypto.keywrap import hkdf_sha256

RECEIPT_DIGITS = 20

# The totally anti-symmetric quasigroup of order 10 from Damm (2004).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc]+")
_DIGITS = re.compile(r"[0-9]+")


def _damm(digits: str) -> int:
    interim = 0
    for char in digits:
        interim = _DAMM[interim][ord(char) - 48]
    return interim


def damm_check_digit(digits: str) -> str:
    """The Damm check digit of a string of ASCII digits."""
    if not _DIGITS.fullmatch(digits):
        raise ValueError("digits only")
    return str(_damm(digits))


def damm_is_valid(digits: str) -> bool:
    """Whether a string of ASCII digits ends in its correct Damm check digit."""
    return bool(_DIGITS.fullmatch(digits)) and _damm(digits) == 0


def generate_receipt() -> str:
    """A new code: 19 random digits (63 bits) and the check digit."""
    body = "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS - 1))
    return body + damm_check_digit(body)


def normalise_receipt(text: str) -> str:
    """The 20 digits of a typed code; spaces, dashes and full-width digits are allowed."""
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if len(compact) != RECEIPT_DIGITS or not _DIGITS.fullmatch(compact) or not compact.isascii():
        raise ReceiptFormatError("a receipt code has 20 digits")
    if not damm_is_valid(compact):
        raise ReceiptChecksumError("check digit does not match")
    return compact


def format_receipt(code: str) -> str:
    """Groups of four, separated by spaces, as it is shown and read out."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class ReceiptKeys:
    """What a receipt code gives: a stored lookup tag and the never-stored reporter key."""

    lookup_tag: bytes
    reporter_key: bytes


def derive_receipt_keys(code: str, installation_salt: bytes, params: Argon2Params) -> ReceiptKeys:
    """One Argon2id over the normalised code, then two independent HKDF outputs."""
    master = argon2id(code.encode("ascii"), installation_salt, params)
    return ReceiptKeys(
        lookup_tag=hkdf_sha256(master, b"", b"qingfeng/receipt/lookup/v1", 32),
        reporter_key=hkdf_sha256(master, b"", b"qingfeng/receipt/reporter-key/v1", 32),
    )

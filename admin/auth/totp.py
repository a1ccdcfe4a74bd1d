"""The second factor: TOTP (RFC 6238) with pyotp, sealed at rest, each code usable once."""

from __future__ import annotations

import datetime as dt
import hmac

import pyotp
import qrcode
import qrcode.constants

from crypto import aead
from crypto.errors import DecryptionError
from crypto.keywrap import hkdf_sha256
from intake.domain.models import StaffMember

ISSUER = "Qingfeng"


def _key(secret_key: bytes) -> bytes:
    # The TOTP secret is not report data; the server must check codes without a staff key.
    return hkdf_sha256(secret_key, b"", b"qingfeng/totp-secret/v1", 32)


def new_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def seal_secret(secret_key: bytes, member: StaffMember, secret: str) -> bytes:
    """Seal a TOTP secret to its member."""
    aad = aead.associated_data("totp", member.username)
    return aead.seal(_key(secret_key), secret.encode("ascii"), aad)


def open_secret(secret_key: bytes, member: StaffMember) -> str | None:
    """The member's TOTP secret, or None when none is set or it cannot be opened."""
    if member.totp_secret_sealed is None:
        return None
    aad = aead.associated_data("totp", member.username)
    try:
        return aead.open_sealed(_key(secret_key), member.totp_secret_sealed, aad).decode("ascii")
    except DecryptionError:
        return None


def verify(secret: str, code: str, last_step: int | None, now: dt.datetime) -> int | None:
    """The time step a code belongs to (one step of clock drift allowed), or None.

    A step at or before `last_step` is refused, so a code seen over a shoulder or in a
    proxy log cannot be used again.
    """
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// address authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_path(uri: str) -> tuple[int, str]:
    """The QR code as the side length and an SVG path of its dark modules.

    The template draws it as inline SVG, escaped like any other value: no markup is built
    here, no script runs and no image is fetched.
    """
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(uri)
    code.make(fit=True)
    matrix = code.get_matrix()
    path = "".join(
        f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return len(matrix), path

"""Key epochs: a change of holders gives a case a new data key (docs/design.md, "Key epochs").

Acceptance, refusal and a transfer that drops the old bureau take a holder's copy away. A
former holder may have kept the data key they once opened, so from then on everything new is
sealed under a fresh key that only the current holders get: each current bureau, and the
reporter, through an X25519 key pair of the case whose private key is sealed under the key
derived from the receipt code (staff can seal to its public half without the code). The
earlier keys are kept, sealed under the current one, so current holders read the whole file
and a former holder's key opens only what was written while they held it.
"""

from __future__ import annotations

from sqlalchemy.orm import object_session

from crypto import aead, keywrap
from crypto.errors import DecryptionError
from intake.domain.keys import authentic
from intake.domain.keys.keyring import REPORTER_HOLDER, REPORTER_KEY_HOLDER, wrap_aad
from intake.domain.keys.periods import peel_reporter_layer, seal_for_bureau, seal_for_reporter
from intake.domain.models import Bureau, KeyWrap, Report


def _earlier_aad(report_id: str, epoch: int) -> bytes:
    return aead.associated_data("earlier-keys", report_id, str(epoch))


def reporter_wraps(
    report_id: str, reporter_key: bytes, data_key: bytes
) -> tuple[bytes, list[KeyWrap]]:
    """A new case's reporter key pair: its public key, and the two wraps the reporter opens."""
    private, public = keywrap.generate_keypair()
    return public, [
        KeyWrap(
            holder=REPORTER_KEY_HOLDER,
            wrapped=aead.seal(reporter_key, private, wrap_aad(report_id, REPORTER_KEY_HOLDER)),
        ),
        KeyWrap(
            holder=REPORTER_HOLDER,
            wrapped=keywrap.seal_to(public, data_key, wrap_aad(report_id, REPORTER_HOLDER)),
        ),
    ]


def reporter_data_key(report: Report, reporter_key: bytes) -> bytes:
    """The current data key, opened with the key derived from the receipt code.

    DecryptionError if it does not open; KeyError if the reporter holds no copy.
    """
    wraps = {w.holder: w for w in report.key_wraps}
    wrap = wraps[REPORTER_HOLDER]
    aad = wrap_aad(report.id, REPORTER_HOLDER)
    inner = peel_reporter_layer(wrap)
    if report.reporter_public_key is None:
        # A case from before epochs: the reporter's copy is sealed under the receipt key.
        return aead.open_sealed(reporter_key, inner, aad)
    private = aead.open_sealed(
        reporter_key,
        wraps[REPORTER_KEY_HOLDER].wrapped,
        wrap_aad(report.id, REPORTER_KEY_HOLDER),
    )
    return keywrap.open_sealed_to(private, inner, aad)


def case_keys(report: Report, data_key: bytes) -> list[bytes]:
    """Every key the holder of `data_key` may use on this case, newest first.

    The current key opens the earlier ones; any other key (a former holder's) opens only
    itself, so it reads only what was sealed while it was current.
    """
    if report.earlier_keys is None:
        return [data_key]
    try:
        earlier = aead.open_sealed(
            data_key, report.earlier_keys, _earlier_aad(report.id, report.key_epoch)
        )
    except DecryptionError:
        return [data_key]
    size = aead.DATA_KEY_BYTES
    return [data_key, *(earlier[i : i + size] for i in range(0, len(earlier), size))]


def is_current(report: Report, data_key: bytes) -> bool:
    """Whether `data_key` is the case's current key (a follow-up token may carry an older one)."""
    return report.earlier_keys is None or len(case_keys(report, data_key)) > 1


def open_any(report: Report, data_key: bytes, blob: bytes, aad: bytes) -> bytes:
    """Open a ciphertext of the case with whichever of its keys sealed it."""
    for key in case_keys(report, data_key):
        try:
            return aead.open_sealed(key, blob, aad)
        except DecryptionError:
            continue
    raise DecryptionError("cannot open")


def rekey(report: Report, data_key: bytes, secret_key: bytes) -> bytes:
    """Start a new epoch: a fresh data key for the current holders; returns it.

    Call after the departing holder's copy was dropped. A case from before epochs has no
    reporter key to seal to, so it keeps its key (the reporter must go on reading it).
    The reporter's public key is read from the case row, so it is checked against its MAC
    first, like the bureaus' keys (docs/design.md, "Bureau keys"): KeyNotAuthentic if a
    database writer put a key of their own there, and nothing is sealed.
    """
    if report.reporter_public_key is None:
        return data_key
    reporter_public = authentic.check(
        secret_key,
        authentic.REPORTER,
        report.id,
        report.reporter_public_key,
        report.reporter_public_key_mac,
    )
    db = object_session(report)
    if db is None:
        raise RuntimeError("the report is not in a session")
    keys = case_keys(report, data_key)
    new_key = aead.new_data_key()
    report.key_epoch += 1
    report.earlier_keys = aead.seal(
        new_key, b"".join(keys), _earlier_aad(report.id, report.key_epoch)
    )
    for wrap in report.key_wraps:
        if wrap.bureau_id is not None:
            bureau = db.get(Bureau, wrap.bureau_id)
            if bureau is not None:
                seal_for_bureau(report, wrap, bureau, new_key, secret_key)
        elif wrap.holder == REPORTER_HOLDER:
            seal_for_reporter(report, wrap, reporter_public, new_key)
    return new_key

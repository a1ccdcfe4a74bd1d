"""Errors raised by the crypto package."""


class CryptoError(Exception):
    """Base of every cryptographic failure."""


class DecryptionError(CryptoError):
    """Something failed to open: wrong key, tampered byte, wrong associated data, bad format.

    Deliberately says no more than that.
    """


class ReceiptFormatError(ValueError):
    """Not 20 digits once spaces and dashes are removed."""


class ReceiptChecksumError(ValueError):
    """20 digits whose check digit fails: probably mistyped."""

"""What an attacker holding copies of the database, and a password, can open.

The attacker tries the password on every value of every copy (whatever it unlocks, whatever
it derives from a verifier's salt), then every key that gives on every bureau key sealed to a
member. tests/security/test_staff_keys.py mounts it with a temporary password an
administrator saw.
"""

from __future__ import annotations

from contextlib import suppress

from flask import Flask
from sqlalchemy import MetaData, select

from crypto import aead, keywrap, locking
from crypto.errors import CryptoError
from crypto.kdf import Argon2Params, argon2id
from intake.domain.models import Bureau, BureauMembership
from intake.platform import db


def database_values(app: Flask) -> list[bytes]:
    """Every binary value of every row of every table: a copy of the database as an attacker
    with read access takes it."""
    values: list[bytes] = []
    with app.app_context():
        engine = db.database().engine
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                for row in connection.execute(select(table)):
                    values.extend(bytes(v) for v in row if isinstance(v, bytes | memoryview))
    return values


def memberships(app: Flask) -> list[tuple[str, bytes]]:
    """(bureau code, bureau key sealed to a member) for every membership stored now."""
    with app.app_context():
        rows = db.session().execute(
            select(Bureau.code, BureauMembership.wrapped_bureau_key).join(BureauMembership)
        )
        return [(code, bytes(wrapped)) for code, wrapped in rows]


def _cheap_lock(value: bytes) -> bool:
    """Whether a value is shaped like a passphrase lock at a test's cost (nothing else is
    worth an Argon2id run, and an altered header must not make the test derive gigabytes)."""
    if len(value) < 1 + 12 + 16 + 12 + 16 or value[:1] != locking.VERSION:
        return False
    memory, iterations, lanes = (int.from_bytes(value[i : i + 4], "big") for i in (1, 5, 9))
    return 8 <= memory <= 1024 and 1 <= iterations <= 3 and lanes == 1


def _verifier_keys(value: bytes, password: str) -> list[bytes]:
    """If a value is a password verifier: what the password derives under its salt."""
    if len(value) != 1 + 12 + 16 + 32 or value[:1] != b"\x02":
        return []
    memory, iterations, lanes = (int.from_bytes(value[i : i + 4], "big") for i in (1, 5, 9))
    if not (8 <= memory <= 1024 and 1 <= iterations <= 3 and lanes == 1):
        return []
    params = Argon2Params(memory_kib=memory, iterations=iterations, lanes=lanes)
    return [argon2id(password.encode("utf-8"), value[13:29], params)]


def keys_a_password_opens(values: list[bytes], password: str) -> list[bytes]:
    """Every key someone holding `password` gets from these values: whatever the password
    unlocks, and whatever it derives from a verifier's salt."""
    keys: list[bytes] = []
    for value in values:
        if _cheap_lock(value):
            with suppress(CryptoError):
                keys.append(locking.unlock_with_passphrase(value, password))
        keys.extend(_verifier_keys(value, password))
    return keys


def bureau_keys_opened(keys: list[bytes], sealed: list[tuple[str, bytes]]) -> list[str]:
    """The bureaus whose private key any of `keys` unseals from the stored memberships."""
    opened = []
    for key in keys:
        if len(key) != 32:
            continue
        public = keywrap.public_key_of(key)
        for code, wrapped in sealed:
            try:
                keywrap.open_sealed_to(
                    key, wrapped, aead.associated_data("bureau-key", code, public)
                )
            except CryptoError:
                continue
            opened.append(code)
    return opened


def attack(app: Flask, copies: list[list[bytes]], password: str) -> list[str]:
    """The bureaus whose key a holder of `password` opens with these database copies and the
    memberships stored now."""
    values = [value for copy in copies for value in copy]
    return bureau_keys_opened(keys_a_password_opens(values, password), memberships(app))

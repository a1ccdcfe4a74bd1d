"""Purge shreds: a copy of the database taken before `qingfeng purge` opens nothing of a purged
case, for a bureau member's password or the receipt code, once the retention keys of the
case's month are gone (docs/design.md, "Retention"; docs/operations.md, "Retention").

The attacker holds a copy taken before the purge: the SQLite file itself, or on PostgreSQL
every row as a dump has it. After the purge they also hold the live database and a bureau
member's password, or the reporter's receipt code.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, MetaData, create_engine, select

from crypto import aead, keywrap, receipts
from crypto.errors import CryptoError
from intake.domain.cases.reports import field_aad
from intake.domain.keys import keyring
from intake.domain.keys.epochs import case_keys
from intake.domain.models import Report, StaffMember
from intake.domain.oversight import retention
from intake.platform import db
from intake.platform.context import today as china_today
from tests.console.console import Staff
from tests.helpers import check_status

SECRET = "购药回扣名单(虚构,应在清除后无人能读)"
DAYS = 730


@dataclass
class Copy:
    """The rows an attacker reads in a copy of the database."""

    wraps: list[dict[str, Any]]
    retention_keys: list[dict[str, Any]]
    reports: list[dict[str, Any]]


def read_copy(engine: Engine) -> Copy:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:

        def rows(name: str) -> list[dict[str, Any]]:
            return [dict(r._mapping) for r in connection.execute(select(metadata.tables[name]))]

        return Copy(rows("report_key_wraps"), rows("retention_keys"), rows("reports"))


def copy_before_purge(app: Flask, tmp_path: Path) -> Copy:
    """The SQLite file copied aside (with its log), or every row as pg_dump has it."""
    url = app.extensions["qingfeng.settings"].database_url
    if url.startswith("sqlite:///"):
        source = Path(url.removeprefix("sqlite:///"))
        for part in source.parent.glob(source.name + "*"):
            shutil.copy(part, tmp_path / part.name.replace(source.name, "copy.sqlite3"))
        engine = create_engine(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
        try:
            return read_copy(engine)
        finally:
            engine.dispose()
    with app.app_context():
        return read_copy(db.database().engine)


def bureau_private(app: Flask, member: Staff, code: str) -> bytes:
    """What the member's password opens in the live database: their bureau's private key."""
    with app.app_context():
        session = db.session()
        account = session.scalars(
            select(StaffMember).where(StaffMember.username == member.username)
        ).one()
        private = keyring.unlock_staff_key(account, member.password)
        return keyring.bureau_private_key(session, account, private, code)


def data_keys(
    report_id: str, wraps: list[dict[str, Any]], keys: list[dict[str, Any]], code: str,
    private: bytes | None, reporter_key: bytes | None,
) -> list[bytes]:  # fmt: skip
    """Every data key the attacker unwraps from these wraps with these retention keys."""
    found: list[bytes] = []
    mine = [w for w in wraps if w["report_id"] == report_id]
    layers: list[tuple[str, bytes]] = []  # (period, private key of a retention pair)
    for row in keys:
        if row["bureau_id"] is None:
            layers.append((row["period"], bytes(row["wrapped_private"])))
        elif private is not None:
            aad = keyring.retention_key_aad(row["period"], code, bytes(row["public_key"]))
            with suppress(CryptoError):
                layers.append(
                    (
                        row["period"],
                        keywrap.open_sealed_to(private, bytes(row["wrapped_private"]), aad),
                    )
                )
    reporter_private = None
    for wrap in mine:
        if wrap["holder"] == keyring.REPORTER_KEY_HOLDER and reporter_key is not None:
            with suppress(CryptoError):
                reporter_private = aead.open_sealed(
                    reporter_key,
                    bytes(wrap["wrapped"]),
                    keyring.wrap_aad(report_id, wrap["holder"]),
                )
    for wrap in mine:
        holder, blob = wrap["holder"], bytes(wrap["wrapped"])
        inners = [blob]
        for period, layer in layers:
            with suppress(CryptoError):
                inners.append(
                    keywrap.open_sealed_to(
                        layer, blob, keyring.period_layer_aad(report_id, holder, period)
                    )
                )
        opener = private if holder == keyring.bureau_holder(code) else reporter_private
        for inner in inners:
            if opener is not None:
                with suppress(CryptoError):
                    found.append(
                        keywrap.open_sealed_to(opener, inner, keyring.wrap_aad(report_id, holder))
                    )
    return found


def opens(copy: Copy, keys: list[dict[str, Any]], code: str, private: bytes | None,
          reporter_key: bytes | None) -> bool:  # fmt: skip
    report = copy.reports[0]
    # The row as the domain reads it: the current key opens the earlier ones it holds.
    row = cast(Report, SimpleNamespace(**report))
    for current in data_keys(report["id"], copy.wraps, keys, code, private, reporter_key):
        for key in case_keys(row, current):
            with suppress(CryptoError):
                aead.open_sealed(key, bytes(report["content"]), field_aad(report["id"], "content"))
                return True
    return False


def test_a_copy_taken_before_purge_opens_nothing_once_the_month_s_keys_are_gone(
    app: Flask,
    client: FlaskClient,
    staff: Callable[[str], Staff],
    submit: Callable[..., tuple[str, str]],
    tmp_path: Path,
) -> None:
    code, ref = submit(what_happened=SECRET)
    health = staff("health")
    health.act(ref, "accept")
    health.act(ref, "message", text="请补充时间(虚构)")
    health.act(ref, "conclude", outcome="已处理(虚构)", finding="substantiated", disposal="handled")
    settings = app.extensions["qingfeng.settings"]
    reporter_key = receipts.derive_receipt_keys(
        code, settings.receipt_salt, settings.receipt_kdf
    ).reporter_key
    private = bureau_private(app, health, "health")

    copy = copy_before_purge(app, tmp_path)
    # The attack works while the month's keys exist: the copy taken now opens the case for
    # the password, and for the receipt code (what a backup that keeps them still gives).
    assert opens(copy, copy.retention_keys, "health", private, None)
    assert opens(copy, copy.retention_keys, "health", None, reporter_key)

    # Purge on the day every case concluded this month is due: the case and its month go.
    today = china_today()
    later = dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)
    with app.app_context():
        assert retention.purge(db.session(), later + dt.timedelta(days=DAYS), DAYS) == [ref]
    with app.app_context():
        live = read_copy(db.database().engine)
    assert live.retention_keys == []
    # The old case rows, the live database, the password or the code: nothing opens.
    assert not opens(copy, live.retention_keys, "health", private, None)
    assert not opens(copy, live.retention_keys, "health", None, reporter_key)
    assert check_status(client, code).status_code == 410

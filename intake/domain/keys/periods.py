"""Retention periods: the keys purge destroys (docs/design.md, "Wrapping" and "Retention").

A concluded case's bureau copies of its data key are sealed once more, to a key pair of the
bureau for the month the case was concluded in; that pair's private key is sealed to the
bureau's key. The reporter's copy is sealed once more to the month's reporters' pair, whose
private key is stored in clear (the reporter holds no bureau key; the receipt code still
guards that copy): it is there only to die with the month. `qingfeng purge` deletes the
month's pairs once every case concluded in it is due for destruction. From then on a copy of
the case's old rows (a backup, a WAL segment, a page of a heap file) opens nothing for any
bureau password or receipt code, as long as every copy of those few small rows is gone too.

The period is the month of conclusion, not of receipt: a case's key is then kept only as long
as its own retention requires plus at most one month, and purge needs nothing but the
retention setting of the day (end of the month + retention days) to know which months are
over, so changing the setting never means re-sealing anything.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, object_session

from crypto import keywrap
from intake.domain.keys.keyring import (
    REPORTER_HOLDER,
    bureau_public_key,
    period_layer_aad,
    retention_key_aad,
    wrap_aad,
)
from intake.domain.models import Bureau, KeyWrap, Report, RetentionKey


def period_of(day: dt.date) -> str:
    """The retention period a case concluded on `day` belongs to: its month, "YYYY-MM"."""
    return f"{day.year:04d}-{day.month:02d}"


def _period_end(period: str) -> dt.date:
    year, month = (int(part) for part in period.split("-"))
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def _session(report: Report) -> Session:
    db = object_session(report)
    if db is None:
        raise RuntimeError("the report is not in a session")
    return db


def retention_key(db: Session, period: str, bureau: Bureau, secret_key: bytes) -> RetentionKey:
    """The bureau's key pair for a period, made (sealed to the bureau's key) on first use."""
    key = db.scalars(
        select(RetentionKey).where(
            RetentionKey.period == period, RetentionKey.bureau_id == bureau.id
        )
    ).first()
    if key is None:
        private, public = keywrap.generate_keypair()
        key = RetentionKey(
            period=period,
            bureau_id=bureau.id,
            public_key=public,
            wrapped_private=keywrap.seal_to(
                bureau_public_key(bureau, secret_key),
                private,
                retention_key_aad(period, bureau.code, public),
            ),
        )
        db.add(key)
        db.flush()
    return key


def reporters_key(db: Session, period: str) -> RetentionKey:
    """The reporters' key pair for a period (private half in clear), made on first use."""
    key = db.scalars(
        select(RetentionKey).where(RetentionKey.period == period, RetentionKey.bureau_id.is_(None))
    ).first()
    if key is None:
        private, public = keywrap.generate_keypair()
        key = RetentionKey(
            period=period, bureau_id=None, public_key=public, wrapped_private=private
        )
        db.add(key)
        db.flush()
    return key


def peel_reporter_layer(wrap: KeyWrap) -> bytes:
    """The reporter's wrap without its retention layer (which needs no secret to remove)."""
    key = wrap.retention_key
    if key is None:
        return wrap.wrapped
    return keywrap.open_sealed_to(
        key.wrapped_private, wrap.wrapped, period_layer_aad(wrap.report_id, wrap.holder, key.period)
    )


def seal_for_reporter(
    report: Report, wrap: KeyWrap, reporter_public: bytes, data_key: bytes
) -> None:
    """Set the reporter's wrap to `data_key`, under the period if the case is concluded."""
    wrap.wrapped = keywrap.seal_to(reporter_public, data_key, wrap_aad(report.id, wrap.holder))
    wrap.retention_key = None
    if report.concluded_on is not None:
        _add_reporter_layer(_session(report), report, wrap, report.concluded_on)


def _add_reporter_layer(db: Session, report: Report, wrap: KeyWrap, on: dt.date) -> None:
    period = period_of(on)
    key = reporters_key(db, period)
    wrap.wrapped = keywrap.seal_to(
        key.public_key, wrap.wrapped, period_layer_aad(report.id, wrap.holder, period)
    )
    wrap.retention_key = key


def seal_for_bureau(
    report: Report, wrap: KeyWrap, bureau: Bureau, data_key: bytes, secret_key: bytes
) -> None:
    """Set a bureau wrap to `data_key`, under its retention period if the case is concluded."""
    inner = keywrap.seal_to(
        bureau_public_key(bureau, secret_key), data_key, wrap_aad(report.id, wrap.holder)
    )
    wrap.wrapped, wrap.retention_key = inner, None
    if report.concluded_on is not None:
        _add_layer(_session(report), report, wrap, bureau, report.concluded_on, secret_key)


def _add_layer(
    db: Session, report: Report, wrap: KeyWrap, bureau: Bureau, on: dt.date, secret_key: bytes
) -> None:
    period = period_of(on)
    key = retention_key(db, period, bureau, secret_key)
    wrap.wrapped = keywrap.seal_to(
        key.public_key, wrap.wrapped, period_layer_aad(report.id, wrap.holder, period)
    )
    wrap.retention_key = key


def enter_period(report: Report, secret_key: bytes) -> None:
    """At conclusion (or refusal): seal every bureau copy once more to the month's key.

    No private key is needed: the outer seal goes around the copy as it is.
    """
    db = _session(report)
    concluded = report.concluded_on
    if concluded is None:
        raise ValueError("the case is not concluded")
    for wrap in report.key_wraps:
        if wrap.retention_key_id is not None or wrap.retention_key is not None:
            continue
        if wrap.holder == REPORTER_HOLDER:
            _add_reporter_layer(db, report, wrap, concluded)
        elif wrap.bureau_id is not None and (bureau := db.get(Bureau, wrap.bureau_id)):
            _add_layer(db, report, wrap, bureau, concluded, secret_key)


def leave_period(report: Report, data_key: bytes, secret_key: bytes) -> None:
    """At reopening (回头看): bureau copies go back to plain seals; the case is open again."""
    db = _session(report)
    for wrap in report.key_wraps:
        if wrap.retention_key is None:
            continue
        if wrap.holder == REPORTER_HOLDER:
            wrap.wrapped, wrap.retention_key = peel_reporter_layer(wrap), None
        elif wrap.bureau_id is not None and (bureau := db.get(Bureau, wrap.bureau_id)):
            seal_for_bureau(report, wrap, bureau, data_key, secret_key)


def destroy_expired(db: Session, today: dt.date, days: int) -> list[str]:
    """Delete the key pairs of every period whose cases are all due for destruction.

    Run by purge after it destroyed those cases; a key some case still uses (one concluded
    in the month that purge could not destroy) is kept. Returns the periods deleted.
    """
    in_use = select(KeyWrap.retention_key_id).where(KeyWrap.retention_key_id.is_not(None))
    keys = db.scalars(select(RetentionKey).where(RetentionKey.id.not_in(in_use)))
    over = sorted(
        {k.period for k in keys if _period_end(k.period) + dt.timedelta(days=days) <= today}
    )
    if over:
        db.execute(
            delete(RetentionKey).where(
                RetentionKey.period.in_(over), RetentionKey.id.not_in(in_use)
            )
        )
    return over

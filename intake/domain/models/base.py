"""The declarative base of every table; how stored times are read back; keeping the file tidy."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from typing import Any

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import DeclarativeBase, Session

#: How often `write_back` tries again while a reader holds the log, and how long it waits.
CHECKPOINT_TRIES = 5
CHECKPOINT_PAUSE = 0.2


class CheckpointBusy(RuntimeError):
    """SQLite could not copy its write-ahead log back: destroyed bytes are still in the log."""


class Base(DeclarativeBase):
    """Declarative base of every table."""


#: The type of a row id that must not tell when its row was made: 64-bit on PostgreSQL, and on
#: SQLite exactly INTEGER, so that the id is the rowid and no hidden counter orders the rows.
RandomId = BigInteger().with_variant(Integer(), "sqlite")


def random_id() -> int:
    """A row id of 63 random bits, for rows the public side creates or that sit beside them
    (docs/design.md "Promises", 1): ids from one sequence would place a reporter's row
    between staff rows stamped to the second."""
    return secrets.randbits(63)


def next_ordinal(rows: list[Any]) -> int:
    """The next position among a case's rows of one kind, for display order."""
    return max((row.ordinal or 0 for row in rows), default=0) + 1


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC datetime: SQLite hands back naive ones, stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def write_back(session: Session) -> None:
    """On SQLite, copy the write-ahead log into the database file and empty it.

    After a purge the overwritten pages are only in the log until this runs; on other
    databases it does nothing. A reader or writer in another connection makes the checkpoint
    report "busy" and leaves the log as it was: try again a few times, then raise
    CheckpointBusy rather than let a purge look complete.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    for attempt in range(CHECKPOINT_TRIES):
        row = session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        session.commit()  # end this connection's own read, which would hold the log too
        if row[0] == 0:
            return
        if attempt < CHECKPOINT_TRIES - 1:
            time.sleep(CHECKPOINT_PAUSE)
    raise CheckpointBusy("the write-ahead log could not be written back; run purge again")


def refresh_statistics(session: Session) -> None:
    """On SQLite, refresh the planner's table statistics (PostgreSQL's autovacuum does this).

    Without them SQLite's planner guesses, and at a million cases some guesses cost seconds
    (bench/README.md). With an analysis limit it samples each index: tens of milliseconds.
    """
    if session.get_bind().dialect.name == "sqlite":
        connection = session.connection()
        connection.exec_driver_sql("PRAGMA analysis_limit=1000")
        connection.exec_driver_sql("ANALYZE")
        session.commit()


#: Tables whose rows the public side writes among staff rows, rewritten by `reorder`.
REORDERED = (
    "reports", "events", "messages", "notes", "attachments", "attachment_chunks",
    "report_key_wraps", "supervision_notes", "used_form_tokens",
)  # fmt: skip


def reorder(session: Session) -> None:
    """Rewrite the case tables in key order, so where a row sits in the files says nothing of
    when it was written (docs/deployment.md, "What the database's order says").

    PostgreSQL appends rows to a table's heap in the order they are written, and dumps and
    backups follow that order; CLUSTER rewrites each table in the order of its (random) key,
    holding an exclusive lock on it meanwhile. SQLite keeps rows in key order already, but a
    page keeps its cells in the order they arrived; VACUUM rewrites every page.
    """
    session.commit()
    engine = session.get_bind().engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("VACUUM")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        for table in REORDERED:
            connection.exec_driver_sql(f"CLUSTER {table} USING {table}_pkey")

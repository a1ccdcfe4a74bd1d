"""The declarative base of every table; how stored times are read back; keeping the file tidy."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy.orm import DeclarativeBase, Session

#: How often `write_back` tries again while a reader holds the log, and how long it waits.
CHECKPOINT_TRIES = 5
CHECKPOINT_PAUSE = 0.2


class CheckpointBusy(RuntimeError):
    """SQLite could not copy its write-ahead log back: destroyed bytes are still in the log."""


class Base(DeclarativeBase):
    """Declarative base of every table."""


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

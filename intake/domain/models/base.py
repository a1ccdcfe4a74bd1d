"""The declarative base of every table; how stored times are read back; keeping the file tidy."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import DeclarativeBase, Session


class Base(DeclarativeBase):
    """Declarative base of every table."""


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC datetime: SQLite hands back naive ones, stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def write_back(session: Session) -> None:
    """On SQLite, copy the write-ahead log into the database file and empty it.

    After a purge the overwritten pages are only in the log until this runs; on other
    databases it does nothing.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


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

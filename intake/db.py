"""Engine and per-request session: one session per request, removed at teardown."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Database:
    """An engine and its session factory, built from a URL."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_all(self) -> None:
        """Create missing tables straight from the models (tests only: fast)."""
        from intake import models  # noqa: F401  (registers the tables on Base.metadata)

        Base.metadata.create_all(self.engine)

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (what the service itself uses)."""
        from intake import migrate

        migrate.upgrade(self.engine)


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC datetime: SQLite hands back naive ones, stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # secure_delete overwrites freed pages, so a shredded report leaves no bytes behind.
    cursor.execute("PRAGMA secure_delete=ON")
    # WAL lets readers go on while a report is written, and a commit costs one sync instead
    # of three; synchronous=FULL keeps every commit on disk before a receipt is shown.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


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


def init_app(app: Flask, database: Database) -> None:
    """Attach the database to the app and close the request's session at teardown."""
    app.extensions["qingfeng.db"] = database
    app.teardown_appcontext(_close_session)


def database() -> Database:
    """The current app's database."""
    return current_app.extensions["qingfeng.db"]


def session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()

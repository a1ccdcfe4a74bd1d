"""Engine and per-request session: one session per request, removed at teardown."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from intake.domain.models.base import Base


class Database:
    """An engine and its session factory, built from a URL."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_all(self) -> None:
        """Create missing tables straight from the models (tests only: fast)."""
        from intake.domain import models  # noqa: F401  (registers the tables on Base.metadata)

        Base.metadata.create_all(self.engine)

    def erase(self) -> None:
        """Drop every table, the migrations' own included (`qingfeng demo --reset` only)."""
        from intake.domain import models  # noqa: F401  (registers the tables on Base.metadata)

        with self.engine.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (what the service itself uses)."""
        from intake.platform import migrate

        migrate.upgrade(self.engine)


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

"""A full dump of the database as bytes, as an attacker who stole it would have it."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import MetaData, select

from intake.platform import db


def dump_database(app: Flask) -> bytes:
    """Every row of every table, each value rendered as repr (bytes stay raw)."""
    chunks: list[bytes] = []
    with app.app_context():
        engine = db.database().engine
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                for row in connection.execute(select(table)):
                    for value in row:
                        if isinstance(value, bytes | memoryview):
                            chunks.append(bytes(value))
                        else:
                            chunks.append(repr(value).encode("utf-8"))
                            chunks.append(str(value).encode("utf-8"))
    return b"\n".join(chunks)

"""pg_dump and pg_restore into a new database: the receipt still opens its report."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

from tests.conftest import TEST_DATABASE_URL
from tests.deploy.test_backup_restore import assert_restored
from tests.helpers import post_report, receipt_of


def psql(url: str, statement: str) -> None:
    subprocess.run(["psql", "-q", url, "-c", statement], check=True, capture_output=True)


def test_a_restored_postgresql_dump_opens_with_the_receipt(app: Flask, tmp_path: Path) -> None:
    code = receipt_of(post_report(app.test_client(), what_happened="PG 备份恢复测试(虚构)"))
    salt = app.extensions["qingfeng.settings"].receipt_salt
    source = make_url(TEST_DATABASE_URL).set(drivername="postgresql")
    # Named like tests/live.py's databases, so scripts/test drops one a killed run left; made
    # and dropped from the run's own database, so no other database needs to exist.
    target = source.set(database=f"{source.database}_live_restore_{uuid.uuid4().hex[:8]}")
    plain = source.render_as_string(hide_password=False)
    dump = tmp_path / "qingfeng.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), plain], check=True, capture_output=True)
    admin = plain
    psql(admin, f"CREATE DATABASE {target.database}")
    try:
        restore_to = target.render_as_string(hide_password=False)
        subprocess.run(["pg_restore", "-d", restore_to, str(dump)], check=True, capture_output=True)
        url = target.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        assert_restored(url, tmp_path, code, salt, "PG 备份恢复测试(虚构)")
    finally:
        psql(admin, f"DROP DATABASE IF EXISTS {target.database} WITH (FORCE)")

"""A backup restored elsewhere still opens with the receipt code, and only with the salt."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask

from intake.platform.factory import create_app
from tests.conftest import build_app, make_settings
from tests.helpers import check_status, post_report, receipt_of

WRONG_SALT = b"another-salt-of-16-bytes"


def app_on(instance: Path, url: str, salt: bytes) -> Flask:
    """An app over an existing (restored) database."""
    instance.mkdir(exist_ok=True)
    app = create_app(make_settings(instance, database_url=url, receipt_salt=salt))
    app.config["TESTING"] = True
    return app


def assert_restored(url: str, tmp_path: Path, code: str, salt: bytes, text: str) -> None:
    """The restored copy opens with the code and the right salt, and not with another salt."""
    right = app_on(tmp_path / "restore", url, salt)
    wrong = app_on(tmp_path / "restore-wrong", url, WRONG_SALT)
    try:
        assert text in check_status(right.test_client(), code).get_data(as_text=True)
        assert check_status(wrong.test_client(), code).status_code == 404
    finally:
        for app in (right, wrong):
            app.extensions["qingfeng.db"].engine.dispose()


def test_a_restored_sqlite_backup_opens_with_the_receipt(tmp_path: Path) -> None:
    live_file = tmp_path / "live.sqlite3"
    source, _ = build_app(make_settings(tmp_path, database_url=f"sqlite:///{live_file}"))
    salt = source.extensions["qingfeng.settings"].receipt_salt
    code = receipt_of(post_report(source.test_client(), what_happened="备份恢复测试(虚构)"))
    source.extensions["qingfeng.db"].engine.dispose()

    backup_file = tmp_path / "backup.sqlite3"
    live, backup = sqlite3.connect(live_file), sqlite3.connect(backup_file)
    try:
        live.backup(backup)  # the online backup API: consistent while the service runs
    finally:
        live.close()
        backup.close()
    assert_restored(f"sqlite:///{backup_file}", tmp_path, code, salt, "备份恢复测试(虚构)")

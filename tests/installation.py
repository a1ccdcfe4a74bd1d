"""A real installation for tests: bureaus from `setup_bureaus` (no keys until their founders
enrol) and an administrator, as docs/operations.md "First installation" makes one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from intake.domain.installation import DemoAccount, new_password
from intake.domain.keys.keyring import create_staff
from intake.domain.models import Base
from intake.domain.setup import FounderAccount, setup_bureaus
from intake.platform import db
from intake.platform.factory import create_app
from tests.conftest import TEST_DATABASE_URL, make_settings
from tests.console.console import Staff

ADMIN = "first-admin"


@contextmanager
def real_installation(instance: Path) -> Iterator[tuple[Flask, dict[str, FounderAccount], str]]:
    """An app whose bureaus wait for their founders; the founders by bureau code, and the
    administrator's temporary password."""
    settings = make_settings(instance)
    app = create_app(settings)
    app.config["TESTING"] = True
    with app.app_context():
        database = db.database()
        if TEST_DATABASE_URL:
            Base.metadata.drop_all(database.engine)
        database.create_all()
        session = db.session()
        founders = setup_bureaus(session, settings, app.extensions["qingfeng.taxonomy"])
        admin_password = new_password()
        create_staff(session, ADMIN, "admin", admin_password, settings.password_kdf)
        session.commit()
    try:
        yield app, {f.bureau.code: f for f in founders}, admin_password
    finally:
        app.extensions["qingfeng.db"].engine.dispose()


def founder_staff(app: Flask, founder: FounderAccount) -> Staff:
    """The founder as a console user (not logged in yet)."""
    account = DemoAccount(founder.username, founder.password, founder.bureau.code, "", founder.role)
    return Staff(app, account)

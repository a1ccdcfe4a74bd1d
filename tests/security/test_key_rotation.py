"""Rotating a bureau key: reports stay readable by members and by receipt; the old key is dead."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crypto.errors import DecryptionError
from intake.domain.cases.reports import open_for_bureau
from intake.domain.installation import DemoAccount
from intake.domain.keys import keyring
from intake.domain.models import Bureau, Report, StaffMember
from intake.platform import db
from tests.console.console import Staff
from tests.helpers import check_status, post_report, receipt_of


def member(account: DemoAccount) -> StaffMember:
    return (
        db.session()
        .scalars(select(StaffMember).where(StaffMember.username == account.username))
        .one()
    )


def test_rotation_re_seals_every_report_and_kills_the_old_key(
    app: Flask, client: FlaskClient, accounts: dict[str, DemoAccount]
) -> None:
    codes = [receipt_of(post_report(client, what_happened=f"第{i}份(虚构)")) for i in range(3)]
    post_report(client, category="hospital_order")  # held by another bureau
    health = accounts["health"]
    with app.app_context():
        session = db.session()
        staff_private = keyring.unlock_staff_key(member(health), health.password)
        old_private = keyring.bureau_private_key(session, member(health), staff_private, "health")
        old_public = session.scalars(select(Bureau.public_key).where(Bureau.code == "health")).one()
        secret_key = app.extensions["qingfeng.settings"].secret_key
        rotated = keyring.rotate_bureau_key(
            session, member(health), staff_private, "health", secret_key
        )
        assert rotated == 3

    with app.app_context():
        session = db.session()
        new_public = session.scalars(select(Bureau.public_key).where(Bureau.code == "health")).one()
        assert new_public != old_public
        staff_private = keyring.unlock_staff_key(member(health), health.password)
        new_private = keyring.bureau_private_key(session, member(health), staff_private, "health")
        reports = session.scalars(select(Report).where(Report.category == "kickbacks")).all()
        assert len(reports) == 3
        for report in reports:
            assert open_for_bureau(report, "health", new_private).content.what_happened
            with pytest.raises(DecryptionError):
                open_for_bureau(report, "health", old_private)
    for code in codes:
        assert check_status(client, code).status_code == 200


def test_the_cli_refuses_a_wrong_password_or_a_non_member(
    app: Flask, accounts: dict[str, DemoAccount], monkeypatch: pytest.MonkeyPatch
) -> None:
    from intake.platform import cli

    monkeypatch.setattr(cli, "create_app", lambda: app)
    runner = CliRunner()
    police = accounts["public_security"]
    for username, password in (("demo-health", "wrong"), (police.username, police.password)):
        result = runner.invoke(
            cli.main,
            ["rotate-bureau-key", "health", "--username", username, "--password", password],
        )
        assert result.exit_code != 0
        assert "not an active member" in result.output
    health = accounts["health"]
    result = runner.invoke(
        cli.main,
        [
            "rotate-bureau-key",
            "health",
            "--username",
            health.username,
            "--password",
            health.password,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "0 report keys re-sealed" in result.output


def test_a_concluded_case_under_its_month_s_key_survives_rotation(
    app: Flask,
    client: FlaskClient,
    accounts: dict[str, DemoAccount],
    staff: Callable[[str], Staff],
    submit: Callable[..., tuple[str, str]],
) -> None:
    code, ref = submit(what_happened="已办结的旧案(虚构)")
    health = staff("health")
    health.act(ref, "accept")
    health.act(ref, "conclude", outcome="已处理(虚构)", finding="substantiated", disposal="handled")
    account = accounts["health"]
    with app.app_context():
        session = db.session()
        staff_private = keyring.unlock_staff_key(member(account), health.password)
        old_private = keyring.bureau_private_key(session, member(account), staff_private, "health")
        secret_key = app.extensions["qingfeng.settings"].secret_key
        keyring.rotate_bureau_key(session, member(account), staff_private, "health", secret_key)
    with app.app_context():
        session = db.session()
        staff_private = keyring.unlock_staff_key(member(account), health.password)
        new_private = keyring.bureau_private_key(session, member(account), staff_private, "health")
        report = session.scalars(select(Report).where(Report.reference == ref)).one()
        assert all(w.retention_key for w in report.key_wraps if w.holder != "reporter-key")
        assert open_for_bureau(report, "health", new_private).content.what_happened
        with pytest.raises(DecryptionError):
            open_for_bureau(report, "health", old_private)
    assert "已处理(虚构)" in check_status(client, code).get_data(as_text=True)

"""The audit trail cannot be cut silently (issue: deleting the newest events and pointing the
head back, or emptying both tables, left `qingfeng audit verify` saying the chain was intact).

The attacker can write to the database (and may have kept an old copy of it); they do not hold
the secret key, and cannot rewrite the checkpoint file the operator keeps elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import delete, select, update

import admin.cli
from admin import audit
from admin.cli import main
from intake.domain.models import AuditEvent, AuditHead
from intake.platform import db


@pytest.fixture
def cli(app: Flask, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(admin.cli, "create_app", lambda: app)
    return CliRunner()


def record(app: Flask, count: int) -> None:
    with app.app_context():
        session = db.session()
        for n in range(count):
            audit.record(session, None, "test_event", actor_name="test", n=n)
        session.commit()


def head(app: Flask) -> tuple[bytes, int, bytes | None]:
    with app.app_context():
        row = db.session().get(AuditHead, 1)
        assert row is not None
        return row.last_hash, row.count, row.mac


def newest(app: Flask, keep: int) -> None:
    """The attacker deletes every event after number `keep` and points the head at it."""
    with app.app_context():
        session = db.session()
        kept = session.scalars(select(AuditEvent).where(AuditEvent.seq == keep)).one()
        session.execute(delete(AuditEvent).where(AuditEvent.seq > keep))
        session.execute(update(AuditHead).values(last_hash=kept.hash, count=keep))
        session.commit()


def verify(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(main, ["audit", "verify", *args])


def checkpoint(cli: CliRunner, path: Path) -> Result:
    result = cli.invoke(main, ["audit", "checkpoint", "--file", str(path)])
    assert result.exit_code == 0, result.output
    return result


def test_an_intact_trail_verifies_against_its_checkpoints(
    app: Flask, cli: CliRunner, tmp_path: Path
) -> None:
    points = tmp_path / "checkpoints.log"
    record(app, 3)
    assert "Checkpoint appended to" in checkpoint(cli, points).output
    record(app, 2)
    checkpoint(cli, points)
    record(app, 1)
    lines = points.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("qingfeng-audit-checkpoint v1 time=")
    result = verify(cli, "--checkpoints", str(points))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Audit chain intact: {head(app)[1]} events, and 2 checkpoint(s) of {points}.\n"
    )
    # A syslog extract of the same lines (a prefix before each) reads alike.
    syslog = tmp_path / "syslog"
    syslog.write_text(
        "".join(f"Dec  3 06:50:00 host qingfeng-audit: {line}\n" for line in lines),
        encoding="utf-8",
    )
    assert verify(cli, "--checkpoints", str(syslog)).exit_code == 0


def test_deleting_the_newest_events_and_pointing_the_head_back_fails(
    app: Flask, cli: CliRunner
) -> None:
    record(app, 6)
    _hash, count, _mac = head(app)
    newest(app, count - 2)
    result = verify(cli)
    assert result.exit_code == 1
    assert "the head of the chain was rewritten (its MAC fails)" in result.output
    # Stripping the MAC does not help, and the next append does not vouch for the cut trail.
    with app.app_context():
        db.session().execute(update(AuditHead).values(mac=None))
        db.session().commit()
    record(app, 1)
    result = verify(cli)
    assert result.exit_code == 1
    assert "the head of the chain has no MAC" in result.output


def test_emptying_both_tables_fails_against_the_checkpoint_file(
    app: Flask, cli: CliRunner, tmp_path: Path
) -> None:
    points = tmp_path / "checkpoints.log"
    record(app, 3)
    checkpoint(cli, points)
    with app.app_context():
        db.session().execute(delete(AuditEvent))
        db.session().execute(delete(AuditHead))
        db.session().commit()
    result = verify(cli, "--checkpoints", str(points))
    assert result.exit_code == 1
    assert "events, the trail has only 0: events were removed" in result.output
    # Emptying only the events leaves a head that still counts them.
    record(app, 2)
    with app.app_context():
        db.session().execute(delete(AuditEvent))
        db.session().commit()
    assert "audit trail cut: all 2 events were removed" in verify(cli).output
    # And no new checkpoint vouches for the emptied trail.
    refused = cli.invoke(main, ["audit", "checkpoint", "--file", str(points)])
    assert refused.exit_code == 1
    assert "no checkpoint written" in refused.output
    assert len(points.read_text(encoding="utf-8").splitlines()) == 1


def test_going_back_to_an_older_genuine_head_fails_against_a_later_checkpoint(
    app: Flask, cli: CliRunner, tmp_path: Path
) -> None:
    points = tmp_path / "checkpoints.log"
    record(app, 3)
    old_hash, old_count, old_mac = head(app)  # the attacker keeps a copy of the head row
    record(app, 3)
    checkpoint(cli, points)
    record(app, 2)
    # Back to before the last checkpoint, with the head exactly as it then was: its MAC holds.
    newest(app, old_count)
    with app.app_context():
        db.session().execute(update(AuditHead).values(last_hash=old_hash, mac=old_mac))
        db.session().commit()
    assert verify(cli).exit_code == 0  # nothing inside the database can tell
    result = verify(cli, "--checkpoints", str(points))
    assert result.exit_code == 1
    assert "events were removed" in result.output


def test_a_changed_checkpoint_line_or_a_replaced_event_fails(
    app: Flask, cli: CliRunner, tmp_path: Path
) -> None:
    points = tmp_path / "checkpoints.log"
    record(app, 4)
    checkpoint(cli, points)
    line = points.read_text(encoding="utf-8")
    _hash, count, _mac = head(app)
    lowered = tmp_path / "lowered.log"
    lowered.write_text(line.replace(f"count={count} ", "count=1 "), encoding="utf-8")
    result = verify(cli, "--checkpoints", str(lowered))
    assert result.exit_code == 1
    assert "is not authentic (its MAC fails)" in result.output


def test_after_the_upgrade_the_first_checkpoint_seals_the_head_once(
    app: Flask, cli: CliRunner, tmp_path: Path
) -> None:
    # As the migration leaves an older trail: links without numbers, a head without a MAC.
    record(app, 3)
    with app.app_context():
        session = db.session()
        prev = audit.GENESIS
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
            event.prev_hash = prev
            event.hash = audit._digest(prev, event, numbered=False)
            prev = event.hash
        row = session.get(AuditHead, 1)
        assert row is not None
        row.last_hash, row.first_numbered, row.mac = prev, row.count + 1, None
        session.commit()
    waiting = verify(cli)
    assert waiting.exit_code == 1
    assert "`qingfeng audit checkpoint` gives it one" in waiting.output
    points = tmp_path / "checkpoints.log"
    assert "it has one now" in checkpoint(cli, points).output
    record(app, 2)
    assert verify(cli, "--checkpoints", str(points)).exit_code == 0
    # Once a checkpoint exists, a head stripped of its MAC is never sealed again.
    with app.app_context():
        db.session().execute(update(AuditHead).values(mac=None))
        db.session().commit()
    refused = cli.invoke(main, ["audit", "checkpoint", "--file", str(points)])
    assert refused.exit_code == 1
    assert "has no MAC" in refused.output

"""The audit trail: logins, views, actions, key ceremonies; a hash chain that shows tampering."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import delete, select, update

import admin.cli
from admin import audit
from admin.cli import main
from intake.domain.models import AuditEvent
from intake.platform import db
from tests.console.console import Staff


def actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session().scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_logins_views_and_actions_are_audited_in_a_chain_that_verifies(
    app: Flask, staff: Callable[[str], Staff], submit: Callable[..., tuple[str, str]]
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.client.get(f"/admin/cases/{ref}")
    health.act(ref, "accept")
    recorded = actions(app)
    assert recorded[-3:] == ["login", "view_case", "case_accept"]
    with app.app_context():
        result = audit.verify(db.session())
    assert result.ok
    assert result.checked == len(recorded)


def _broken(app: Flask) -> audit.Verification:
    with app.app_context():
        return audit.verify(db.session())


def _seed(app: Flask, count: int) -> list[int]:
    with app.app_context():
        session = db.session()
        ids = []
        for n in range(count):
            event = audit.record(session, None, "test_event", actor_name="test", n=n)
            session.flush()
            ids.append(event.id)
        session.commit()
        return ids


def test_a_changed_event_is_named_as_the_first_broken_link(app: Flask) -> None:
    ids = _seed(app, 5)
    with app.app_context():
        db.session().execute(
            update(AuditEvent).where(AuditEvent.id == ids[2]).values(action="nothing_to_see")
        )
        db.session().commit()
    result = _broken(app)
    assert (result.broken_at, result.reason) == (ids[2], "was changed after it was written")


def test_a_removed_event_breaks_the_next_link(app: Flask) -> None:
    ids = _seed(app, 5)
    with app.app_context():
        db.session().execute(delete(AuditEvent).where(AuditEvent.id == ids[1]))
        db.session().commit()
    assert _broken(app).broken_at == ids[2]


def test_removing_the_newest_events_is_noticed_too(app: Flask) -> None:
    ids = _seed(app, 5)
    with app.app_context():
        db.session().execute(delete(AuditEvent).where(AuditEvent.id >= ids[3]))
        db.session().commit()
    result = _broken(app)
    assert result.broken_at == ids[2]
    assert result.reason == "events after this one were removed"


def test_audit_verify_command_reports_the_chain(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _seed(app, 3)
    monkeypatch.setattr(admin.cli, "create_app", lambda: app)
    runner = CliRunner()
    ok = runner.invoke(main, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "3 events" in ok.output
    with app.app_context():
        db.session().execute(update(AuditEvent).where(AuditEvent.id == ids[1]).values(actor="x"))
        db.session().commit()
    broken = runner.invoke(main, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"broken at event {ids[1]}" in broken.output


def test_supervisors_read_a_cases_audit_trail(
    app: Flask, staff: Callable[[str], Staff], submit: Callable[..., tuple[str, str]]
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.client.get(f"/admin/cases/{ref}")
    page = staff("supervisor").client.get(f"/admin/cases/{ref}/audit").get_data(as_text=True)
    assert "查阅了案件" in page  # view_case, in words
    assert "view_case" not in page
    assert health.username in page
    # Reading the trail is itself on the trail.
    assert actions(app)[-1] == "view_audit_trail"

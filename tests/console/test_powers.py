"""Who may do what to a case they can read: the lead bureau acts, the intake desk triages,
co-bureaus and hand-over targets add notes; the lifecycle refuses what the state forbids."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import delete, select

from admin import audit
from intake.domain.models import AuditEvent, AuditHead, Report
from intake.platform import db
from intake.platform.context import today as china_today
from tests.console.console import Staff, post

Login = Callable[[str], Staff]
Submit = Callable[..., tuple[str, str]]


def row(app: Flask, reference: str) -> Report:
    with app.app_context():
        return db.session().scalars(select(Report).where(Report.reference == reference)).one()


def test_a_co_bureau_reads_and_notes_but_cannot_take_the_case(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health, finance = staff("health"), staff("finance")
    health.act(ref, "accept")
    assert health.act(ref, "share", bureau="finance").status_code == 303
    assert finance.client.get(f"/admin/cases/{ref}").status_code == 200
    assert finance.act(ref, "transfer", bureau="finance").status_code == 403
    assert finance.act(ref, "conclude", outcome="x", finding="substantiated").status_code == 403
    assert finance.act(ref, "message", text="hello").status_code == 403
    assert finance.act(ref, "note", text="参与单位备注").status_code == 303
    assert row(app, ref).lead_bureau_id != 0
    assert health.client.get(f"/admin/cases/{ref}").status_code == 200


def test_the_intake_desk_triages_but_does_not_decide(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit(category="kickbacks")
    desk = staff("intake")
    assert desk.act(ref, "accept").status_code == 403
    assert desk.act(ref, "transfer", bureau="market_regulation").status_code == 303
    assert row(app, ref).state == "transferred"


def test_a_co_bureau_look_leaves_the_reply_flag_for_the_lead(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health, finance = staff("health"), staff("finance")
    health.act(ref, "share", bureau="finance")
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        report.awaiting_staff = True
        db.session().commit()
    finance.client.get(f"/admin/cases/{ref}")
    assert row(app, ref).awaiting_staff
    health.client.get(f"/admin/cases/{ref}")
    assert not row(app, ref).awaiting_staff


def test_reopening_gives_a_new_deadline_and_clears_the_finding(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    health.act(ref, "extend", reason="外地调查")
    health.act(ref, "conclude", outcome="属实", finding="substantiated", disposal="handled")
    assert health.act(ref, "reopen", reason="群众再次反映").status_code == 303
    reopened = row(app, ref)
    assert reopened.state == "under_review"
    assert reopened.finding is None
    assert not reopened.extended
    assert reopened.conclusion_due is not None
    assert reopened.conclusion_due > china_today()
    assert health.act(ref, "extend", reason="复查需要").status_code == 303
    assert row(app, ref).extension_requested_on is not None


def test_a_refused_case_is_not_reopened(app: Flask, staff: Login, submit: Submit) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "not_accept", reason="不属于本局职责")
    assert health.act(ref, "reopen", reason="x").status_code == 409
    assert row(app, ref).state == "not_accepted"


def test_a_case_accepted_then_transferred_is_not_decided_again(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health, market = staff("health"), staff("market_regulation")
    health.act(ref, "accept")
    health.act(ref, "transfer", bureau="market_regulation")
    assert market.act(ref, "not_accept", reason="x").status_code == 409
    assert market.act(ref, "accept").status_code == 409
    assert (
        market.act(
            ref,
            "conclude",
            outcome="已查处",
            finding="partly_substantiated",
            disposal="handled",
        ).status_code
        == 303
    )


def test_variants_of_a_username_share_one_failure_count(app: Flask, staff: Login) -> None:
    health = staff("health")
    attacker = app.test_client()
    for variant in ("demo-health", " demo-health", "DEMO-HEALTH", "Demo-Health ", "demo-health"):
        post(attacker, "/admin/login", {"username": variant, "password": "wrong-wrong-wrong"})
    right = {"username": " DEMO-health", "password": health.password, "code": health.code()}
    assert post(attacker, "/admin/login", right).status_code == 401


def test_enrolment_posted_without_the_page_is_refused_not_a_crash(
    app: Flask, accounts: dict[str, object]
) -> None:
    from intake.domain.installation import DemoAccount

    account = accounts["health"]
    assert isinstance(account, DemoAccount)
    member = Staff(app, account)
    post(member.client, "/admin/login", {"username": member.username, "password": member.password})
    response = post(
        member.client,
        "/admin/enrol",
        {"new_password": "long-enough-password", "confirm": "long-enough-password", "code": "1"},
    )
    assert response.status_code == 422


def test_a_failed_login_under_no_account_keeps_no_typed_name(app: Flask) -> None:
    post(app.test_client(), "/admin/login", {"username": "my-secret-pa55word", "password": "x"})
    with app.app_context():
        actors = db.session().scalars(select(AuditEvent.actor)).all()
    assert "my-secret-pa55word" not in actors
    assert "(unknown account)" in actors


def test_the_chain_needs_its_head_and_the_installation_key(app: Flask, staff: Login) -> None:
    staff("health")
    with app.app_context():
        assert audit.verify(db.session()).ok
        db.session().execute(delete(AuditHead))
        db.session().commit()
        assert not audit.verify(db.session()).ok


def test_a_chain_rebuilt_without_the_key_does_not_verify(
    app: Flask, staff: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff("health")
    with app.app_context():
        session = db.session()
        monkeypatch.setattr(audit, "_key", lambda *_: b"attacker-guessed-key-32-bytes!!!")
        audit.record(session, None, "forged", actor_name="attacker")
        session.commit()
        monkeypatch.undo()
        result = audit.verify(session)
    assert not result.ok
    assert result.reason == "was changed after it was written"

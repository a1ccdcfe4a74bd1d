"""Extension (延期): asked for by one member, approved by another who may approve (负责人);
only an approved extension moves the deadline, and the reporter reads its reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.domain.installation import DemoAccount
from intake.domain.models import AuditEvent, Event, Report, StaffMember
from intake.platform import db
from tests.console.console import Staff, add_colleague, enrol_quickly
from tests.console.test_casework import status_page

Submit = Callable[..., tuple[str, str]]
Login = Callable[[str], Staff]
REASON = "需调取外地医院票据，须延长办理期限"


def row(app: Flask, reference: str) -> Report:
    with app.app_context():
        return db.session().scalars(select(Report).where(Report.reference == reference)).one()


def staff_id(app: Flask, username: str) -> int:
    with app.app_context():
        return (
            db.session()
            .scalars(select(StaffMember.id).where(StaffMember.username == username))
            .one()
        )


def allow_to_approve(staff: Login, app: Flask, username: str) -> None:
    """The administrator makes `username` a 负责人 on the accounts page."""
    admin = staff("admin")
    response = admin.post(f"/admin/accounts/{staff_id(app, username)}/approver-on", {})
    assert response.status_code == 303


def colleague(app: Flask, accounts: dict[str, DemoAccount], bureau: str, name: str) -> Staff:
    """A second member of `bureau`, logged in."""
    add_colleague(app, accounts[bureau], bureau, name)
    member = Staff(app, DemoAccount(name, f"{name}-password", bureau, ""))
    member.secret = enrol_quickly(app, name)
    assert member.login().status_code == 303
    return member


def audited(app: Flask, reference: str) -> list[str]:
    report_id = row(app, reference).id
    with app.app_context():
        return list(
            db.session().scalars(
                select(AuditEvent.action)
                .where(AuditEvent.report_id == report_id)
                .order_by(AuditEvent.seq)
            )
        )


def test_an_extension_moves_the_deadline_only_once_a_second_member_approves(
    app: Flask,
    client: FlaskClient,
    staff: Login,
    submit: Submit,
    accounts: dict[str, DemoAccount],
) -> None:
    code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    due = row(app, ref).conclusion_due
    assert due is not None

    assert health.act(ref, "extend", reason=REASON).status_code == 303
    asked = row(app, ref)
    assert (asked.conclusion_due, asked.extended) == (due, False)
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "延期申请待审批" in page
    assert REASON in page
    assert "批准延期" not in page  # the one who asked is offered no approval
    # Asked twice while one waits: refused.
    assert health.act(ref, "extend", reason="再次申请").status_code == 422
    # Not a 负责人: refused. A 负责人 who asked it: refused too.
    assert health.act(ref, "extend_approve").status_code == 422
    allow_to_approve(staff, app, health.username)
    assert health.act(ref, "extend_approve").status_code == 422
    assert row(app, ref).conclusion_due == due
    # The reporter reads nothing of a request not yet approved.
    assert REASON not in status_page(client, code)

    head = colleague(app, accounts, "health", "health-head")
    page = head.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "批准延期" not in page  # a colleague who is no 负责人 is offered no approval either
    assert head.act(ref, "extend_approve").status_code == 422
    allow_to_approve(staff, app, "health-head")
    page = head.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "批准延期" in page
    assert head.act(ref, "extend_approve").status_code == 303

    approved = row(app, ref)
    assert approved.extended
    assert approved.conclusion_due == due + dt.timedelta(days=30)  # the default profile
    assert approved.extension_approved_by == staff_id(app, "health-head")
    assert approved.extension_requested_by == staff_id(app, health.username)
    # No second extension.
    assert health.act(ref, "extend", reason="第二次").status_code in (409, 422)

    status = status_page(client, code)
    assert "办理期限已延长（延期）" in status
    assert REASON in status
    assert approved.conclusion_due.isoformat() in status
    for name in (health.username, "health-head"):
        assert name not in status

    assert [a for a in audited(app, ref) if a.startswith("case_extend")] == [
        "case_extend",
        "case_extend_approve",
    ]
    with app.app_context():
        kinds = db.session().scalars(
            select(Event.kind).where(Event.report_id == approved.id).order_by(Event.ordinal)
        )
        assert [k for k in kinds if k.startswith("exten")] == ["extension_requested", "extended"]


def test_only_case_workers_may_be_made_approvers(app: Flask, staff: Login) -> None:
    admin = staff("admin")
    supervisor_id = staff_id(app, staff("supervisor").username)
    assert admin.post(f"/admin/accounts/{supervisor_id}/approver-on", {}).status_code == 400
    health_id = staff_id(app, staff("health").username)
    assert admin.post(f"/admin/accounts/{health_id}/approver-on", {}).status_code == 303
    assert admin.post(f"/admin/accounts/{health_id}/approver-off", {}).status_code == 303
    with app.app_context():
        assert not db.session().get(StaffMember, health_id).may_approve  # type: ignore[union-attr]
    page = admin.client.get("/admin/accounts").get_data(as_text=True)
    assert "审批权（负责人）" in page
    assert "授予审批权（负责人）" in page

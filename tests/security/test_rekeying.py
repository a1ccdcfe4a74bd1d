"""A change of holders re-keys the case: a former holder's copy of the data key, kept from the
time they held it, opens nothing written after they lost it (docs/design.md, "Key epochs").

The attacker is an intake desk member: every report passes triage, so each of them once
opened every case's data key and may have written it down.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crypto import aead
from crypto.errors import DecryptionError
from intake.domain.cases import casework
from intake.domain.cases.reports import ReportUnreadable, field_aad, open_with_key
from intake.domain.keys import keyring
from intake.domain.models import Report, StaffMember
from intake.platform import db
from tests.console.console import Staff
from tests.helpers import check_status, form_values

NOTE = "内部备注:线索来源可靠(虚构)"
REPLY = "补充:科室主任另有一笔回扣(虚构)"
PAYMENT = "某银行 6222 0000 1111 2222(虚构)"
OUTCOME = "查实骗保,已追回(虚构)"


def kept_data_key(app: Flask, member: Staff, bureau: str, reference: str) -> bytes:
    """What a holder can copy while they hold the case: its data key, through their password."""
    with app.app_context():
        session = db.session()
        account = session.scalars(
            select(StaffMember).where(StaffMember.username == member.username)
        ).one()
        private = keyring.unlock_staff_key(account, member.password)
        bureau_private = keyring.bureau_private_key(session, account, private, bureau)
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        return keyring.data_key_for_bureau(report, bureau, bureau_private)


def reporter_posts(client: FlaskClient, code: str, path: str, **fields: str) -> None:
    page = check_status(client, code).get_data(as_text=True)
    values = form_values(page)
    data = {"csrf_token": values["csrf_token"], "token": values["token"], **fields}
    assert client.post(path, data=data).status_code in (200, 303)


def sealed_after(app: Flask, reference: str) -> list[tuple[bytes, bytes]]:
    """Every ciphertext of the case with the associated data it was sealed with."""
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == reference)).one()
        rows = [(m.body, field_aad(report.id, f"message:{m.author}")) for m in report.messages]
        rows += [(n.body, field_aad(report.id, "note")) for n in report.notes]
        assert report.reward_claim is not None
        assert report.public_reason is not None
        rows.append((report.reward_claim, field_aad(report.id, "reward")))
        rows.append((report.public_reason, field_aad(report.id, "public_reason")))
        return rows


def test_the_intake_desk_s_kept_key_opens_nothing_written_after_acceptance(
    app: Flask,
    client: FlaskClient,
    staff: Callable[[str], Staff],
    submit: Callable[..., tuple[str, str]],
) -> None:
    code, ref = submit(category="insurance_fraud")
    desk = staff("intake")
    kept = kept_data_key(app, desk, "intake", ref)
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        # The key is real: it opens the report as submitted.
        assert open_with_key(report, kept).content.what_happened

    insurer = staff("healthcare_security")
    assert insurer.act(ref, "accept").status_code == 303
    reporter_posts(client, code, "/status/reply", text=REPLY)
    assert insurer.act(ref, "note", text=NOTE).status_code == 303
    assert insurer.act(ref, "conclude", outcome=OUTCOME, finding="substantiated").status_code == 303
    reporter_posts(
        client, code, "/status/reward", name="王某(虚构)", phone="138 0000 0000", payment=PAYMENT
    )

    new_rows = sealed_after(app, ref)
    assert len(new_rows) == 4
    for blob, aad in new_rows:
        with pytest.raises(DecryptionError):
            aead.open_sealed(kept, blob, aad)
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        # Through the code too: the kept key unlocks no later key.
        with pytest.raises(ReportUnreadable):
            casework.messages(report, kept)
        with pytest.raises(ReportUnreadable):
            casework.reward_claim(report, kept)
    # The new holders read everything, the old report included; so does the reporter.
    page = insurer.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    for text in (NOTE, REPLY, PAYMENT, OUTCOME):
        assert text in page
    status = check_status(client, code).get_data(as_text=True)
    assert REPLY in status
    assert OUTCOME in status


def test_the_old_lead_s_kept_key_opens_nothing_written_after_a_transfer(
    app: Flask,
    client: FlaskClient,
    staff: Callable[[str], Staff],
    submit: Callable[..., tuple[str, str]],
) -> None:
    code, ref = submit(category="kickbacks")
    health = staff("health")
    assert health.act(ref, "accept").status_code == 303
    kept = kept_data_key(app, health, "health", ref)
    assert health.act(ref, "transfer", bureau="healthcare_security").status_code == 303
    insurer = staff("healthcare_security")
    assert insurer.act(ref, "message", text="请提供票据(虚构)").status_code == 303
    reporter_posts(client, code, "/status/reply", text=REPLY)
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        assert [w.holder for w in report.key_wraps if w.bureau_id] == ["bureau:healthcare_security"]
        assert len(report.messages) == 2
        for message in report.messages:
            with pytest.raises(DecryptionError):
                aead.open_sealed(
                    kept, message.body, field_aad(report.id, f"message:{message.author}")
                )
    page = insurer.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert REPLY in page
    assert "请提供票据(虚构)" in check_status(client, code).get_data(as_text=True)


def test_a_page_opened_before_the_change_seals_nothing_with_the_old_key(
    app: Flask,
    client: FlaskClient,
    staff: Callable[[str], Staff],
    submit: Callable[..., tuple[str, str]],
) -> None:
    code, ref = submit(category="insurance_fraud")
    values = form_values(check_status(client, code).get_data(as_text=True))
    staff("healthcare_security").act(ref, "accept")
    # The page's token carries the key from before acceptance, which the desk also held.
    stale = client.post(
        "/status/reply",
        data={"csrf_token": values["csrf_token"], "token": values["token"], "text": REPLY},
    )
    assert stale.status_code == 409
    assert REPLY in stale.get_data(as_text=True)  # kept in the form, not stored
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        assert report.messages == []
    # With the code typed again, the reply is sealed under the new key.
    again = form_values(stale.get_data(as_text=True))
    sent = client.post(
        "/status/reply",
        data={"csrf_token": again["csrf_token"], "token": "", "code": code, "text": REPLY},
    )
    assert sent.status_code in (200, 303)
    assert REPLY in staff("healthcare_security").client.get(f"/admin/cases/{ref}").get_data(
        as_text=True
    )

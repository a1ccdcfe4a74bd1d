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

from crypto import aead, keywrap
from crypto.errors import DecryptionError
from intake.domain.cases import bound, casework
from intake.domain.cases.reports import ReportUnreadable, field_aad, open_with_key
from intake.domain.keys import keyring
from intake.domain.models import Report, StaffMember
from intake.platform import db
from tests.console.console import Staff
from tests.helpers import check_status, form_values
from tests.security.attack import database_values
from tests.security.test_public_keys import opens_anything

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


def opened_by(app: Flask, reference: str, key: bytes) -> list[bool]:
    """For every ciphertext written after the change (messages, notes, the reward claim, the
    outcome), whether `key` alone opens it, with the associated data it was sealed with."""
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == reference)).one()
        opened = [
            bound.open_text(key, report.id, bound.place_of_message(m), m.body) is not None
            for m in report.messages
        ]
        opened += [
            bound.open_text(key, report.id, bound.place_of_note(n), n.body) is not None
            for n in report.notes
        ]
        assert report.reward_claim is not None
        assert report.public_reason is not None
        for blob, field in (
            (report.reward_claim, "reward"),
            (report.public_reason, "public_reason"),
        ):
            try:
                aead.open_sealed(key, blob, field_aad(report.id, field))
                opened.append(True)
            except DecryptionError:
                opened.append(False)
        return opened


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
    concluded = insurer.act(
        ref, "conclude", outcome=OUTCOME, finding="substantiated", disposal="case_opened"
    )
    assert concluded.status_code == 303
    reporter_posts(
        client, code, "/status/reward", name="王某(虚构)", phone="138 0000 0000", payment=PAYMENT
    )

    # The case's current key opens all four; the desk's kept key none of them.
    assert (
        opened_by(app, ref, kept_data_key(app, insurer, "healthcare_security", ref)) == [True] * 4
    )
    assert opened_by(app, ref, kept) == [False] * 4
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        # Through the code too: the kept key unlocks no later key.
        shown = casework.messages(report, kept)
        assert shown
        assert all(message.body is None for message in shown)
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
        bodies = [(bound.place_of_message(m), m.body) for m in report.messages]
        report_id = report.id
    current = kept_data_key(app, insurer, "healthcare_security", ref)
    for place, body in bodies:
        assert bound.open_text(current, report_id, place, body) is not None
        assert bound.open_text(kept, report_id, place, body) is None
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


def test_a_swapped_reporter_key_gets_no_new_case_key(
    app: Flask,
    staff: Callable[[str], Staff],
    submit: Callable[..., tuple[str, str]],
) -> None:
    """A database writer puts a key of their own in the case's reporter key before acceptance,
    hoping the re-key seals the new case key to it: the acceptance is refused, nothing moves."""
    _code, ref = submit(category="insurance_fraud")
    attacker_private, attacker_public = keywrap.generate_keypair()
    with app.app_context():
        session = db.session()
        report = session.scalars(select(Report).where(Report.reference == ref)).one()
        genuine, epoch = report.reporter_public_key, report.key_epoch
        report.reporter_public_key = attacker_public
        session.commit()
    insurer = staff("healthcare_security")
    response = insurer.act(ref, "accept")
    assert response.status_code == 422
    assert "校验" in response.get_data(as_text=True)
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        assert (report.state, report.key_epoch) == ("received", epoch)
        assert not opens_anything(attacker_private, database_values(app))
    # Put back, the case is accepted and re-keyed as usual.
    with app.app_context():
        session = db.session()
        report = session.scalars(select(Report).where(Report.reference == ref)).one()
        report.reporter_public_key = genuine
        session.commit()
    assert insurer.act(ref, "accept").status_code == 303


def test_what_was_written_before_a_change_of_holders_still_reads_after_it(
    app: Flask,
    client: FlaskClient,
    staff: Callable[[str], Staff],
    submit: Callable[..., tuple[str, str]],
) -> None:
    """Re-keying must not cost the current holders the file: notes and messages sealed under
    an earlier key open through the current one, for staff and for the reporter."""
    code, ref = submit(category="kickbacks")
    desk = staff("intake")
    health = staff("health")
    assert desk.act(ref, "note", text=NOTE).status_code == 303
    assert health.act(ref, "message", text="请提供票据(虚构)").status_code == 303
    reporter_posts(client, code, "/status/reply", text=REPLY)

    assert health.act(ref, "accept").status_code == 303
    assert health.act(ref, "transfer", bureau="healthcare_security").status_code == 303
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        assert report.key_epoch >= 2  # both steps re-keyed the case

    page = staff("healthcare_security").client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    for text in (NOTE, "请提供票据(虚构)", REPLY):
        assert text in page
    assert "请提供票据(虚构)" in check_status(client, code).get_data(as_text=True)

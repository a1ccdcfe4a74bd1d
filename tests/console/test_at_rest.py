"""Promises 1 and 2 with the console in use: messages, notes, outcomes, reward claims and live
staff sessions leave no readable text, no reporter address and no usable key in the database."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crypto import aead
from crypto.errors import DecryptionError
from intake.domain.cases.reports import field_aad
from intake.domain.installation import DemoAccount
from intake.domain.models import Message, Note, Report, StaffSession
from intake.platform import db
from tests.console.console import Staff
from tests.console.test_rewards import check_today, reward_colleague
from tests.helpers import check_status, form_values
from tests.security.test_anonymity import ADDRESS, USER_AGENT, database_bytes
from tests.security.test_at_rest import encodings, every_stored_secret

QUESTION = "请提供转账截图的日期(虚构测试问题)"
ANSWER = "二〇二六年十月三日晚上(虚构测试回答)"
NOTE = "内部:与医保稽核科联合核查(虚构测试备注)"
OUTCOME = "经查属实,追回医保基金十二万元(虚构测试结论)"
BANK = "6222 0212 3456 7890(虚构测试账号)"
ID_LAST_FOUR = "731X"


@pytest.fixture
def worked_case(
    app: Flask,
    client: FlaskClient,
    staff: Callable[[str], Staff],
    submit: Callable[..., tuple[str, str]],
    accounts: dict[str, DemoAccount],
) -> str:
    client.environ_base.update({"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": USER_AGENT})
    code, ref = submit(category="insurance_fraud")
    insurer = staff("healthcare_security")
    insurer.act(ref, "accept")
    insurer.act(ref, "message", text=QUESTION)
    values = form_values(check_status(client, code).get_data(as_text=True))
    client.post(
        "/status/reply",
        data={"csrf_token": values["csrf_token"], "token": values["token"], "text": ANSWER},
    )
    insurer.act(ref, "note", text=NOTE)
    insurer.act(ref, "conclude", outcome=OUTCOME, finding="substantiated", disposal="case_opened")
    values = form_values(check_status(client, code).get_data(as_text=True))
    response = client.post(
        "/status/reward",
        data={
            "csrf_token": values["csrf_token"],
            "token": values["token"],
            "name": "举报人(虚构)",
            "phone": "13700000000",
            "payment": BANK,
        },
    )
    assert response.status_code == 200
    # The reward proposed, approved by a colleague and paid: the ID document checked is sealed.
    insurer.act(ref, "reward_propose", basis="120000", grade=1)
    colleague = reward_colleague(app, accounts)
    colleague.act(ref, "reward_approve")
    paid = colleague.act(
        ref, "reward_pay", id_type="resident_id", last_four=ID_LAST_FOUR, paid_by="cash",
        paid_on=check_today(app).isoformat(),
    )  # fmt: skip
    assert paid.status_code == 303
    return ref


def test_a_dump_holds_no_message_note_outcome_or_claim(app: Flask, worked_case: str) -> None:
    dump = database_bytes(app)
    for secret in (QUESTION, ANSWER, NOTE, OUTCOME, BANK, ID_LAST_FOUR):
        for encoded in encodings(secret):
            assert encoded not in dump, (secret, encoded[:20])
    for needle in (ADDRESS, USER_AGENT):
        assert needle.encode() not in dump


def test_reporter_side_rows_carry_dates_only(app: Flask, worked_case: str) -> None:
    with app.app_context():
        reporter_messages = (
            db.session().scalars(select(Message).where(Message.author == "reporter")).all()
        )
    assert [m.occurred_at for m in reporter_messages] == [None]


def test_nothing_at_rest_opens_them_even_with_a_live_staff_session(
    app: Flask, worked_case: str
) -> None:
    candidates = every_stored_secret(app)
    with app.app_context():
        session = db.session()
        assert session.scalars(select(StaffSession)).all(), "a staff session is live"
        report = session.scalars(select(Report).where(Report.reference == worked_case)).one()
        sealed = [
            (m.body, f"message:{m.author}")
            for m in session.scalars(select(Message).where(Message.report_id == report.id))
        ]
        sealed += [
            (n.body, "note")
            for n in session.scalars(select(Note).where(Note.report_id == report.id))
        ]
        sealed += [(report.public_reason, "public_reason"), (report.reward_claim, "reward")]
        sealed += [(report.reward_id_check, "reward_id_check")]
        for (blob, field), key in itertools.product(sealed, candidates):
            assert blob is not None
            with pytest.raises(DecryptionError):
                aead.open_sealed(key, blob, field_aad(report.id, field))

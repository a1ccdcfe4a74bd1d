"""A database writer cannot move, swap, replay or re-attribute messages and notes unnoticed.

The writer has SQL write access and no key. Each attack below edits the rows as they are
stored; the case page and the status page then refuse the edited text and say so, instead of
showing it in its new place.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from crypto import aead
from crypto.receipts import normalise_receipt
from intake.domain.cases.reports import field_aad, open_with_receipt
from intake.domain.models import Message, Note, Report, StaffMember
from intake.platform import db
from tests.console.console import Staff
from tests.helpers import check_status, form_values

Submit = Callable[..., tuple[str, str]]
REFUSED_MESSAGE = "这条消息不属于此处"
REFUSED_NOTE = "这条备注不属于此处"


def _sql(app: Flask, statement: str, **values: object) -> None:
    with app.app_context():
        db.session().execute(text(statement), values)
        db.session().commit()


def _rows(app: Flask, model: type, reference: str) -> list:
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == reference)).one()
        return list(
            db.session().scalars(
                select(model).where(model.report_id == report.id).order_by(model.ordinal)
            )
        )


def _case_page(member: Staff, reference: str) -> str:
    response = member.client.get(f"/admin/cases/{reference}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _reply(client: FlaskClient, code: str, words: str) -> None:
    values = form_values(check_status(client, code).get_data(as_text=True))
    client.post(
        "/status/reply",
        data={"csrf_token": values["csrf_token"], "token": values["token"], "text": words},
    )


def test_swapped_messages_are_refused_on_both_pages(
    app: Flask, client: FlaskClient, submit: Submit, staff: Callable[[str], Staff]
) -> None:
    code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    health.act(ref, "message", text="请问是哪一天?(虚构)")
    health.act(ref, "message", text="请问金额多少?(虚构)")
    first, second = _rows(app, Message, ref)
    page = _case_page(health, ref)
    assert "请问是哪一天" in page
    assert REFUSED_MESSAGE not in page
    # Swap the two ciphertexts: each row now holds the other's text.
    _sql(app, "UPDATE messages SET body = :b WHERE id = :i", b=second.body, i=first.id)
    _sql(app, "UPDATE messages SET body = :b WHERE id = :i", b=first.body, i=second.id)
    page = _case_page(health, ref)
    assert "请问是哪一天" not in page
    assert "请问金额多少" not in page
    assert page.count(REFUSED_MESSAGE) == 2
    status = check_status(client, code).get_data(as_text=True)
    assert "请问是哪一天" not in status
    assert status.count("这条消息无法核验") == 2


def test_reordered_or_re_attributed_messages_are_refused(
    app: Flask, client: FlaskClient, submit: Submit, staff: Callable[[str], Staff]
) -> None:
    code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    health.act(ref, "message", text="请补充细节(虚构)")
    _reply(client, code, "细节是这样的(虚构)")
    question, answer = _rows(app, Message, ref)
    assert answer.author == "reporter"
    # Move the reporter's answer before the question.
    _sql(app, "UPDATE messages SET ordinal = 0 WHERE id = :i", i=answer.id)
    assert "细节是这样的" not in _case_page(health, ref)
    _sql(app, "UPDATE messages SET ordinal = :o WHERE id = :i", o=answer.ordinal, i=answer.id)
    assert "细节是这样的" in _case_page(health, ref)
    # Put the reporter's words in a staff member's mouth.
    _sql(
        app,
        "UPDATE messages SET author = 'staff', staff_id = :s WHERE id = :i",
        s=question.staff_id,
        i=answer.id,
    )
    page = _case_page(health, ref)
    assert "细节是这样的" not in page
    assert REFUSED_MESSAGE in page
    # Replay the question as a new row of the same case.
    _sql(
        app,
        "INSERT INTO messages (id, report_id, ordinal, author, staff_id, occurred_on, "
        "occurred_at, body) SELECT 7, report_id, 9, author, staff_id, occurred_on, occurred_at, "
        "body FROM messages WHERE id = :i",
        i=question.id,
    )
    page = _case_page(health, ref)
    assert page.count("请补充细节") == 1


def test_a_note_moved_to_another_case_or_another_author_is_refused(
    app: Flask, submit: Submit, staff: Callable[[str], Staff]
) -> None:
    _code, ref = submit()
    _other_code, other = submit()
    health = staff("health")
    health.act(ref, "note", text="举报人可能是内部人员(虚构)")
    health.act(other, "note", text="另一案的备注(虚构)")
    (note,) = _rows(app, Note, ref)
    (other_note,) = _rows(app, Note, other)
    with app.app_context():
        colleague = (
            db.session()
            .scalars(select(StaffMember.id).where(StaffMember.id != note.staff_id))
            .first()
        )
    # Another author.
    _sql(app, "UPDATE notes SET staff_id = :s WHERE id = :i", s=colleague, i=note.id)
    page = _case_page(health, ref)
    assert "举报人可能是内部人员" not in page
    assert REFUSED_NOTE in page
    _sql(app, "UPDATE notes SET staff_id = :s WHERE id = :i", s=note.staff_id, i=note.id)
    assert "举报人可能是内部人员" in _case_page(health, ref)
    # Another case: the other case's note row now carries this one's ciphertext.
    _sql(app, "UPDATE notes SET body = :b WHERE id = :i", b=note.body, i=other_note.id)
    page = _case_page(health, other)
    assert "举报人可能是内部人员" not in page
    assert REFUSED_NOTE in page


def test_messages_written_before_binding_still_open(
    app: Flask, submit: Submit, staff: Callable[[str], Staff]
) -> None:
    code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    settings = app.extensions["qingfeng.settings"]
    with app.app_context():
        opened = open_with_receipt(db.session(), settings, normalise_receipt(code))
        report, data_key = opened.report, opened.data_key
        legacy = aead.seal(
            data_key, "旧版本的消息(虚构)".encode(), field_aad(report.id, "message:reporter")
        )
        db.session().add(
            Message(
                id=11, report_id=report.id, ordinal=1, author="reporter",
                occurred_on=report.received_on, body=legacy,
            )
        )  # fmt: skip
        db.session().commit()
    assert "旧版本的消息" in _case_page(health, ref)

"""A download streams after its view returned: its database session must close with it
(on PostgreSQL an open one would hold locks, on any database it leaks a connection)."""

from __future__ import annotations

import io
from collections.abc import Callable

from flask import Flask
from sqlalchemy import event

from intake.domain.cases.reports import open_with_receipt
from intake.domain.evidence import attachments
from intake.domain.evidence.filetypes import KINDS
from intake.platform import context, db
from tests.console.console import Staff


def test_a_finished_download_leaves_no_open_transaction(
    app: Flask, staff: Callable[[str], Staff], submit: Callable[..., tuple[str, str]]
) -> None:
    code, ref = submit()
    with app.app_context():
        session = db.session()
        opened = open_with_receipt(session, context.settings(), code)
        pdf = b"%PDF-1.4\n%%EOF\n"
        checked = attachments.Checked("m.pdf", KINDS["pdf"], False, io.BytesIO(pdf), len(pdf))
        stored = attachments.store(
            session, opened.report, opened.data_key, checked, "reporter", context.today()
        )
        session.commit()
        file_id = stored.id
    engine = app.extensions["qingfeng.db"].engine
    checked_out: list[int] = []
    event.listen(engine, "checkout", lambda *_a: checked_out.append(1))
    event.listen(engine, "checkin", lambda *_a: checked_out.pop())
    response = staff("health").client.get(f"/admin/cases/{ref}/files/{file_id}")
    assert response.get_data() == pdf
    assert checked_out == [], "a connection is still checked out after the download"

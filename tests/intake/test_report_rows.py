"""A new report's rows, written without the unit of work: the whole report, in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from crypto.receipts import normalise_receipt
from intake.domain.cases import reports
from intake.domain.cases.content import ReportContent
from intake.domain.cases.reports import (
    Receipt,
    Submission,
    form_token_used,
    open_with_receipt,
    remember_form_token,
    submit_report,
)
from intake.domain.keys.keyring import REPORTER_HOLDER, REPORTER_KEY_HOLDER
from intake.domain.models import Event, KeyWrap, NameTag, Report, UsedFormToken
from intake.platform import context, db

TODAY = dt.date(2026, 11, 2)
CONTENT = ReportContent("某医院收取回扣（测试数据，虚构）", "某县人民医院（虚构）", "王某（虚构）")


FIRST_TOKEN = "form-token-1"  # a one-time form token, as a form carries it


def _submit(app: Flask, before_commit=None, token: str | None = FIRST_TOKEN) -> Receipt:
    return submit_report(
        db.session(),
        context.settings(),
        context.taxonomy(),
        Submission("kickbacks", True, CONTENT),
        TODAY,
        token,
        before_commit=before_commit,
    )


def _count(model: type) -> int:
    return db.session().scalar(select(func.count()).select_from(model))


def test_a_report_is_stored_whole_and_opens_with_its_code(app: Flask) -> None:
    with app.test_request_context():
        receipt = _submit(app)
        # The caller keeps using the report as stored: what the receipt page and an API
        # answer read, and its empty collections, without a query.
        report = receipt.report
        assert report.received_on == TODAY
        assert report.lead_bureau.code
        assert report.attachments == []
        assert report.messages == []
    with app.test_request_context():
        db.session().expunge_all()
        opened = open_with_receipt(
            db.session(), context.settings(), normalise_receipt(receipt.code)
        )
        assert opened.content == CONTENT
        stored = opened.report
        assert stored.id == receipt.report.id
        assert stored.official_involved is True
        assert stored.extended is False
        assert stored.key_epoch == 0
        holders = {w.holder for w in stored.key_wraps}
        assert {REPORTER_HOLDER, REPORTER_KEY_HOLDER} <= holders
        (received,) = stored.events
        assert received.kind == "received"
        assert received.ordinal == 1
        assert (received.category, received.channel, received.received_on) == (
            stored.category,
            "web",
            TODAY,
        )
        tags = db.session().scalars(select(NameTag).where(NameTag.report_id == stored.id)).all()
        assert {t.kind for t in tags} == {"institution", "person"}
        assert form_token_used(db.session(), FIRST_TOKEN)


def test_a_wrap_names_its_report_and_bureau(app: Flask) -> None:
    with app.test_request_context():
        receipt = _submit(app, token=None)
        db.session().expunge_all()
        wraps = (
            db.session()
            .scalars(select(KeyWrap).where(KeyWrap.report_id == receipt.report.id))
            .all()
        )
        bureau_wraps = [w for w in wraps if w.bureau_id is not None]
        assert len(wraps) == 4
        assert sum(w.lead for w in bureau_wraps) == 1
        assert len({w.id for w in wraps}) == 4


def test_a_clash_in_the_same_transaction_stores_nothing(app: Flask) -> None:
    with app.test_request_context():
        _submit(app)
        reports, events = _count(Report), _count(Event)

        def reuse_a_token(receipt: Receipt) -> None:
            remember_form_token(db.session(), FIRST_TOKEN, TODAY)

        with pytest.raises(IntegrityError):
            _submit(app, before_commit=reuse_a_token, token="form-token-2")
        assert (_count(Report), _count(Event)) == (reports, events)
        assert _count(UsedFormToken) == 1
        assert not form_token_used(db.session(), "form-token-2")


def test_a_reference_drawn_twice_is_drawn_again_and_the_report_stored(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a province's million cases a drawn reference is taken now and then; the report
    must still be stored, under a reference of its own, not fail on the unique index."""
    with app.test_request_context():
        first = _submit(app).report.reference
        drawn = iter([first, first, "QF-TWICE234"])
        monkeypatch.setattr(reports, "_new_reference", lambda: next(drawn))
        second = _submit(app, token="form-token-2")
        assert second.report.reference == "QF-TWICE234"
    with app.test_request_context():
        opened = open_with_receipt(db.session(), context.settings(), normalise_receipt(second.code))
        assert opened.content == CONTENT
        assert opened.report.reference == "QF-TWICE234"
        assert _count(Report) == 2

"""Deadlines in calendar days (the 条例's way) or working days, per configuration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask

from intake.domain.cases.content import ReportContent
from intake.domain.cases.reports import Submission, submit_report
from intake.platform import context, db


@pytest.mark.parametrize(
    ("mode", "due"),
    [
        ("calendar", dt.date(2026, 10, 15)),
        # Oct 1-7 are the National Day holiday and Sat Oct 10 a make-up working day (调休):
        # Oct 8, 9, 10, 12-16, 19-23, 26, 27 are the fifteen working days.
        ("working", dt.date(2026, 10, 27)),
    ],
)
def test_the_decision_deadline_follows_the_configured_mode(
    make_app: Callable[..., Flask], mode: str, due: dt.date
) -> None:
    app = make_app(deadline_mode=mode)
    with app.test_request_context():
        receipt = submit_report(
            db.session(),
            context.settings(),
            context.taxonomy(),
            Submission("kickbacks", False, ReportContent("deadline test (invented)")),
            dt.date(2026, 9, 30),
        )
        assert receipt.report.decision_due == due


def test_an_unknown_mode_stops_start_up() -> None:
    from intake.config import ConfigError, Settings

    with pytest.raises(ConfigError, match="QINGFENG_DEADLINE_DAYS"):
        Settings.from_env(
            {
                "QINGFENG_DEADLINE_DAYS": "lunar",
                "QINGFENG_SECRET_KEY": "00" * 32,
                "QINGFENG_RECEIPT_SALT": "11" * 16,
                "QINGFENG_INDEX_KEY": "22" * 32,
                "QINGFENG_INSTANCE": "/nonexistent",
            }
        )

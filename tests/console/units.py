"""A second county in the test installation: a city above the home unit's neighbour, with the
demo bureaus, keys and staff of its own (docs/design.md, "Units")."""

from __future__ import annotations

from flask import Flask

from intake.domain import units
from intake.domain.cases.content import ReportContent
from intake.domain.cases.reports import Submission, submit_report
from intake.domain.installation import DemoAccount, install_demo
from intake.platform import context, db

#: The invented city and the invented county below it.
CITY, COUNTY = "demo-city", "yixian"


def add_county(app: Flask) -> dict[str, DemoAccount]:
    """Add the city and, below it, the county with its demo accounts (by bureau or role)."""
    with app.app_context():
        session = db.session()
        units.home(session)
        units.add_unit(session, CITY, "示范市（虚构）", "city", None)
        county = units.add_unit(session, COUNTY, "乙县（虚构）", "county", CITY)
        accounts = install_demo(session, context.settings(), context.taxonomy(), unit=county)
    return {a.bureau or a.role: a for a in accounts}


def file_report(app: Flask, unit: str | None, category: str = "kickbacks") -> str:
    """File a report with `unit` (None: the home unit); its case reference."""
    with app.app_context():
        receipt = submit_report(
            db.session(),
            context.settings(),
            context.taxonomy(),
            Submission(category, False, ReportContent("单位测试（虚构）"), unit=unit),
            context.today(),
        )
        return receipt.report.reference

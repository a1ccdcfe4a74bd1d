"""A new taxonomy version (docs/rules.md §2): routing changes apply to reports received after
it, and the statistics keep counting earlier cases under the category they were filed in."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from intake.domain.models import Report
from intake.domain.oversight import statistics
from intake.platform import context, db

Submit = Callable[..., tuple[str, str]]


def lead_and_version(app: Flask, ref: str) -> tuple[str, str]:
    with app.app_context():
        report = db.session().scalars(select(Report).where(Report.reference == ref)).one()
        return report.lead_bureau.code, report.routing["taxonomy_version"]


def test_a_routing_change_applies_to_new_reports_only(app: Flask, submit: Submit) -> None:
    _c, before = submit(category="kickbacks")
    _c, ambulance = submit(category="ambulance_kickbacks")
    old = app.extensions["qingfeng.taxonomy"]
    moved = tuple(
        dataclasses.replace(c, lead="market_regulation", co=("health",))
        if c.code == "kickbacks"
        else c
        for c in old.categories
        if c.code != "ambulance_kickbacks"  # merged into kickbacks in the new version
    )
    app.extensions["qingfeng.taxonomy"] = dataclasses.replace(
        old, version="2027.01-1", categories=moved
    )
    _c, after = submit(category="kickbacks")

    assert lead_and_version(app, before) == ("health", old.version)
    assert lead_and_version(app, ambulance) == ("health", old.version)
    assert lead_and_version(app, after) == ("market_regulation", "2027.01-1")
    with app.app_context():
        today = context.today()
        table = statistics.compute(db.session(), today.replace(day=1), today)
    received = {
        (row.bureau, row.category): row.counts["received"]
        for row in table.rows
        if row.counts["received"]
    }
    # The case filed under a category the new version no longer has is still counted there.
    assert received == {
        ("health", "kickbacks"): 1,
        ("health", "ambulance_kickbacks"): 1,
        ("market_regulation", "kickbacks"): 1,
    }

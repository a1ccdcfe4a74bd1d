"""回避 (docs/rules.md §2): a report naming the bureau that would lead it never goes there."""

from __future__ import annotations

import pytest

from intake.domain.cases.routing import route
from intake.domain.cases.taxonomy import load_taxonomy


@pytest.mark.parametrize(
    ("category", "named", "recused"),
    [
        ("kickbacks", "县卫健局药政科(虚构)", "health"),
        ("official_misconduct", "县卫生健康局某副局长(虚构)", "health"),
        ("insurance_fraud", "县医保局稽核科(虚构)", "healthcare_security"),
        ("hospital_order", "城关派出所(虚构)", "public_security"),
        ("advertising_pricing", "县市场监管局(虚构)", "market_regulation"),
    ],
)
def test_a_report_naming_its_lead_bureau_goes_to_the_desk_flagged(
    category: str, named: str, recused: str
) -> None:
    decision = route(load_taxonomy(), category, False, named)
    assert decision.lead == "intake"
    assert decision.recused == recused
    assert recused not in decision.co


def test_naming_another_bureau_changes_nothing() -> None:
    # A report about a hospital, or about a bureau that does not lead it, routes as usual.
    taxonomy = load_taxonomy()
    for named in ("某县人民医院(虚构)", "县医保局(虚构)"):
        decision = route(taxonomy, "kickbacks", False, named)
        assert decision.lead == "health"
        assert decision.recused is None

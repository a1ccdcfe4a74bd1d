"""Routing by category, the official-involved rule, and the stored decision."""

from __future__ import annotations

import json

import pytest

from intake.domain.cases.routing import RoutingDecision, route
from intake.domain.cases.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()


@pytest.mark.parametrize("category", TAXONOMY.categories, ids=lambda c: c.code)
def test_each_category_goes_to_its_lead_with_its_co_bureaus(category) -> None:
    decision = route(TAXONOMY, category.code, official_involved=False)
    assert decision.lead == category.lead
    assert decision.co == category.co
    assert decision.rule == f"category:{category.code}"
    assert decision.taxonomy_version == TAXONOMY.version


@pytest.mark.parametrize("category", TAXONOMY.categories, ids=lambda c: c.code)
def test_an_involved_official_adds_the_discipline_commission_once(category) -> None:
    decision = route(TAXONOMY, category.code, official_involved=True)
    involved = [decision.lead, *decision.co]
    assert "discipline" in involved
    assert involved.count("discipline") == 1
    assert decision.rule.endswith("+official_involved")
    assert decision.co[: len(category.co)] == category.co


@pytest.mark.parametrize("code", [None, "", "no_such_category"])
def test_unknown_or_missing_categories_go_to_the_intake_desk(code: str | None) -> None:
    decision = route(TAXONOMY, code, official_involved=False)
    assert decision.lead == "intake"
    assert decision.co == ()
    assert decision.rule == "unclassified"


def test_the_decision_round_trips_through_json() -> None:
    decision = route(TAXONOMY, "kickbacks", official_involved=True)
    assert RoutingDecision.from_dict(json.loads(json.dumps(decision.to_dict()))) == decision

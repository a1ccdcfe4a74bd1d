"""The shipped taxonomy matches docs/rules.md §2; a malformed file is refused naming its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.domain.cases.taxonomy import DEFAULT_PATH, TaxonomyError, load_taxonomy

# Written from docs/rules.md §2 (the table and its corrections from the seeds), independently
# of the TOML file: each category's lead bureau and co-bureaus.
EXPECTED = {
    "insurance_fraud": ("healthcare_security", {"health", "public_security", "market_regulation"}),
    "kickbacks": (
        "health",
        {"public_security", "finance", "market_regulation", "healthcare_security"},
    ),
    "procurement": (
        "health",
        {"finance", "healthcare_security", "public_security", "market_regulation"},
    ),
    "overtreatment": ("health", {"healthcare_security", "market_regulation", "public_security"}),
    "red_envelopes": ("health", {"discipline"}),
    "illegal_practice": (
        "health_enforcement",
        {"public_security", "market_regulation", "admin_approval"},
    ),
    "deceptive_clinics": ("health", {"public_security", "market_regulation", "admin_approval"}),
    "advertising_pricing": ("market_regulation", {"health", "admin_approval"}),
    "unapproved_products": ("market_regulation", {"health", "public_security"}),
    "clinical_quality": ("health", {"healthcare_security"}),
    "patient_privacy": ("health", {"public_security"}),
    "hospital_order": ("public_security", {"health"}),
    "blood": ("health_enforcement", {"public_security"}),
    "official_misconduct": (
        "health",
        {"healthcare_security", "market_regulation", "admin_approval"},
    ),
    "internal_funds": ("health", {"finance"}),
    "donations_and_data": ("health", {"market_regulation", "healthcare_security"}),
    "public_health_funds": ("health", {"finance", "healthcare_security"}),
    "pharmacy_card_fraud": (
        "healthcare_security",
        {"public_security", "market_regulation", "health"},
    ),
    "ambulance_kickbacks": ("health", {"public_security", "market_regulation"}),
    "other": ("intake", set()),
}
#: Hand-over targets of docs/rules.md §2: crime to the police, officials to the commission or
#: its stationed group, companies to 医保, 市场监管, 药监, 税务; the procuratorate.
HAND_OVER = {
    "police",
    "discipline",
    "stationed_discipline",
    "healthcare_security",
    "market_regulation",
    "drug_administration",
    "tax",
    "procuratorate",
}


@pytest.mark.parametrize(("code", "expected"), sorted(EXPECTED.items()))
def test_each_category_routes_as_the_rules_say(code: str, expected: tuple[str, set[str]]) -> None:
    category = load_taxonomy().category(code)
    assert category is not None
    assert (category.lead, set(category.co)) == expected


def test_the_shipped_taxonomy_has_every_category_and_hand_over_target() -> None:
    taxonomy = load_taxonomy()
    assert set(taxonomy.category_codes) == set(EXPECTED)
    assert {t.code for t in taxonomy.hand_over} == HAND_OVER
    assert taxonomy.intake_desk.code == "intake"
    assert taxonomy.category("insurance_fraud").reward_eligible
    assert not taxonomy.category("kickbacks").reward_eligible
    for category in taxonomy.categories:
        assert category.name("zh_CN") != category.name("en")
        assert len(category.examples("zh_CN")) == len(category.examples("en"))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def shipped() -> str:
    return DEFAULT_PATH.read_text(encoding="utf-8")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    found = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[occurrence - 1]


def test_a_syntax_error_names_its_line(tmp_path: Path) -> None:
    text = shipped().replace('name_en = "County Finance Bureau"', 'name_en = "County Finance')
    with pytest.raises(TaxonomyError, match=rf"line {line_of(text, 'County Finance')}\b"):
        load_taxonomy(write(tmp_path, text))


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            'lead = "market_regulation"\nco = ["health", "admin_approval"]',
            'lead = "market_regulatio"\nco = ["health", "admin_approval"]',
            'lead = "market_regulatio"',
            "unknown bureau 'market_regulatio'",
        ),
        (
            'co = ["healthcare_security"]\nexamples_zh = ["不落实',
            'co = ["healthcare_securty"]\nexamples_zh = ["不落实',
            '"healthcare_securty"',
            "unknown co-bureau",
        ),
        ('code = "blood"', 'code = "kickbacks"', 'code = "kickbacks"', "appears twice"),
        ('code = "other"', 'code = "misc"', "[[categories]]", "'other' is required"),
        (
            'co = ["public_security"]\nexamples_zh = ["“血头”',
            'co = "public_security"\nexamples_zh = ["“血头”',
            'co = "public_security"',
            "must be a list of strings",
        ),
        (
            'name_en = "Illegal blood',
            'name_e = "Illegal blood',
            'code = "blood"',
            "lacks 'name_en'",
        ),
    ],
)
def test_semantic_errors_name_the_line(
    tmp_path: Path, old: str, new: str, needle: str, message: str
) -> None:
    assert old in shipped(), old
    text = shipped().replace(old, new, 1)
    occurrence = 2 if "appears twice" in message else 1
    expected = line_of(text, needle, occurrence)
    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(write(tmp_path, text))
    assert message in str(error.value)
    assert f"taxonomy.toml, line {expected}:" in str(error.value)


def test_two_intake_desks_are_refused(tmp_path: Path) -> None:
    text = shipped().replace(
        'name_en = "County Finance Bureau"', 'name_en = "County Finance Bureau"\nintake_desk = true'
    )
    with pytest.raises(TaxonomyError, match="exactly one"):
        load_taxonomy(write(tmp_path, text))


def test_no_intake_desk_is_refused(tmp_path: Path) -> None:
    text = shipped().replace("intake_desk = true", "intake_desk = false")
    with pytest.raises(TaxonomyError, match="exactly one"):
        load_taxonomy(write(tmp_path, text))


def test_an_unknown_escalation_bureau_is_refused(tmp_path: Path) -> None:
    text = shipped().replace('police = "public_security"', 'police = "polic"')
    with pytest.raises(TaxonomyError, match=rf"line {line_of(text, 'police = ')}:"):
        load_taxonomy(write(tmp_path, text))

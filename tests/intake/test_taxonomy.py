"""The shipped taxonomy matches docs/rules.md §2; a malformed file is refused naming its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.domain.cases.taxonomy import DEFAULT_PATH, TaxonomyError, load_taxonomy

# Written from docs/rules.md §2, independently of the TOML file.
EXPECTED_LEADS = {
    "insurance_fraud": "healthcare_security",
    "kickbacks": "health",
    "procurement": "health",
    "overtreatment": "health",
    "red_envelopes": "health",
    "illegal_practice": "health_enforcement",
    "deceptive_clinics": "health",
    "advertising_pricing": "market_regulation",
    "unapproved_products": "market_regulation",
    "clinical_quality": "health",
    "patient_privacy": "health",
    "hospital_order": "public_security",
    "blood": "health_enforcement",
    "official_misconduct": "discipline",
    "other": "intake",
}


def test_the_shipped_taxonomy_has_every_category_with_its_lead() -> None:
    taxonomy = load_taxonomy()
    assert {c.code: c.lead for c in taxonomy.categories} == EXPECTED_LEADS
    assert taxonomy.intake_desk.code == "intake"
    assert taxonomy.category("insurance_fraud").reward_eligible
    assert not taxonomy.category("kickbacks").reward_eligible
    assert taxonomy.category("procurement").co == ("discipline", "finance", "public_security")
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

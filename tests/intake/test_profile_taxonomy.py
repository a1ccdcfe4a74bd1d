"""The deadline profiles of the shipped taxonomy match docs/rules.md §4 and §8, and a
malformed profile is refused naming its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.domain.cases import profiles
from intake.domain.cases.taxonomy import DEFAULT_PATH, TaxonomyError, load_taxonomy

#: Written from docs/rules.md §8: code → (mode, decision, conclusion, extension days).
EXPECTED = {
    "discipline": ("working", 15, 60, 30),
    "insurance": ("working", 15, 60, 30),
    "petition": ("calendar", 15, 60, 30),
}


def test_the_shipped_profiles_count_as_the_rules_say() -> None:
    taxonomy = load_taxonomy()
    found = {
        p.code: (p.mode, p.decision_days, p.conclusion_days, p.extension_days)
        for p in taxonomy.profiles
    }
    assert found == EXPECTED


@pytest.mark.parametrize(
    ("category", "official", "channel", "expected"),
    [
        ("kickbacks", True, "web", "discipline"),  # an official named: the 纪检 rule
        ("official_misconduct", False, "hotline", "discipline"),
        ("insurance_fraud", False, "letter", "insurance"),  # the category before the channel
        ("pharmacy_card_fraud", False, "web", "insurance"),
        ("kickbacks", False, "visit", "petition"),
        ("kickbacks", False, "web", profiles.DEFAULT),
        (None, False, "hotline", profiles.DEFAULT),
    ],
)
def test_a_profile_is_chosen_by_official_category_then_channel(
    category: str | None, official: bool, channel: str, expected: str
) -> None:
    assert profiles.choose(load_taxonomy(), category, channel, official) == expected


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('days = "working"', 'days = "lunar"', "'days' must be"),
        ("conclusion_days = 60", "conclusion_days = 0", "'conclusion_days' must be"),
        ('categories = ["official_misconduct"]', 'categories = ["officials"]', "unknown category"),
        ('channels = ["letter", "visit"]', 'channels = ["fax"]', "unknown channel"),
        ('code = "petition"', 'code = "default"', "'default' is the installation's"),
    ],
)
def test_a_malformed_profile_is_refused_naming_its_line(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if new in row)
    path = tmp_path / "taxonomy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(path)
    assert message in str(error.value)
    assert f"taxonomy.toml, line {line}:" in str(error.value)

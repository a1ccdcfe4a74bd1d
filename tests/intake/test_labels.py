"""Every code a person can meet — event, audit action, routing rule, state, finding, channel —
has a label in English and in Chinese (intake/domain/labels.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from intake.domain import labels
from intake.domain.cases.powers import ACTIONS
from intake.domain.cases.routing import route
from intake.domain.cases.taxonomy import load_taxonomy
from intake.domain.wording import Wording

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "intake" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
HANZI = re.compile(r"[\u4e00-\u9fff]")


def _source() -> str:
    return "\n".join(
        path.read_text(encoding="utf-8")
        for package in ("intake", "admin")
        for path in (ROOT / package).rglob("*.py")
    )


def event_kinds() -> set[str]:
    """Every kind of case event the code records (its timeline)."""
    source = _source()
    found = set(
        re.findall(r'(?:_public_event|staff_step)\(\s*[\w.]+,\s*(?:actor,\s*)?"([a-z_]+)"', source)
    )
    found |= set(re.findall(r'kind="([a-z_]+)"', source))
    found |= set(re.findall(r'"([a-z_]+_major)" if major else "([a-z_]+)"', source)[0])
    return found


def audit_actions() -> set[str]:
    """Every action the audit trail records, case actions included."""
    source = _source()
    found = set(re.findall(r'record_audit\(\s*"([a-z_]+)"', source))
    found |= set(re.findall(r'audit\.record\(\s*[a-z_.]+,\s*[a-z_.]+,\s*"([a-z_]+)"', source))
    found |= set(re.findall(r'_failed\("([a-z_]+)"', source))
    found |= {f"case_{action}" for action in ACTIONS}
    found |= {f"account_{a}" for a in ("deactivate", "reset_2fa", "reset_password")}
    return found


def chinese() -> dict[str, str]:
    with CATALOG.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def assert_bilingual(label: object, code: str) -> None:
    assert isinstance(label, Wording), code
    assert label.message, code
    assert HANZI.search(chinese().get(label.message, "")), f"no Chinese for {code}"


def test_the_walk_finds_the_codes() -> None:
    # The source scan itself must keep working as the code changes shape.
    assert {"received", "accepted", "reporter_files", "destroyed", "unmarked_major"} <= (
        event_kinds()
    )
    assert {"login", "view_case", "case_transfer", "login_failed"} <= audit_actions()


@pytest.mark.parametrize("kind", sorted(event_kinds()))
def test_every_event_has_a_label_in_both_languages(kind: str) -> None:
    assert_bilingual(labels.EVENT_NAMES.get(kind), kind)


@pytest.mark.parametrize("action", sorted(audit_actions()))
def test_every_audit_action_has_a_label_in_both_languages(action: str) -> None:
    assert_bilingual(labels.AUDIT_ACTION_NAMES.get(action), action)


def test_every_routing_rule_reads_as_words() -> None:
    taxonomy = load_taxonomy()
    rules = {
        route(taxonomy, code, official).rule
        for code in [c.code for c in taxonomy.categories] + [None]
        for official in (False, True)
    }
    rules |= {rule + "+lead_not_ready" for rule in set(rules)}
    for rule in sorted(rules):
        words = labels.rule_name(rule, lambda code: "X")
        # No code left showing: no "category:", no "+", no snake_case.
        assert not re.search(r"[a-z]+[:_+][a-z]", words), (rule, words)
    for part in ("unclassified", "category", "official_involved", "lead_not_ready"):
        assert_bilingual(labels.RULE_WORDS[part], part)


@pytest.mark.parametrize(
    "table",
    ["STATE_NAMES", "CHANNEL_NAMES", "FINDING_NAMES", "HAND_OVER_NAMES", "ROLE_NAMES"],
)
def test_every_state_channel_finding_and_role_has_both_languages(table: str) -> None:
    for code, label in getattr(labels, table).items():
        assert_bilingual(label, str(code))

"""Names the console shows for codes, in the request's language."""

from __future__ import annotations

from typing import Any

from intake.domain import units
from intake.domain.cases.grading import UPPER_LEVEL
from intake.domain.cases.outcomes import AMOUNTS, Kind, fen_to_yuan
from intake.domain.codes import Role
from intake.domain.labels import (
    CHANNEL_NAMES,
    DISPOSAL_NAMES,
    EVENT_NAMES,
    FINDING_NAMES,
    GRADE_NAMES,
    HAND_DOWN_REPORT_NAMES,
    HAND_OVER_NAMES,
    HAND_OVER_REPLY_NAMES,
    LISTING_NAMES,
    MEASURE_NAMES,
    ROLE_NAMES,
    RULE_NAMES,
    STAT_COLUMNS,
    STATE_NAMES,
    SUPERVISION_KIND_NAMES,
    audit_action_name,
    rule_name,
)
from intake.domain.models import Bureau
from intake.platform import context, i18n


def bureau_name(code: str) -> str:
    """A bureau's name, or its code when the taxonomy no longer lists it."""
    try:
        return context.taxonomy().bureau(code).name(i18n.current())
    except KeyError:
        return code


def unit_bureau_name(bureau: Bureau) -> str:
    """A bureau's name in its unit ("XX县医疗保障局"), so the city's and the county's bureau of
    the same code holding one case are told apart; the taxonomy's name, else its code."""
    try:
        return units.display_name(bureau, context.taxonomy().bureau(bureau.code), i18n.current())
    except KeyError:
        return bureau.code


def category_name(code: str) -> str:
    """A category's name, or its code."""
    category = context.taxonomy().category(code)
    return category.name(i18n.current()) if category else code


def hand_over_name(code: str) -> str:
    """A hand-over target's name, or its code when the taxonomy no longer lists it."""
    target = context.taxonomy().hand_over_target(code)
    if target is None and code == UPPER_LEVEL.code:  # 提级办理 (cases/grading.py)
        target = UPPER_LEVEL
    return target.name(i18n.current()) if target else code


def template_globals() -> dict[str, Any]:
    """What console templates may use."""
    return {
        "channel_names": CHANNEL_NAMES,
        "finding_names": FINDING_NAMES,
        "hand_over_names": HAND_OVER_NAMES,
        "role_names": ROLE_NAMES,
        "event_names": EVENT_NAMES,
        "stat_columns": STAT_COLUMNS,
        "state_names": STATE_NAMES,
        "disposal_names": DISPOSAL_NAMES,
        "measure_names": MEASURE_NAMES,
        "rule_names": RULE_NAMES,
        "measure_kinds": [k.value for k in Kind],
        "amount_kinds": [k.value for k in AMOUNTS],
        "yuan": fen_to_yuan,
        "Role": Role,
        "category_name": category_name,
        "bureau_name": bureau_name,
        "hand_over_name": hand_over_name,
        "hand_over_reply_names": HAND_OVER_REPLY_NAMES,
        "hand_down_report_names": HAND_DOWN_REPORT_NAMES,
        "supervision_kind_names": SUPERVISION_KIND_NAMES,
        "rule_name": lambda rule: rule_name(rule, category_name),
        "audit_action_name": audit_action_name,
        "taxonomy_categories": lambda: context.taxonomy().categories,
        "grade_names": GRADE_NAMES,
        "listing_names": LISTING_NAMES,
    }

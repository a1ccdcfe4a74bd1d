"""Names the console shows for codes, in the request's language."""

from __future__ import annotations

from typing import Any

from intake.domain.codes import Role
from intake.domain.labels import (
    CHANNEL_NAMES,
    EVENT_NAMES,
    FINDING_NAMES,
    HAND_OVER_NAMES,
    ROLE_NAMES,
    STAT_COLUMNS,
    STATE_NAMES,
    audit_action_name,
    rule_name,
)
from intake.platform import context, i18n


def bureau_name(code: str) -> str:
    """A bureau's name, or its code when the taxonomy no longer lists it."""
    try:
        return context.taxonomy().bureau(code).name(i18n.current())
    except KeyError:
        return code


def category_name(code: str) -> str:
    """A category's name, or its code."""
    category = context.taxonomy().category(code)
    return category.name(i18n.current()) if category else code


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
        "Role": Role,
        "category_name": category_name,
        "bureau_name": bureau_name,
        "rule_name": lambda rule: rule_name(rule, category_name),
        "audit_action_name": audit_action_name,
        "taxonomy_categories": lambda: context.taxonomy().categories,
    }

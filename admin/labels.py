"""Names the console shows for codes, in the request's language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from intake.platform import context, i18n

CHANNEL_NAMES = {
    "web": _l("Web form (网)"),
    "hotline": _l("Hotline (电)"),
    "letter": _l("Letter (信)"),
    "visit": _l("Visit (访)"),
    "email": _l("E-mail"),
    "referred": _l("Handed down (上级交办)"),
}
FINDING_NAMES = {
    "substantiated": _l("Substantiated (属实)"),
    "partly_substantiated": _l("Partly substantiated (部分属实)"),
    "not_substantiated": _l("Not substantiated (不属实)"),
}
HAND_OVER_NAMES = {
    "police": _l("Public security (公安机关)"),
    "discipline": _l("Discipline commission (纪委监委)"),
}
ROLE_NAMES = {
    "intake": _l("Intake desk (综合受理)"),
    "handler": _l("Bureau handler"),
    "supervisor": _l("Supervisor"),
    "admin": _l("System administrator"),
}
STAT_COLUMNS = {
    "received": _l("Received"),
    "accepted": _l("Accepted (受理)"),
    "not_accepted": _l("Not accepted (不予受理)"),
    "transferred_in": _l("Transferred in"),
    "transferred_out": _l("Transferred out"),
    "handed_over_police": _l("Handed over to public security"),
    "handed_over_discipline": _l("Handed over to the discipline commission"),
    "concluded": _l("Concluded (办结)"),
    "substantiated": _l("Substantiated (属实)"),
    "partly_substantiated": _l("Partly substantiated (部分属实)"),
    "not_substantiated": _l("Not substantiated (不属实)"),
    "overdue": _l("Overdue"),
    "open_at_end": _l("Open at the end"),
    "median_days": _l("Median days to conclusion"),
}
EVENT_NAMES = {
    "received": _l("received"),
    "accepted": _l("accepted"),
    "not_accepted": _l("not accepted"),
    "assigned": _l("handler assigned"),
    "shared": _l("co-bureau given access"),
    "transferred": _l("transferred"),
    "handed_over": _l("handed over"),
    "concluded": _l("concluded"),
    "reopened": _l("reopened for review"),
    "extended": _l("deadline extended"),
    "marked_major": _l("marked as a major lead"),
    "unmarked_major": _l("no longer a major lead"),
    "message_sent": _l("message sent to the reporter"),
    "reporter_message": _l("message from the reporter"),
    "reward_claimed": _l("reward claimed"),
    "reward_decided": _l("reward recorded"),
    "due_soon": _l("deadline near"),
    "overdue": _l("deadline passed"),
    "supervised": _l("supervision note (督办)"),
    "destroyed": _l("destroyed under the retention rules"),
}


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
        "category_name": category_name,
        "bureau_name": bureau_name,
        "taxonomy_categories": lambda: context.taxonomy().categories,
    }

"""Deadline profiles: the time limits of each kind of case (docs/rules.md §4 and §8).

A 信访事项 counts the 《信访工作条例》's calendar days; a 检举控告 about an official and an
insurance-fund report count working days under their own rules. The taxonomy lists the
profiles and which reports they apply to (by category, by channel, or because a public
official is named); a report that none claims takes the installation's default, whose limits
and mode are the settings (QINGFENG_DECISION_DAYS, _CONCLUSION_DAYS, _EXTENSION_DAYS,
_DEADLINE_DAYS).

The profile is chosen once, when the report is received, and stored on it: a later edit of
the taxonomy changes the limits of later reports only, as a routing change does. Every
deadline a page shows names its profile's rule (`basis`). A deadline set from outside the
profile (a 交办 order's own date) goes through `deadlines.override`, which keeps its source.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from intake.config import Settings
from intake.domain.cases.deadlines import Clock, calendar_for
from intake.domain.cases.taxonomy import DeadlineProfile, Taxonomy, load_taxonomy
from intake.domain.models import Report
from intake.domain.wording import Wording, _l

#: The code of the installation's own profile, which the taxonomy cannot redefine.
DEFAULT = "default"

Step = Literal["decision", "conclusion", "extension"]


def default_profile(settings: Settings) -> DeadlineProfile:
    """The profile of a report that no taxonomy profile claims: the settings' limits."""
    return DeadlineProfile(
        code=DEFAULT,
        name_zh="默认时限",
        name_en="Default limits",
        # The shipped defaults are the 条例's 15/60/+30; a deployment that changes them
        # still cites the 条例 as the rule it adapts.
        rule_zh="《信访工作条例》",
        rule_en="Regulations on letters and visits",
        mode=settings.deadline_mode,
        decision_days=settings.decision_days,
        conclusion_days=settings.conclusion_days,
        extension_days=settings.extension_days,
    )


def choose(taxonomy: Taxonomy, category: str | None, channel: str, official_involved: bool) -> str:
    """The code of the profile for a new report: an official named first (the 纪检 rule
    governs it whatever its category, as outcomes.governing_rule decides), then its
    category, then its channel; else the default."""
    if official_involved:
        for profile in taxonomy.profiles:
            if profile.officials:
                return profile.code
    for profile in taxonomy.profiles:
        if category in profile.categories:
            return profile.code
    for profile in taxonomy.profiles:
        if channel in profile.channels:
            return profile.code
    return DEFAULT


def profile(code: str | None, taxonomy: Taxonomy, settings: Settings) -> DeadlineProfile:
    """The profile with `code`; the default for a case stored before profiles existed or
    whose profile a later taxonomy no longer lists."""
    found = next((p for p in taxonomy.profiles if p.code == code), None)
    return found or default_profile(settings)


def of(report: Report, settings: Settings, taxonomy: Taxonomy | None = None) -> DeadlineProfile:
    """The profile stored on `report`, from `taxonomy` or else the settings' taxonomy file
    (casework, which is not handed the taxonomy, counts its limits from the same file)."""
    return profile(report.deadline_profile, taxonomy or _taxonomy(settings.taxonomy_path), settings)


@functools.cache
def _taxonomy(path: Path | None) -> Taxonomy:
    return load_taxonomy(path)


def clock(chosen: DeadlineProfile, settings: Settings) -> Clock:
    """A clock counting in the profile's mode over the installation's working-day calendar."""
    return Clock(chosen.mode, calendar_for(settings))


def decision_due(chosen: DeadlineProfile, settings: Settings, received: dt.date) -> dt.date:
    """The last day to decide (受理, 立案 or not) on a report received on `received`."""
    return clock(chosen, settings).due(received, chosen.decision_days)


def conclusion_due(report: Report, settings: Settings, start: dt.date) -> dt.date:
    """The last day to conclude `report` when accepted (or reopened) on `start`."""
    chosen = of(report, settings)
    return clock(chosen, settings).due(start, chosen.conclusion_days)


def extended_due(report: Report, settings: Settings) -> dt.date:
    """The conclusion deadline of `report` moved by its profile's extension."""
    if report.conclusion_due is None:
        raise ValueError("no conclusion deadline runs yet")
    chosen = of(report, settings)
    return clock(chosen, settings).due(report.conclusion_due, chosen.extension_days)


def days(chosen: DeadlineProfile, step: Step) -> int:
    """The number of days the profile allows for `step`."""
    return {
        "decision": chosen.decision_days,
        "conclusion": chosen.conclusion_days,
        "extension": chosen.extension_days,
    }[step]


def basis(
    report: Report,
    step: Step,
    taxonomy: Taxonomy,
    settings: Settings,
    locale: str,
    extended: bool | None = None,
) -> Wording:
    """What a deadline rests on, as a page shows it next to the date: the rule and its
    count ("依据：《信访工作条例》，60日"), or the source of a date set from outside.
    `extended` overrides whether the case's extension counts (a document issued before it)."""
    if step == "conclusion" and report.conclusion_basis:
        return _l("Basis: %(rule)s", rule=report.conclusion_basis)
    chosen = of(report, settings, taxonomy)
    working = chosen.mode == "working"
    count_text: Wording
    if step == "conclusion" and (report.extended if extended is None else extended):
        more = chosen.extension_days
        count_text = (
            _l("%(days)d + %(more)d working days", days=chosen.conclusion_days, more=more)
            if working
            else _l("%(days)d + %(more)d days", days=chosen.conclusion_days, more=more)
        )
    else:
        count = days(chosen, step)
        count_text = (
            _l("%(days)d working days", days=count) if working else _l("%(days)d days", days=count)
        )
    return _l("Basis: %(rule)s, %(count)s", rule=chosen.rule(locale), count=count_text)


@dataclass(frozen=True)
class Shown:
    """A case's deadline profile as a page shows it: its name and the basis of each date."""

    name: str
    decision: Wording
    conclusion: Wording


def shown(report: Report, taxonomy: Taxonomy, settings: Settings, locale: str) -> Shown:
    """The profile of `report` and the basis of its deadlines, in `locale`."""
    return Shown(
        name=of(report, settings, taxonomy).name(locale),
        decision=basis(report, "decision", taxonomy, settings, locale),
        conclusion=basis(report, "conclusion", taxonomy, settings, locale),
    )


def current_basis(report: Report, taxonomy: Taxonomy, settings: Settings, locale: str) -> Wording:
    """The basis of the deadline a case is working towards (deciding, then concluding)."""
    step: Step = "decision" if report.accepted_on is None else "conclusion"
    return basis(report, step, taxonomy, settings, locale)

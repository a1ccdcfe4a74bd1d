"""The taxonomy: bureaus, categories and escalation rules, loaded from TOML and validated.

A malformed file stops start-up with a TaxonomyError that names the file and the line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).with_name("taxonomy.toml")
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class TaxonomyError(Exception):
    """The taxonomy file is malformed; the message names the file and line."""


def _is_english(locale: str) -> bool:
    return locale.lower().startswith("en")


@dataclass(frozen=True)
class Bureau:
    """A bureau that can hold cases (or the intake desk)."""

    code: str
    name_zh: str
    name_en: str
    intake_desk: bool = False
    # Other names a report may use for the bureau (卫健局, 卫健委…): a report naming the
    # bureau that would lead it goes elsewhere (回避, docs/rules.md §2).
    aliases: tuple[str, ...] = ()
    # What its document numbers (文号) start with, e.g. 县医保 in 县医保〔2026〕第3号
    # (docs/rules.md §10); the full name when the taxonomy gives none.
    short: str = ""

    def name(self, locale: str) -> str:
        """The bureau's name in `locale`."""
        return self.name_en if _is_english(locale) else self.name_zh

    def named_in(self, text: str) -> bool:
        """Whether `text` names this bureau, by its Chinese name or an alias."""
        return any(name and name in text for name in (self.name_zh, *self.aliases))


@dataclass(frozen=True)
class HandOverTarget:
    """An organ a case may be handed over to (移送), and the bureau that stands for it here
    when it is installed (it then receives a copy of the key)."""

    code: str
    name_zh: str
    name_en: str
    bureau: str | None = None

    def name(self, locale: str) -> str:
        """The organ's name in `locale`."""
        return self.name_en if _is_english(locale) else self.name_zh


@dataclass(frozen=True)
class Category:
    """A category of report and where it is routed."""

    code: str
    name_zh: str
    name_en: str
    lead: str
    co: tuple[str, ...]
    examples_zh: tuple[str, ...]
    examples_en: tuple[str, ...]
    reward_eligible: bool = False

    def name(self, locale: str) -> str:
        """The category's name in `locale`."""
        return self.name_en if _is_english(locale) else self.name_zh

    def examples(self, locale: str) -> tuple[str, ...]:
        """Short examples in `locale`."""
        return self.examples_en if _is_english(locale) else self.examples_zh


@dataclass(frozen=True)
class DeadlineProfile:
    """The time limits of one kind of case (docs/rules.md §4, §8): the rule that sets them,
    whether they count calendar or working days, and which reports they apply to."""

    code: str
    name_zh: str
    name_en: str
    rule_zh: str
    rule_en: str
    mode: str
    decision_days: int
    conclusion_days: int
    extension_days: int
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    # Reports naming a public official fall under the 纪检 rule whatever their category.
    officials: bool = False

    def name(self, locale: str) -> str:
        """The profile's name in `locale`."""
        return self.name_en if _is_english(locale) else self.name_zh

    def rule(self, locale: str) -> str:
        """The rule's name in `locale`."""
        return self.rule_en if _is_english(locale) else self.rule_zh


@dataclass(frozen=True)
class Taxonomy:
    """The whole taxonomy; its version is recorded with every routing decision."""

    version: str
    bureaus: tuple[Bureau, ...]
    categories: tuple[Category, ...]
    official_involved_adds: str
    police: str
    discipline: str
    hand_over: tuple[HandOverTarget, ...] = ()
    profiles: tuple[DeadlineProfile, ...] = ()

    def bureau(self, code: str) -> Bureau:
        """The bureau with `code`; KeyError if there is none."""
        for bureau in self.bureaus:
            if bureau.code == code:
                return bureau
        raise KeyError(code)

    def category(self, code: str | None) -> Category | None:
        """The category with `code`, or None."""
        return next((c for c in self.categories if c.code == code), None)

    def hand_over_target(self, code: str) -> HandOverTarget | None:
        """The hand-over target with `code`, or None."""
        return next((t for t in self.hand_over if t.code == code), None)

    @property
    def intake_desk(self) -> Bureau:
        """The bureau that triages unclassified reports."""
        return next(b for b in self.bureaus if b.intake_desk)

    @property
    def category_codes(self) -> tuple[str, ...]:
        """Codes of every category, in order."""
        return tuple(c.code for c in self.categories)


class _Source:
    """The raw text, to find the line of a value that tomllib does not locate."""

    def __init__(self, path: Path, text: str) -> None:
        self.name = path.name
        self.lines = text.splitlines()

    def line_of(self, *needles: str, after: int = 0) -> int:
        """The first line (1-based) at or after `after` containing every needle."""
        for number, line in enumerate(self.lines[after:], start=after + 1):
            if all(n in line for n in needles):
                return number
        return after or 1

    def key_line(self, key: str, after: int = 0) -> int:
        """The first line at or after `after` that assigns `key` (`key = ...`)."""
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number, line in enumerate(self.lines[after:], start=after + 1):
            if pattern.match(line):
                return number
        return after or 1

    def entry_line(self, table: str, code: object) -> int:
        """The line where `code = "..."` appears in an entry of `table`."""
        start = 0
        while True:
            header = self.line_of(f"[[{table}]]", after=start)
            if header <= start or header > len(self.lines):
                return self.line_of(f'"{code}"')
            found = self.line_of(f'"{code}"', "code", after=header)
            if found > header and "[[" not in "".join(self.lines[header : found - 1]):
                return found
            start = header

    def error(self, line: int, message: str) -> TaxonomyError:
        return TaxonomyError(f"{self.name}, line {line}: {message}")


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Load and validate a taxonomy file (the shipped one by default)."""
    path = path or DEFAULT_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{path.name}: cannot be read ({exc})") from exc
    source = _Source(path, text)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise source.error(int(match.group(1)) if match else 1, str(exc)) from exc
    return _build(raw, source)


def _build(raw: dict[str, Any], source: _Source) -> Taxonomy:
    version = raw.get("version")
    if not isinstance(version, str) or not version:
        raise source.error(source.key_line("version"), "'version' must be a non-empty string")
    bureaus = tuple(_bureau(entry, source) for entry in _entries(raw, "bureaus", source))
    codes = [b.code for b in bureaus]
    for code in codes:
        if codes.count(code) > 1:
            line = source.line_of(f'"{code}"', after=source.entry_line("bureaus", code))
            raise source.error(line, f"bureau code '{code}' appears twice")
    desks = [b for b in bureaus if b.intake_desk]
    if len(desks) != 1:
        line = (
            source.key_line("intake_desk", after=source.entry_line("bureaus", desks[1].code))
            if len(desks) > 1
            else source.line_of("[[bureaus]]")
        )
        raise source.error(
            line, f"exactly one bureau must have intake_desk = true, found {len(desks)}"
        )

    categories = tuple(
        _category(entry, source, set(codes)) for entry in _entries(raw, "categories", source)
    )
    category_codes = [c.code for c in categories]
    for code in category_codes:
        if category_codes.count(code) > 1:
            lines = [
                i
                for i, line in enumerate(source.lines, 1)
                if f'"{code}"' in line and "code" in line
            ]
            raise source.error(lines[-1] if lines else 1, f"category code '{code}' appears twice")
    if "other" not in category_codes:
        raise source.error(
            source.line_of("[[categories]]"), "a category with code 'other' is required"
        )

    escalation = raw.get("escalation")
    if not isinstance(escalation, dict):
        raise source.error(1, "an [escalation] table is required")
    targets = {}
    for key in ("official_involved_adds", "police", "discipline"):
        value = escalation.get(key)
        if value not in codes:
            raise source.error(
                source.key_line(key), f"escalation '{key}' names unknown bureau '{value}'"
            )
        targets[key] = value
    hand_over = tuple(
        _target(entry, source, set(codes)) for entry in raw.get("hand_over", []) or []
    )
    profiles = tuple(
        _profile(entry, source, set(category_codes)) for entry in raw.get("profiles", []) or []
    )
    return Taxonomy(
        version=version,
        bureaus=bureaus,
        categories=categories,
        hand_over=hand_over,
        profiles=profiles,
        **targets,
    )


#: Channels a profile may name (those of intake/domain/cases/reports.py).
PROFILE_CHANNELS = frozenset({
    "web", "hotline", "letter", "visit", "email", "referred",
    "reported_up", "dept_referral", "inspection", "check_finding", "online_opinion",
})  # fmt: skip
_PROFILE_DAYS = ("decision_days", "conclusion_days", "extension_days")


def _profile(entry: Any, source: _Source, categories: set[str]) -> DeadlineProfile:
    if not isinstance(entry, dict):
        raise source.error(source.line_of("[[profiles]]"), "[[profiles]] must be a table")
    code = _code(entry, "profiles", source)
    line = source.entry_line("profiles", code)
    if code == "default":
        raise source.error(line, "'default' is the installation's own profile (its settings)")
    mode = entry.get("days")
    if mode not in ("calendar", "working"):
        raise source.error(
            source.key_line("days", after=line - 1), '\'days\' must be "calendar" or "working"'
        )
    days = {}
    for key in _PROFILE_DAYS:
        value = entry.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 365:
            raise source.error(
                source.key_line(key, after=line - 1), f"'{key}' must be a number from 1 to 365"
            )
        days[key] = value
    named = _strings(entry, "categories", "profiles", source)
    for category in named:
        if category not in categories:
            raise source.error(
                source.key_line("categories", after=line - 1),
                f"profile '{code}' names unknown category '{category}'",
            )
    channels = _strings(entry, "channels", "profiles", source)
    for channel in channels:
        if channel not in PROFILE_CHANNELS:
            raise source.error(
                source.key_line("channels", after=line - 1),
                f"profile '{code}' names unknown channel '{channel}'",
            )
    officials = entry.get("officials", False)
    if not isinstance(officials, bool):
        raise source.error(
            source.key_line("officials", after=line - 1), "'officials' must be true or false"
        )
    return DeadlineProfile(
        code=code,
        name_zh=_string(entry, "name_zh", "profiles", source),
        name_en=_string(entry, "name_en", "profiles", source),
        rule_zh=_string(entry, "rule_zh", "profiles", source),
        rule_en=_string(entry, "rule_en", "profiles", source),
        mode=mode,
        categories=named,
        channels=channels,
        officials=officials,
        **days,
    )


def _target(entry: Any, source: _Source, bureaus: set[str]) -> HandOverTarget:
    if not isinstance(entry, dict):
        raise source.error(source.line_of("[[hand_over]]"), "[[hand_over]] must be a table")
    code = _code(entry, "hand_over", source)
    bureau = entry.get("bureau")
    if bureau is not None and bureau not in bureaus:
        line = source.key_line("bureau", after=source.entry_line("hand_over", code) - 1)
        raise source.error(line, f"hand-over target '{code}' names unknown bureau '{bureau}'")
    return HandOverTarget(
        code=code,
        name_zh=_string(entry, "name_zh", "hand_over", source),
        name_en=_string(entry, "name_en", "hand_over", source),
        bureau=bureau,
    )


def _entries(raw: dict[str, Any], table: str, source: _Source) -> list[dict[str, Any]]:
    entries = raw.get(table)
    if (
        not isinstance(entries, list)
        or not entries
        or not all(isinstance(e, dict) for e in entries)
    ):
        raise source.error(1, f"at least one [[{table}]] entry is required")
    return entries


def _string(entry: dict[str, Any], key: str, table: str, source: _Source) -> str:
    value = entry.get(key)
    line = source.entry_line(table, entry.get("code"))
    if value is None:
        raise source.error(line, f"{table} entry '{entry.get('code')}' lacks '{key}'")
    if not isinstance(value, str) or not value:
        raise source.error(
            source.key_line(key, after=line - 1), f"'{key}' must be a non-empty string"
        )
    return value


def _strings(entry: dict[str, Any], key: str, table: str, source: _Source) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        line = source.key_line(key, after=source.entry_line(table, entry.get("code")) - 1)
        raise source.error(line, f"'{key}' must be a list of strings")
    return tuple(value)


def _code(entry: dict[str, Any], table: str, source: _Source) -> str:
    code = entry.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        line = source.entry_line(table, code) if isinstance(code, str) else source.line_of("code")
        raise source.error(line, f"{table} code {code!r} must match {_CODE.pattern}")
    return code


def _bureau(entry: dict[str, Any], source: _Source) -> Bureau:
    code = _code(entry, "bureaus", source)
    desk = entry.get("intake_desk", False)
    if not isinstance(desk, bool):
        raise source.error(
            source.entry_line("bureaus", code), "'intake_desk' must be true or false"
        )
    return Bureau(
        code=code,
        name_zh=_string(entry, "name_zh", "bureaus", source),
        name_en=_string(entry, "name_en", "bureaus", source),
        intake_desk=desk,
        aliases=_strings(entry, "aliases", "bureaus", source),
        short=_string(entry, "short", "bureaus", source) if "short" in entry else "",
    )


def _category(entry: dict[str, Any], source: _Source, bureaus: set[str]) -> Category:
    code = _code(entry, "categories", source)
    line = source.entry_line("categories", code)
    lead = _string(entry, "lead", "categories", source)
    if lead not in bureaus:
        raise source.error(
            source.key_line("lead", after=line - 1),
            f"category '{code}' names unknown bureau '{lead}'",
        )
    co = _strings(entry, "co", "categories", source)
    for other in co:
        if other not in bureaus:
            raise source.error(
                source.line_of(f'"{other}"', after=source.key_line("co", after=line - 1) - 1),
                f"category '{code}' names unknown co-bureau '{other}'",
            )
    if lead in co:
        raise source.error(
            source.key_line("co", after=line - 1), f"category '{code}' lists its lead among co"
        )
    reward = entry.get("reward_eligible", False)
    if not isinstance(reward, bool):
        raise source.error(
            source.key_line("reward_eligible", after=line - 1),
            "'reward_eligible' must be true or false",
        )
    return Category(
        code=code,
        name_zh=_string(entry, "name_zh", "categories", source),
        name_en=_string(entry, "name_en", "categories", source),
        lead=lead,
        co=co,
        examples_zh=_strings(entry, "examples_zh", "categories", source),
        examples_en=_strings(entry, "examples_en", "categories", source),
        reward_eligible=reward,
    )

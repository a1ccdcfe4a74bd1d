"""Routing: the category decides the lead bureau and co-bureaus (docs/rules.md §2)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from intake.domain.cases.taxonomy import Taxonomy


@dataclass(frozen=True)
class RoutingDecision:
    """Where a report went and why; stored with the report as JSON."""

    lead: str
    co: tuple[str, ...]
    rule: str
    taxonomy_version: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-storable form."""
        return {
            "lead": self.lead,
            "co": list(self.co),
            "rule": self.rule,
            "taxonomy_version": self.taxonomy_version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoutingDecision:
        """Read what `to_dict` made."""
        return cls(data["lead"], tuple(data["co"]), data["rule"], data["taxonomy_version"])

    def lead_not_ready(self) -> RoutingDecision:
        """The same decision, marked: its lead bureau had no key yet, so the intake desk holds
        the report until it can transfer it there."""
        return dataclasses.replace(self, rule=self.rule + LEAD_NOT_READY)

    @property
    def recused(self) -> str | None:
        """The bureau the report named, which therefore does not lead it (回避)."""
        for part in self.rule.split("+"):
            if part.startswith(RECUSAL):
                return part.removeprefix(RECUSAL)
        return None

    @property
    def held_by_the_desk(self) -> bool:
        """Whether the report went to the intake desk because its bureau was not ready."""
        return self.rule.endswith(LEAD_NOT_READY)


#: Rule suffix of a report the intake desk holds because its lead bureau had no key yet.
LEAD_NOT_READY = "+lead_not_ready"
#: Rule part of a report that named the bureau that would have led it: "recusal:<code>".
RECUSAL = "recusal:"


def route(
    taxonomy: Taxonomy, category_code: str | None, official_involved: bool, named: str = ""
) -> RoutingDecision:
    """Route a report; unknown or missing categories go to the intake desk.

    `named` is what the reporter wrote about whom the report is about (the institution and
    the people, read before sealing and never stored in clear). A report that names the bureau
    that would lead it goes to the intake desk, flagged for 回避 (docs/rules.md §2): never to
    that bureau, which is kept off the co-bureaus too.
    """
    category = taxonomy.category(category_code)
    co: tuple[str, ...]
    if category is None:
        lead, co, rule = taxonomy.intake_desk.code, (), "unclassified"
    else:
        lead, co, rule = category.lead, category.co, f"category:{category.code}"
    if official_involved:
        # "涉及……公职人员腐败及作风问题线索……及时移送纪检监察机关" (seed 000).
        added = taxonomy.official_involved_adds
        if added != lead and added not in co:
            co = (*co, added)
        rule += "+official_involved"
    desk = taxonomy.intake_desk.code
    if lead != desk and taxonomy.bureau(lead).named_in(named):
        rule += f"+{RECUSAL}{lead}"
        co = tuple(c for c in co if c != lead)
        lead = desk
    return RoutingDecision(lead=lead, co=tuple(co), rule=rule, taxonomy_version=taxonomy.version)

"""The reward process (举报奖励, docs/rules.md §5): proposal, approval, notice, payment, lapse.

One member proposes a sum from the basis (案值, or the fines) and the grade table of the scheme
that covers the case's category (rewards.toml), kept within the scheme's bounds; another member
approves it, and approval is the notice the reporter reads on /status. From that day the
reporter has two calendar months to collect it showing their own ID; the bureau records the
document checked (sealed with the case key) and how it paid. `qingfeng tick` records the lapse
of a reward not collected by its last day. An excluded reporter (医保 staff, own conduct) gets
no sum: the exclusion is recorded instead. Among linked repeats only the first case carries a
reward. Amounts are integers of fen.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import aead
from crypto.errors import DecryptionError
from intake.domain.cases.casework import Actor, CaseworkError, staff_step
from intake.domain.cases.lifecycle import State
from intake.domain.cases.reports import ReportUnreadable, field_aad
from intake.domain.codes import TRUE_FINDINGS
from intake.domain.keys import epochs
from intake.domain.models import Event, Report
from intake.domain.wording import _l

DEFAULT_PATH = Path(__file__).with_name("rewards.toml")
#: Months the reporter has to collect a reward, from the notice (docs/rules.md §5).
CLAIM_MONTHS = 2
#: Why a reporter gets no reward (docs/rules.md §5).
EXCLUSIONS = ("insurance_staff", "own_conduct")
#: The ID documents a bureau checks at payment, and how it pays.
ID_TYPES = ("resident_id", "passport", "hk_macao_permit", "taiwan_permit", "other")
PAID_BY = ("bank_transfer", "cash", "other")
_LAST_FOUR = re.compile(r"[0-9A-Za-z]{4}")
_AAD = "reward_id_check"


@dataclass(frozen=True)
class Grade:
    """One line of a grade table: the percentage of the basis and the least sum, in fen."""

    grade: int
    percent: Decimal
    floor: int


@dataclass(frozen=True)
class Scheme:
    """A reward scheme: the categories it covers, its basis, grades and bounds (fen)."""

    code: str
    name_zh: str
    name_en: str
    basis: str
    minimum: int
    maximum: int
    categories: tuple[str, ...]
    grades: tuple[Grade, ...]

    def grade(self, number: int) -> Grade | None:
        """The grade numbered `number`, if the table has it."""
        return next((g for g in self.grades if g.grade == number), None)

    def amount(self, basis: int, number: int) -> int:
        """The sum for `basis` fen at grade `number`: the percentage, the floor, the bounds."""
        grade = self.grade(number)
        if grade is None:
            raise CaseworkError(_l("That grade is not in the table."))
        share = (Decimal(basis) * grade.percent / 100).quantize(Decimal(1), ROUND_HALF_UP)
        return min(max(int(share), grade.floor, self.minimum), self.maximum)


def _yuan(entry: dict[str, object], key: str) -> int:
    value = entry.get(key)
    if not isinstance(value, int) or value < 0:
        raise ValueError(f"rewards: '{key}' must be a whole number of yuan, not {value!r}")
    return value * 100


def parse(text: str) -> tuple[Scheme, ...]:
    """The schemes of a rewards.toml; ValueError names what is wrong."""
    schemes = []
    covered: set[str] = set()
    for entry in tomllib.loads(text).get("schemes", []):
        grades = tuple(
            Grade(int(g["grade"]), Decimal(str(g["percent"])), _yuan(g, "floor_yuan"))
            for g in entry.get("grades", [])
        )
        if not grades or any(not 0 < g.percent <= 100 for g in grades):
            raise ValueError(f"rewards: scheme {entry.get('code')!r} needs grades of 0–100 %")
        if entry.get("basis") not in ("case_value", "fines"):
            raise ValueError("rewards: 'basis' must be case_value or fines")
        categories = tuple(entry.get("categories", []))
        if covered & set(categories):
            raise ValueError(f"rewards: a category is in two schemes: {covered & set(categories)}")
        covered |= set(categories)
        schemes.append(
            Scheme(
                str(entry["code"]),
                str(entry.get("name_zh", "")),
                str(entry.get("name_en", "")),
                str(entry["basis"]),
                _yuan(entry, "min_yuan"),
                _yuan(entry, "max_yuan"),
                categories,
                grades,
            )
        )
    return tuple(schemes)


def load(path: Path | None, categories: Collection[str]) -> tuple[Scheme, ...]:
    """The schemes of `path` (rewards.toml when None), each category one the taxonomy has."""
    table = parse((path or DEFAULT_PATH).read_text(encoding="utf-8"))
    unknown = {c for s in table for c in s.categories} - set(categories)
    if unknown:
        raise ValueError(f"rewards: categories not in the taxonomy: {sorted(unknown)}")
    return table


def scheme_for(category: str, table: Collection[Scheme]) -> Scheme | None:
    """The scheme of `table` that covers `category`, if any."""
    return next((s for s in table if category in s.categories), None)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, or that month's last day (12-31 → 02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_claim_day(notice: dt.date) -> dt.date:
    """The last day a reward noticed on `notice` may be collected."""
    return add_months(notice, CLAIM_MONTHS)


def first_case(report: Report, db: Session) -> Report:
    """The first case of a chain of repeats (the report itself when it repeats nothing)."""
    seen = {report.id}
    while report.repeat_of_id is not None and report.repeat_of_id not in seen:
        earlier = db.get(Report, report.repeat_of_id)
        if earlier is None:
            break
        seen.add(earlier.id)
        report = earlier
    return report


def propose(
    report: Report,
    db: Session,
    actor: Actor,
    table: Collection[Scheme],
    basis: int,
    grade: int,
    excluded: str | None = None,
) -> None:
    """Propose the reward (or record why there is none); replaces an unapproved proposal."""
    scheme = scheme_for(report.category, table)
    if scheme is None or report.state != State.CONCLUDED or report.finding not in TRUE_FINDINGS:
        raise CaseworkError(_l("This case carries no reward."))
    first = first_case(report, db)
    if first is not report:
        raise CaseworkError(
            _l(
                "This report repeats case %(reference)s: the first reporter is rewarded, on "
                "that case.",
                reference=first.reference,
            )
        )
    if report.reward_approved_on is not None:
        raise CaseworkError(_l("The reward was already approved."))
    report.reward_scheme = scheme.code
    report.reward_proposed_on = actor.today
    report.reward_proposed_by = actor.staff.id
    if excluded is not None:
        if excluded not in EXCLUSIONS:
            raise CaseworkError(_l("Please choose a reason from the list."))
        report.reward_excluded = excluded
        report.reward_grade = report.reward_basis = report.reward_amount = None
        staff_step(report, actor, "reward_excluded", value=excluded)
        return
    if basis <= 0:
        raise CaseworkError(_l("Please fill this in."))
    report.reward_amount = scheme.amount(basis, grade)
    report.reward_excluded = None
    report.reward_grade, report.reward_basis = grade, basis
    staff_step(report, actor, "reward_proposed", value=scheme.code, amount=report.reward_amount)


def approve(report: Report, actor: Actor) -> None:
    """A second member approves the proposal; the reporter is told on /status from today."""
    if report.reward_proposed_on is None or report.reward_amount is None:
        raise CaseworkError(_l("No reward has been proposed."))
    if report.reward_approved_on is not None:
        raise CaseworkError(_l("The reward was already approved."))
    if report.reward_proposed_by == actor.staff.id:
        raise CaseworkError(_l("Another member must approve the reward you proposed."))
    report.reward_approved_on = actor.today
    report.reward_approved_by = actor.staff.id
    report.reward_claim_until = last_claim_day(actor.today)
    staff_step(report, actor, "reward_approved", amount=report.reward_amount)


@dataclass(frozen=True)
class IdCheck:
    """The ID document shown at payment: its type and last four characters (sealed)."""

    kind: str
    last_four: str


def pay(
    report: Report,
    data_key: bytes,
    actor: Actor,
    check: IdCheck,
    paid_by: str,
    paid_on: dt.date,
) -> None:
    """Record the payment: the ID checked (sealed) and how it was paid, within the window."""
    if report.reward_approved_on is None or report.reward_claim_until is None:
        raise CaseworkError(_l("The reward has not been approved."))
    if report.reward_paid_on is not None or report.reward_lapsed_on is not None:
        raise CaseworkError(_l("The reward was already paid or has lapsed."))
    if check.kind not in ID_TYPES or paid_by not in PAID_BY:
        raise CaseworkError(_l("Please choose a reason from the list."))
    if not _LAST_FOUR.fullmatch(check.last_four):
        raise CaseworkError(_l("Give the last four characters of the document."))
    if paid_on > actor.today:
        raise CaseworkError(_l("The payment date cannot be in the future."))
    if not report.reward_approved_on <= paid_on <= report.reward_claim_until:
        raise CaseworkError(
            _l(
                "The reward could be collected from %(start)s to %(end)s only.",
                start=report.reward_approved_on.isoformat(),
                end=report.reward_claim_until.isoformat(),
            )
        )
    plain = json.dumps({"kind": check.kind, "last_four": check.last_four.upper()}).encode()
    report.reward_id_check = aead.seal(data_key, plain, field_aad(report.id, _AAD))
    report.reward_paid_by = paid_by
    report.reward_paid_on = paid_on
    staff_step(report, actor, "reward_paid", value=paid_by, amount=report.reward_amount)


def id_check(report: Report, data_key: bytes) -> IdCheck | None:
    """The ID document recorded at payment, as the bureau reads it."""
    if report.reward_id_check is None:
        return None
    try:
        plain = epochs.open_any(
            report, data_key, report.reward_id_check, field_aad(report.id, _AAD)
        )
    except DecryptionError as exc:
        raise ReportUnreadable(report.reference) from exc
    raw = json.loads(plain)
    return IdCheck(raw["kind"], raw["last_four"])


def days_left(report: Report, today: dt.date) -> int | None:
    """Days the reporter still has to collect the reward, today included; None if not open."""
    if (
        report.reward_claim_until is None
        or report.reward_paid_on is not None
        or report.reward_lapsed_on is not None
    ):
        return None
    return max((report.reward_claim_until - today).days + 1, 0)


def lapse(db: Session, today: dt.date) -> list[Report]:
    """Rewards not collected by their last day lapse today, each with an event (the tick)."""
    lapsed = list(
        db.scalars(
            select(Report).where(
                Report.reward_claim_until < today,
                Report.reward_paid_on.is_(None),
                Report.reward_lapsed_on.is_(None),
            )
        )
    )
    for report in lapsed:
        report.reward_lapsed_on = today
        report.events.append(
            Event(
                kind="reward_lapsed",
                occurred_on=today,
                bureau=report.lead_bureau.code,
                value=report.reward_scheme,
                detail={"amount": report.reward_amount},
            )
        )
    return lapsed


@dataclass(frozen=True)
class Notice:
    """What the reporter reads on /status once the reward is approved."""

    notice: dt.date
    amount: str
    until: dt.date
    days_left: int
    paid_on: dt.date | None
    lapsed_on: dt.date | None


def notice(report: Report, today: dt.date) -> Notice | None:
    """The notice of an approved reward, with the days left to collect it."""
    if report.reward_approved_on is None or report.reward_claim_until is None:
        return None
    return Notice(
        report.reward_approved_on,
        f"{Decimal(report.reward_amount or 0) / 100:.2f}",
        report.reward_claim_until,
        days_left(report, today) or 0,
        report.reward_paid_on,
        report.reward_lapsed_on,
    )

"""What a concluded case achieved (docs/rules.md §11): the disposal the governing rule allows,
the measures taken and the 整改 items.

Measures are metadata for the statistics and are stored as dated entries: concluding records
the totals found so far, and a measure that lands later (a fine paid, a licence revoked) adds
an entry dated the day it is recorded, so a month already counted never changes. Amounts are
integers of fen (分), never floats: 1 yuan is 100. The narrative stays sealed: the outcome the
reporter reads, and the text of each 整改 item, are sealed with the report's data key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from intake.domain.models import Measure, Rectification, Report

#: The category whose reports 《医疗保障基金使用监督管理举报处理暂行办法》 governs.
INSURANCE_CATEGORIES = frozenset({"insurance_fraud", "pharmacy_card_fraud"})
#: The category that is about officials; any report naming a public official is too.
OFFICIALS_CATEGORIES = frozenset({"official_misconduct"})
#: Characters in one 整改 item.
ITEM_LIMIT = 500
#: At most this many 整改 items per case.
ITEMS_MAX = 50


class Rule(StrEnum):
    """The rule that governs a report (docs/rules.md §8)."""

    PETITION = "petition"  # 《信访工作条例》
    DISCIPLINE = "discipline"  # 《纪检监察机关处理检举控告工作规则》
    INSURANCE = "insurance"  # 国家医保局令第5号


class Disposal(StrEnum):
    """处置方式, as each rule names them."""

    TALK = "talk_inquiry"  # 谈话函询
    VERIFY = "preliminary_check"  # 初步核实
    HOLD = "held_pending"  # 暂存待查
    CLOSE = "closed"  # 予以了结
    INVESTIGATE = "investigation"  # 移送审查调查
    OPENED = "case_opened"  # 立案
    NOT_OPENED = "not_opened"  # 不予立案
    HANDLED = "handled"  # 已办理
    NOT_HANDLED = "not_handled"  # 未办理(不属职责或无法查证)


DISPOSALS: dict[Rule, tuple[Disposal, ...]] = {
    Rule.DISCIPLINE: (
        Disposal.TALK,
        Disposal.VERIFY,
        Disposal.HOLD,
        Disposal.CLOSE,
        Disposal.INVESTIGATE,
    ),
    Rule.INSURANCE: (Disposal.OPENED, Disposal.NOT_OPENED),
    Rule.PETITION: (Disposal.HANDLED, Disposal.NOT_HANDLED),
}
#: Disposals the 统计表 counts as 立案 (a case opened for investigation).
OPENING_DISPOSALS = frozenset({Disposal.OPENED, Disposal.INVESTIGATE})


class Kind(StrEnum):
    """One kind of measure; amounts are in fen, the others are counts."""

    FINES = "fines"  # 罚没金额
    FUND_RECOVERED = "fund_recovered"  # 追回医保基金金额
    KICKBACKS_RETURNED = "kickbacks_returned"  # 清退红包回扣金额
    ADMIN_PENALTIES = "admin_penalties"  # 行政处罚(件)
    AGREEMENTS = "agreements_suspended"  # 暂停或解除医保协议(家)
    LICENCES = "licences_suspended"  # 吊销或暂停执业(人)
    SANCTIONS = "party_sanctions"  # 党纪政务处分(人)
    ORGANISATIONAL = "organisational"  # 组织处理(人)
    ADMONITIONS = "admonitions"  # 诫勉(人)
    JUDICIARY_CASES = "judiciary_cases"  # 移送司法机关(件)
    JUDICIARY_PEOPLE = "judiciary_people"  # 移送司法机关(人)


AMOUNTS = (Kind.FINES, Kind.FUND_RECOVERED, Kind.KICKBACKS_RETURNED)
#: Entries the casework records by itself, for the 统计表: a case opened (立案 or 移送审查调查)
#: at conclusion, a conclusion after its deadline, 整改 items added and done.
CASES_OPENED = "cases_opened"
CONCLUDED_LATE = "concluded_late"
ITEMS_ADDED = "rectification_items"
ITEMS_DONE = "rectification_done"
DERIVED = (CASES_OPENED, CONCLUDED_LATE, ITEMS_ADDED, ITEMS_DONE)
COUNTS = tuple(k for k in Kind if k not in AMOUNTS)
#: Upper bounds, so a slip of the keyboard is caught: 1e12 fen is ten billion yuan.
AMOUNT_MAX_FEN = 10**12
COUNT_MAX = 100_000


class OutcomeError(ValueError):
    """An outcome's input is not acceptable; args[0] says why (marked for translation)."""


def governing_rule(report: Report) -> Rule:
    """The rule whose disposals apply: officials first, then the insurance fund, else 信访."""
    if report.official_involved or report.category in OFFICIALS_CATEGORIES:
        return Rule.DISCIPLINE
    if report.category in INSURANCE_CATEGORIES:
        return Rule.INSURANCE
    return Rule.PETITION


def yuan_to_fen(text: str) -> int:
    """'1234.5' yuan → 123450 fen; at most two decimals, never negative."""
    try:
        value = Decimal(text.strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise OutcomeError("amount") from None
    fen = value * 100
    if fen != fen.to_integral_value() or fen < 0:
        raise OutcomeError("amount")
    return int(fen)


def fen_to_yuan(fen: int) -> str:
    """123450 → '1234.50' (exact: integer arithmetic)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def totals(report: Report) -> dict[Kind, int]:
    """Every kind of measure recorded on the case so far, summed over its entries."""
    out = dict.fromkeys(Kind, 0)
    for entry in report.measures:
        if entry.kind in out:
            out[Kind(entry.kind)] += entry.quantity
    return out


def count(report: Report, kind: str) -> int:
    """The sum of the entries of one kind, derived ones included."""
    return sum(entry.quantity for entry in report.measures if entry.kind == kind)


def record(
    report: Report, kind: str, quantity: int, today: dt.date, staff_id: int, bureau: str
) -> None:
    """One dated entry."""
    if quantity:
        report.measures.append(
            Measure(
                kind=kind,
                quantity=quantity,
                recorded_on=today,
                bureau=bureau,
                category=report.category,
                channel=report.channel,
                staff_id=staff_id,
            )
        )


def check_disposal(report: Report, disposal: str) -> Disposal:
    """The disposal, if the rule that governs the case allows it."""
    allowed = DISPOSALS[governing_rule(report)]
    if disposal not in allowed:
        raise OutcomeError("disposal")
    return Disposal(disposal)


def set_totals(
    report: Report, wanted: Mapping[str, int], today: dt.date, staff_id: int, bureau: str
) -> dict[str, int]:
    """Record what changed between the totals so far and `wanted` as entries dated `today`;
    returns the changes (kind → difference), which the caller puts on the case's event."""
    current = totals(report)
    changes: dict[str, int] = {}
    for kind in Kind:
        value = int(wanted.get(kind, current[kind]))
        limit = AMOUNT_MAX_FEN if kind in AMOUNTS else COUNT_MAX
        if not 0 <= value <= limit:
            raise OutcomeError(kind.value)
        if value != current[kind]:
            changes[kind.value] = value - current[kind]
            record(report, kind.value, value - current[kind], today, staff_id, bureau)
    return changes


def add_items(report: Report, sealed_items: Sequence[bytes], today: dt.date) -> int:
    """Add 整改 items (already sealed by the caller); returns how many."""
    if len(report.rectifications) + len(sealed_items) > ITEMS_MAX:
        raise OutcomeError("items")
    for body in sealed_items:
        report.rectifications.append(Rectification(body=body, added_on=today))
    return len(sealed_items)


def mark_done(report: Report, item_ids: Collection[int], today: dt.date) -> int:
    """Mark the given 整改 items done today (those already done keep their date)."""
    marked = 0
    for item in report.rectifications:
        if item.id in item_ids and item.done_on is None:
            item.done_on = today
            marked += 1
    return marked

"""Turning statistics and ledgers into rows with names in the reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from admin.labels import bureau_name, category_name, hand_over_name
from admin.statistics import documents
from admin.statistics.documents import FLOW, OUTCOMES, Sheet
from admin.statistics.exports import Cell
from intake.domain.cases.lifecycle import State
from intake.domain.cases.outcomes import AMOUNTS, fen_to_yuan
from intake.domain.codes import Finding
from intake.domain.labels import (
    CHANNEL_NAMES,
    DISPOSAL_NAMES,
    FEEDBACK_WAY_NAMES,
    FINDING_NAMES,
    HAND_OVER_REPLY_NAMES,
    MEASURE_NAMES,
    STAT_COLUMNS,
    STATE_NAMES,
    TOTAL_NAME,
)
from intake.domain.oversight.ledger import LedgerLine
from intake.domain.oversight.statistics import (
    ALL,
    COLUMNS,
    HANDED_OVER,
    RATES,
    REWARD_AMOUNTS,
    REWARD_COLUMNS,
    Row,
    Table,
    columns,
    hand_over_targets,
)
from intake.platform import context, i18n

#: Names already looked up for one table (kind, code → name), in the reader's language.
Names = dict[tuple[str, str], str]


def _name(kind: str, code: str, names: Names | None = None) -> str:
    if names is None:
        return _look_up(kind, code)
    if (kind, code) not in names:
        names[(kind, code)] = _look_up(kind, code)
    return names[(kind, code)]


def _look_up(kind: str, code: str) -> str:
    if code == ALL:
        return str(TOTAL_NAME)
    if kind == "bureau":
        return bureau_name(code)
    if kind == "category":
        return category_name(code)
    return str(CHANNEL_NAMES.get(code, code))


def table_columns(table: Table) -> tuple[str, ...]:
    """The table's columns: a hand-over column for every target the taxonomy lists, and for any
    other the period's cases were handed over to."""
    configured = [t.code for t in context.taxonomy().hand_over]
    return columns([*configured, *hand_over_targets(table)])


def column_name(column: str) -> str:
    """A column's title in the reader's language."""
    from flask_babel import gettext as _

    if column.startswith(HANDED_OVER):
        return _("Handed over to %(organ)s", organ=hand_over_name(column[len(HANDED_OVER) :]))
    return str(STAT_COLUMNS[column])


def stats_header(table: Table) -> list[str]:
    """Column titles of the statistics table."""
    from flask_babel import gettext as _

    return [_("Bureau"), _("Category"), _("Channel"), *map(column_name, table_columns(table)),
            str(STAT_COLUMNS["median_days"]), *(str(STAT_COLUMNS[r]) for r in RATES)]  # fmt: skip


#: A row's first key (a bureau's code, or a unit's in a roll-up's total) → the name shown.
Label = Callable[[str], str]


def stats_row(
    row: Row,
    shown: tuple[str, ...] = COLUMNS,
    label: Label | None = None,
    names: Names | None = None,
) -> list[Cell]:
    """One statistics row as cells, with the columns `shown` (table_columns); `label` names
    the first key (default: the taxonomy's bureau name); `names`, kept by the caller across
    a table's rows, looks each name up once (a province's page has thousands of rows)."""
    median = row.median_days
    counts = row.counts
    return [
        label(row.bureau) if label and row.bureau != ALL else _name("bureau", row.bureau, names),
        _name("category", row.category, names),
        _name("channel", row.channel, names),
        # A province's page has hundreds of thousands of cells: no call per cell.
        *(round(counts.get(c, 0) / 100, 2) if c in _IN_FEN else counts.get(c, 0) for c in shown),
        None if median is None else round(median, 1),
        *(_percent(row.rate(r)) for r in RATES),
    ]


#: Amounts are kept in fen; a 统计表 shows yuan.
_IN_FEN = frozenset([*AMOUNTS, *REWARD_AMOUNTS])


def _figure(column: str, value: int) -> Cell:
    return round(value / 100, 2) if column in _IN_FEN else value


def _percent(rate: float | None) -> Cell:
    return None if rate is None else round(rate * 100, 1)


def stats_rows(table: Table) -> Iterator[list[Cell]]:
    """Detail rows, then a total per bureau, then the grand total."""
    shown = table_columns(table)
    names: Names = {}
    for row in [*table.rows, *table.bureau_totals, table.total]:
        yield stats_row(row, shown, names=names)


def ledger_header(with_content: bool) -> list[str]:
    """Column titles of the 问题线索台账 (docs/rules.md §12); the two content columns only
    in a bureau member's ledger."""
    from flask_babel import gettext as _

    return [
        _("Reference"), _("Received on"),
        *([_("Reported unit or person (被反映单位或个人)")] if with_content else []),
        _("Public official (公职人员)"),
        *([_("Summary (问题摘要)")] if with_content else []),
        _("Source (线索来源)"), _("Category"), _("Handling bureau (承办单位)"), _("State"),
        _("Disposal (处置方式)"), _("Result (办理结果)"), _("Measures (处理措施)"),
        _("Rectification done / items"), _("Handed over to (移送去向)"),
        _("Feedback (反馈情况)"), _("Concluded on (办结日期)"), _("Crossed off (销号)"),
        _("Repeats (重复件)"),
    ]  # fmt: skip


def _measures(line: LedgerLine) -> str:
    return "；".join(
        f"{MEASURE_NAMES[kind]} {fen_to_yuan(n) if kind in AMOUNTS else n}"
        for kind, n in line.measures.items()
        if n
    )


def _hand_over(line: LedgerLine) -> str | None:
    if line.handed_over_to is None:
        return None
    parts = [hand_over_name(line.handed_over_to)]
    if line.letter or line.letter_on:
        parts.append(" ".join(p for p in (line.letter, _iso(line.letter_on)) if p))
    if line.reply:
        parts.append(f"{HAND_OVER_REPLY_NAMES[line.reply]} {_iso(line.reply_on)}")
    return "；".join(parts)


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


class _Names:
    """Names looked up once per export, not once per row (a bureau's 台账 has 100,000 rows)."""

    def __init__(self) -> None:
        from flask_babel import gettext as _

        self.yes, self.no = _("Yes"), _("No")
        self.cache: dict[tuple[str, str], str] = {}

    def get(self, kind: str, code: str) -> str:
        key = (kind, code)
        if key not in self.cache:
            self.cache[key] = {
                "channel": lambda: str(CHANNEL_NAMES.get(code, code)),
                "category": lambda: category_name(code),
                "bureau": lambda: bureau_name(code),
                "state": lambda: str(STATE_NAMES[State(code)]),
                "disposal": lambda: str(DISPOSAL_NAMES[code]),
                "finding": lambda: str(FINDING_NAMES[Finding(code)]),
                "told": lambda: _told(code),
            }[kind]()
        return self.cache[key]


def _told(day: str) -> str:
    from flask_babel import gettext as _

    return _("Told on %(date)s", date=day)


def ledger_rows(lines: Iterable[LedgerLine], with_content: bool) -> Iterator[list[Cell]]:
    """The 台账's lines as cells, names in the reader's language."""
    names = _Names()
    for line in lines:
        yield ledger_row(line, with_content, names)


def ledger_row(line: LedgerLine, with_content: bool, names: _Names) -> list[Cell]:
    """One line of the 台账 as cells."""
    source = names.get("channel", line.channel)
    if line.source:
        source += f"（{line.source}）"
    content = line.content
    return [
        line.reference,
        line.received_on.isoformat(),
        *([content.named if content else None] if with_content else []),
        names.yes if line.official_involved else names.no,
        *([content.summary if content else None] if with_content else []),
        source,
        names.get("category", line.category),
        names.get("bureau", line.lead),
        names.get("state", line.state),
        names.get("disposal", line.disposal) if line.disposal else None,
        names.get("finding", line.finding) if line.finding else None,
        _measures(line) or None,
        f"{line.items_done} / {line.items}" if line.items else None,
        _hand_over(line),
        _feedback(line, names),
        _iso(line.concluded_on) or None,
        "✓" if line.crossed_off else "",
        _repeat(line),
    ]


def _feedback(line: LedgerLine, names: _Names) -> Cell:
    # 反馈情况: the day /status told the outcome and, for a real-name reporter, the day and
    # way the result was given (docs/rules.md §8).
    from flask_babel import gettext as _

    parts = [names.get("told", line.told_on.isoformat())] if line.told_on else []
    if line.fed_back:
        day, way = line.fed_back
        parts.append(
            _("Result given to the real-name reporter on %(date)s (%(way)s)",
              date=day.isoformat(), way=FEEDBACK_WAY_NAMES[way])
        )  # fmt: skip
    return "；".join(parts) or None


def _repeat(line: LedgerLine) -> Cell:
    # A first case carries its number of repeats; a repeat names the case it was joined to.
    from flask_babel import gettext as _

    if line.repeat_of:
        return _("Repeat of %(reference)s", reference=line.repeat_of)
    return line.repeats or None


def _cell(row: Row, column: str) -> Cell:
    if column in RATES:
        return _percent(row.rate(column))
    return _figure(column, row.counts.get(column, 0))


def document_sheet(
    table: Table,
    office: str,
    label: Label | None = None,
    unit: str | None = None,
    by_unit: bool = False,
) -> Sheet:
    """The period's 统计表 for the upper office: one row per bureau (named by `label`) and the
    total; `by_unit`: one row per unit below (a roll-up's total). A unit's name, if given, heads
    it as 填报单位 in place of the installation's office."""
    from flask_babel import gettext as _

    lines = [*table.bureau_totals, table.total]
    name_of = label or bureau_name
    names = [_("Total") if r.bureau == ALL else name_of(r.bureau) for r in lines]
    first = _("Unit") if by_unit else _("Bureau")

    def part(columns: tuple[str, ...]) -> tuple[list[str], list[list[Cell]]]:
        header = [first, *map(column_name, columns)]
        return header, [
            [name, *(_cell(r, c) for c in columns)] for name, r in zip(names, lines, strict=True)
        ]

    over = tuple(c for c in table_columns(table) if c.startswith(HANDED_OVER))
    flow, outcomes = part(FLOW), part((*OUTCOMES, *over))
    paid = part(REWARD_COLUMNS)
    return Sheet(
        title=_("Campaign outcome statistics (治理情况统计表)"),
        office_line=(
            _("Reporting unit (填报单位): %(unit)s", unit=unit)
            if unit
            else _("Reporting office (主办单位): %(office)s", office=office)
        ),
        period_line=_(
            "Period: %(start)s to %(end)s", start=table.start.isoformat(), end=table.end.isoformat()
        ),
        tables=[
            (_("1. Leads received and handled"), *flow),
            (_("2. Outcomes"), *outcomes),
            (_("3. Rewards (举报奖励)"), *paid),
        ],
        signature_line=_(
            "Filled in by (填报人): ________    Checked by (审核人): ________    Date: ________"
        ),
        seal=_("(Seal 盖章)"),
    )


#: The upper office's documents (docs/rules.md §13): writer and media type by format.
DOCUMENTS = {
    "docx": (
        documents.to_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "pdf": (documents.to_pdf, "application/pdf"),
}


def stats_document(
    table: Table,
    kind: str,
    label: Label | None = None,
    unit: str | None = None,
    by_unit: bool = False,
) -> bytes:
    """The period's 统计表 as the Word or PDF document (a key of DOCUMENTS) the upper office
    receives, headed with the installation's 主办单位 or a unit's name (填报单位); the console
    and `qingfeng stats` both write it."""
    office = context.settings().host_office or context.taxonomy().intake_desk.name(i18n.current())
    return DOCUMENTS[kind][0](document_sheet(table, office, label, unit, by_unit))

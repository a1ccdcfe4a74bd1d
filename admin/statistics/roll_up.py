"""A unit's 统计表 with the units below it, as the page, the spreadsheets and the documents
show it (docs/design.md, "Units"): a section per unit, its rows by bureau in the unit's own
names, then the total; every spreadsheet row says which unit reported it (填报单位)."""

from __future__ import annotations

from collections.abc import Iterator

from admin.labels import bureau_name as taxonomy_bureau_name
from admin.statistics.exports import Cell
from admin.statistics.tables import (
    Label,
    Names,
    stats_document,
    stats_header,
    stats_row,
    table_columns,
)
from intake.domain import units
from intake.domain.labels import TOTAL_NAME
from intake.domain.models import Unit
from intake.domain.oversight.statistics import Row
from intake.domain.oversight.unit_statistics import RollUp
from intake.platform import context, i18n

#: Units whose tables the page shows one after the other (a city and a few counties); above
#: that, a line per unit (page_parts). A city of ten busy counties printed 14,000 rows, a page
#: of 3.4 MB that took 0.9 s to make (bench/README.md): no office reads a month that way.
SECTIONS_SHOWN = 5


def bureau_label(unit: Unit) -> Label:
    """Bureau codes → their names in `unit` ("XX县医疗保障局"; English keeps the taxonomy's),
    each looked up once (a unit's section names a bureau on every row)."""
    names: dict[str, str] = {}

    def label(code: str) -> str:
        if code not in names:
            names[code] = look_up(code)
        return names[code]

    def look_up(code: str) -> str:
        try:
            info = context.taxonomy().bureau(code)
        except KeyError:
            return code
        if i18n.current().lower().startswith("en"):
            return info.name(i18n.current())
        return units.bureau_name(unit, info) or taxonomy_bureau_name(code)

    return label


def unit_label(report: RollUp) -> Label:
    """Unit codes (the total's rows) → the units' names."""
    names = {u.code: u.name for u, _table in report.sections}
    return lambda code: names.get(code, code)


def header(report: RollUp) -> list[str]:
    """Column titles of the spreadsheet: the reporting unit, then the 统计表's."""
    from flask_babel import gettext as _

    return [_("Reporting unit (填报单位)"), *stats_header(report.total)]


def rows(report: RollUp) -> Iterator[list[Cell]]:
    """Each unit's detail rows and bureau totals (with the unit's own total when units below
    are counted), then the grand total."""
    shown = table_columns(report.total)
    total = str(TOTAL_NAME)
    names: Names = {}
    for unit, table in report.sections:
        label = bureau_label(unit)
        for line in [*table.rows, *table.bureau_totals]:
            yield [unit.name, *stats_row(line, shown, label, names)]
        if report.by_unit:
            yield [unit.name, *stats_row(table.total, shown, names=names)]
    yield [total, *stats_row(report.total.total, shown, names=names)]


def document(report: RollUp, kind: str) -> bytes:
    """The Word or PDF document: one row per bureau of a unit alone, one row per unit of a
    unit with units below; headed with the unit's name as 填报单位 (the home unit's keeps the
    installation's office, as before units)."""
    name = None if report.unit.code == units.HOME else report.unit.name
    if report.by_unit:
        return stats_document(report.total, kind, unit_label(report), name, by_unit=True)
    if report.sections:
        unit, table = report.sections[0]
        return stats_document(table, kind, bureau_label(unit), name)
    return stats_document(report.total, kind, unit=name)


#: A part of the page: its heading (None: the only part), column titles and rows.
Part = tuple[str | None, list[str], list[list[Cell]]]


def page_parts(report: RollUp) -> list[Part]:
    """The page's tables: the unit's own alone, or a table per unit then the total by unit."""
    from flask_babel import gettext as _

    shown = table_columns(report.total)
    head = stats_header(report.total)
    names: Names = {}
    if not report.by_unit:
        unit, table = report.sections[0] if report.sections else (report.unit, report.total)
        lines = [*table.rows, *table.bureau_totals, table.total]
        label = bureau_label(unit)
        return [(None, head, [stats_row(line, shown, label, names) for line in lines])]
    parts: list[Part] = []
    total = report.total
    by_unit = unit_label(report)
    if len(report.sections) > SECTIONS_SHOWN:
        # A province's table by bureau, category and channel of every county is tens of
        # thousands of rows: the page shows a line per unit, one unit's table is a choice
        # away (?unit=), and the exports keep every row.
        lines = [*total.bureau_totals, total.total]
        return [(_("Total by unit"), [_("Unit"), *head[1:]],
                 [stats_row(line, shown, by_unit, names) for line in lines])]  # fmt: skip
    for unit, table in report.sections:
        lines = [*table.rows, *table.bureau_totals, table.total]
        label = bureau_label(unit)
        parts.append((unit.name, head, [stats_row(line, shown, label, names) for line in lines]))
    lines = [*total.rows, *total.bureau_totals, total.total]
    parts.append(
        (
            _("Total by unit"),
            [_("Unit"), *head[1:]],
            [stats_row(line, shown, by_unit, names) for line in lines],
        )
    )
    return parts


def chart(report: RollUp) -> list[tuple[str, Row]]:
    """The chart's bars: received and concluded per bureau of a unit alone, else per unit."""
    if report.by_unit:
        by_unit = unit_label(report)
        return [(by_unit(line.bureau), line) for line in report.total.bureau_totals]
    if not report.sections:
        return []
    unit, table = report.sections[0]
    label = bureau_label(unit)
    return [(label(line.bureau), line) for line in table.bureau_totals]

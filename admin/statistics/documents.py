"""The 治理情况统计表 as the upper office receives it: a Word document and a PDF (docs/rules.md
§13), with the 主办单位, the period, a place for the seal (盖章) and the 填报人/审核人 lines.

Two tables, one row per bureau and a total: the intake flow with the rates, then the
outcomes. The PDF uses reportlab's built-in CID font STSong-Light, which needs no font file
on the server (none is installed here, and LibreOffice is not either): readers supply the
glyphs, as they do for any PDF written with Adobe's Chinese fonts.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from admin.statistics.exports import Cell

#: Columns of the first table (flow and rates) and of the second (outcomes), by code.
FLOW = (
    "received", "repeats", "accepted", "not_accepted", "transferred_in", "transferred_out",
    "concluded", "substantiated", "partly_substantiated", "not_substantiated", "overdue",
    "open_at_end",
    "acceptance_rate", "on_time_rate", "substantiated_rate", "named_feedback_rate",
    "satisfaction_rate",
)  # fmt: skip
OUTCOMES = (
    "cases_opened", "fines", "fund_recovered", "kickbacks_returned", "admin_penalties",
    "agreements_suspended", "licences_suspended", "party_sanctions", "organisational",
    "admonitions", "judiciary_cases", "judiciary_people", "rectification_items",
    "rectification_done",
)  # fmt: skip


@dataclass(frozen=True)
class Sheet:
    """What both documents print: titles and lines already in the reader's language."""

    title: str
    office_line: str
    period_line: str
    tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Cell]]]]
    signature_line: str
    seal: str


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


def to_docx(sheet: Sheet) -> bytes:
    """A landscape A4 Word document."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(sheet.title)
    run.bold, run.font.size = True, Pt(16)
    document.add_paragraph(sheet.office_line)
    document.add_paragraph(sheet.period_line)
    for caption, header, rows in sheet.tables:
        document.add_paragraph().add_run(caption).bold = True
        table = document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = _text(value)
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for piece in paragraph.runs:
                        piece.font.size = Pt(7)
    document.add_paragraph(sheet.signature_line)
    seal = document.add_paragraph(sheet.seal)
    seal.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_pdf(sheet: Sheet) -> bytes:
    """The same document as a landscape A4 PDF."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=1)
    small = ParagraphStyle("small", parent=body, fontSize=6.5, leading=8)
    right = ParagraphStyle("right", parent=body, alignment=2)
    story: list = [Paragraph(sheet.title, title), Paragraph(sheet.office_line, body),
                   Paragraph(sheet.period_line, body), Spacer(1, 0.3 * cm)]  # fmt: skip
    for caption, header, rows in sheet.tables:
        story.append(Paragraph(caption, body))
        data = [[Paragraph(h, small) for h in header]]
        data += [[Paragraph(_text(v), small) for v in values] for values in rows]
        table = Table(data, repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black)]))
        story += [table, Spacer(1, 0.4 * cm)]
    story += [Paragraph(sheet.signature_line, body), Spacer(1, 0.6 * cm),
              Paragraph(sheet.seal, right)]  # fmt: skip
    buffer = io.BytesIO()
    page = landscape(A4)
    SimpleDocTemplate(
        buffer, pagesize=page, leftMargin=1.5 * cm, rightMargin=1.5 * cm, topMargin=1.5 * cm,
        bottomMargin=1.5 * cm, title=sheet.title, invariant=True,
    ).build(story)  # fmt: skip
    return buffer.getvalue()

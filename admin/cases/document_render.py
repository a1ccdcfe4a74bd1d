"""A document (文书) as a printable page and as a Word file (docs/rules.md §10).

Both print the same words (intake/domain/cases/document_text.py) in the usual layout of an
official letter: title, number (文号), addressee, body, the issuing bureau with a place for
its seal, and the date in Chinese. The fonts named are the ones Chinese offices use (仿宋 for
the body, 宋体 or 小标宋 for the title), with fallbacks, since the reader's machine supplies
whichever it has.
"""

from __future__ import annotations

import io

from flask import render_template
from flask_babel import force_locale
from werkzeug.wrappers import Response

from intake.domain.cases.document_text import Text, compose
from intake.domain.models import CaseDocument, Report
from intake.platform import context
from intake.platform.downloads import content_disposition

#: The Chinese catalog, so names of codes print in Chinese whatever the member reads.
CHINESE = "zh_Hans_CN"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"


def text_of(document: CaseDocument, report: Report, data_key: bytes | None) -> Text:
    """The document's words, in Chinese (without the case's key: a 督办函 only)."""
    with force_locale(CHINESE):
        return compose(document, report, data_key, context.taxonomy(), context.settings())


def response(text: Text, docx: bool) -> Response | str:
    """The printable page, or the Word file as a download."""
    if not docx:
        return to_html(text)
    download = Response(to_docx(text), mimetype=DOCX)
    download.headers["Content-Disposition"] = content_disposition(f"{text.title}.docx")
    return download


def to_html(text: Text) -> str:
    """A page that prints on A4 (static/document.css)."""
    return render_template("admin/document.html", text=text)


def to_docx(text: Text) -> bytes:
    """A portrait A4 Word document with the margins of a Chinese official letter."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    def paragraph(
        words: str,
        font: str,
        size: float,
        align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
        indent: bool = False,
        bold: bool = False,
    ) -> None:
        line = document.add_paragraph()
        line.alignment = align
        if indent:  # two characters, as Chinese paragraphs begin
            line.paragraph_format.first_line_indent = Pt(size * 2)
        run = line.add_run(words)
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, font
        # Word takes Chinese glyphs from the East Asian font, which python-docx does not set.
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    paragraph(text.title, TITLE_FONT, 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(text.reference, BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(text.addressee, BODY_FONT, 16)
    for words in text.paragraphs:
        paragraph(words, BODY_FONT, 16, indent=True)
    for words in (text.issuer, text.seal, text.date):
        paragraph(words, BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    document.core_properties.title = f"{text.title} {text.reference}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

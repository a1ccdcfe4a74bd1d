"""The 统计表 as Word and PDF documents for the upper office (docs/rules.md §13)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from flask import Flask

import admin.cli
from admin.cli import main
from intake.platform import context
from tests.console.console import Staff

Login = Callable[[str], Staff]
Submit = Callable[..., tuple[str, str]]


def test_the_word_document_carries_office_period_seal_and_the_figures(
    app: Flask, staff: Login, submit: Submit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context, "today", lambda: dt.date(2026, 2, 10))
    insurer = staff("healthcare_security")
    _c, ref = submit(category="insurance_fraud")
    insurer.act(ref, "accept")
    insurer.act(
        ref, "conclude", outcome="结论(虚构)", finding="substantiated", disposal="case_opened",
        fund_recovered="5000", admin_penalties="2",
    )  # fmt: skip
    monkeypatch.setattr(context, "today", lambda: dt.date(2026, 4, 10))
    supervisor = staff("supervisor")
    response = supervisor.client.get("/admin/stats/export?month=2026-01&to=2026-03&format=docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.get_data()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "治理情况统计表" in text
    assert "主办单位" in text
    assert "专项整治工作专班办公室" in text  # the intake desk's name: no QINGFENG_HOST_OFFICE
    assert "2026-01-01至2026-03-31" in text
    assert "填报人" in text
    assert "审核人" in text
    assert "盖章" in text
    flow, outcomes, rewards = (
        {row.cells[0].text: [c.text for c in row.cells] for row in table.rows}
        for table in document.tables
    )
    header = flow["单位"] if "单位" in flow else next(iter(flow.values()))
    insurer_row = dict(zip(header, flow["县医疗保障局"], strict=True))
    assert (insurer_row["已受理"], insurer_row["属实率（%）"]) == ("1", "100.0")
    out_header = next(iter(outcomes.values()))
    insurer_outcomes = dict(zip(out_header, outcomes["县医疗保障局"], strict=True))
    assert insurer_outcomes["追回医保基金（元）"] == "5000.0"
    assert insurer_outcomes["行政处罚（件）"] == "2"
    assert insurer_outcomes["立案数"] == "1"
    assert dict(zip(out_header, outcomes["合计"], strict=True))["立案数"] == "1"
    # Rewards (docs/rules.md §5) are a table of their own; none was proposed here.
    reward_header = next(iter(rewards.values()))
    assert dict(zip(reward_header, rewards["合计"], strict=True))["拟奖励（件）"] == "0"

    page = supervisor.client.get("/admin/stats?month=2026-02").get_data(as_text=True)
    assert "month=2026-02&amp;format=docx" in page
    assert "month=2026-02&amp;format=pdf" in page
    pdf = supervisor.client.get("/admin/stats/export?month=2026-02&format=pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.get_data().startswith(b"%PDF")


def pdf_text(body: bytes) -> str:
    """The text a PDF written by reportlab shows: its content streams decoded (ASCII85, then
    Flate), and each shown string read as its Chinese font's encoding, UCS-2."""
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", body, re.S):
        content = zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            raw = re.sub(
                rb"\\([0-7]{1,3}|.)",
                lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit() else _ESCAPES.get(m[1], m[1]),
                literal,
            )
            shown.append(raw.decode("utf-16-be", "replace") if len(raw) % 2 == 0 else "")
    return "\n".join(shown)


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def test_the_stats_command_writes_the_same_word_and_pdf_documents(
    app: Flask, staff: Login, submit: Submit, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(context, "today", lambda: dt.date(2026, 2, 10))
    insurer = staff("healthcare_security")
    _c, ref = submit(category="insurance_fraud")
    insurer.act(ref, "accept")
    insurer.act(
        ref, "conclude", outcome="结论(虚构)", finding="substantiated", disposal="case_opened",
        fund_recovered="5000", admin_penalties="2",
    )  # fmt: skip
    monkeypatch.setattr(context, "today", lambda: dt.date(2026, 4, 10))
    monkeypatch.setattr(admin.cli, "create_app", lambda: app)
    console = staff("supervisor").client.get("/admin/stats/export?month=2026-02&format=docx")
    written = {}
    for kind in ("docx", "pdf"):
        path = tmp_path / f"stats.{kind}"
        result = CliRunner().invoke(
            main, ["stats", "--month", "2026-02", "--format", kind, "--output", str(path)]
        )
        assert result.exit_code == 0, result.output
        written[kind] = path.read_bytes()

    document = Document(io.BytesIO(written["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    for words in (
        "治理情况统计表",
        "主办单位",
        "2026-02-01至2026-02-28",
        "填报人",
        "审核人",
        "盖章",
    ):
        assert words in text
    outcomes = {row.cells[0].text: [c.text for c in row.cells] for row in document.tables[1].rows}
    header = next(iter(outcomes.values()))
    insurer_outcomes = dict(zip(header, outcomes["县医疗保障局"], strict=True))
    assert insurer_outcomes["追回医保基金（元）"] == "5000.0"
    assert insurer_outcomes["行政处罚（件）"] == "2"
    # A hand-over column for every target the taxonomy lists.
    with app.test_request_context():
        targets = [t.name_zh for t in context.taxonomy().hand_over]
    assert len(targets) == 8
    assert {f"移送{name}" for name in targets} <= set(header)
    # The very document the console gives.
    console_document = Document(io.BytesIO(console.get_data()))
    assert [[c.text for c in r.cells] for t in console_document.tables for r in t.rows] == [
        [c.text for c in r.cells] for t in document.tables for r in t.rows
    ]

    assert written["pdf"].startswith(b"%PDF-")
    shown = pdf_text(written["pdf"])
    for words in ("治理情况统计表", "县医疗保障局", "填报人", "5000.0"):
        assert words in shown, words

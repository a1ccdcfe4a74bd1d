"""The 统计表 as Word and PDF documents for the upper office (docs/rules.md §13)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from docx import Document
from flask import Flask

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

    pdf = supervisor.client.get("/admin/stats/export?month=2026-02&format=pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.get_data().startswith(b"%PDF")

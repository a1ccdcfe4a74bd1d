"""The 问题线索台账 (docs/rules.md §12): every column checked against what was done to each
case, content for a bureau member only, and every export audited with its rows."""

from __future__ import annotations

import io
from collections.abc import Callable

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from intake.domain.models import AuditEvent
from intake.platform import db
from tests.console.console import Staff

Login = Callable[[str], Staff]
Submit = Callable[..., tuple[str, str]]


def ledger(member: Staff, bureau: str) -> list[dict[str, object]]:
    response = member.client.get(f"/admin/ledger?bureau={bureau}&format=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_every_column_of_a_bureaus_ledger(app: Flask, staff: Login, submit: Submit) -> None:
    _c, done = submit(
        category="insurance_fraud",
        institution="某民营医院(虚构)",
        people="院长张某(虚构)",
        what_happened="挂床住院骗取医保基金(虚构)",
    )
    _c, handed = submit(category="insurance_fraud", official_involved="yes")
    _c, fresh = submit(category="insurance_fraud")
    insurer = staff("healthcare_security")
    insurer.act(done, "accept")
    insurer.act(
        done,
        "conclude",
        outcome="查实并追回(虚构)",
        finding="substantiated",
        disposal="case_opened",
        fund_recovered="12000.5",
        admin_penalties="1",
        items="退回违规费用(虚构)\n建立住院巡查制度(虚构)",
    )
    insurer.act(handed, "accept")
    insurer.act(handed, "hand_over", target="police", letter="医保移〔2026〕3号", letter_on="")
    insurer.act(handed, "hand_over_reply", reply="filed", replied_on=_today(app))

    rows = {r["案件编号"]: r for r in ledger(insurer, "healthcare_security")}
    assert set(rows) == {done, handed, fresh}
    first = rows[done]
    assert first["被反映单位或个人"] == "某民营医院(虚构)；院长张某(虚构)"
    assert first["问题摘要"] == "挂床住院骗取医保基金(虚构)"
    assert first["是否公职人员"] == "否"
    assert first["承办单位"] == "县医疗保障局"
    assert first["处置方式"] == "立案"
    assert first["办理结果"] == "属实"
    assert first["处理措施"] == "追回医保基金（元） 12000.50；行政处罚（件） 1"
    assert first["整改完成/总数"] == "0 / 2"
    assert first["办结日期"] == _today(app)
    assert first["销号"] is None  # 整改 not done yet
    assert first["反馈情况"] == f"{_today(app)}已答复"
    second = rows[handed]
    assert second["是否公职人员"] == "是"
    assert second["移送去向"] == f"公安机关（涉嫌犯罪）；医保移〔2026〕3号；立案 {_today(app)}"
    assert second["办结日期"] is None
    assert rows[fresh]["处置方式"] is None


def test_a_supervisors_ledger_has_no_content_columns_and_exports_are_audited(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _c, ref = submit(what_happened="督导组不应读到的内容(虚构)")
    supervisor = staff("supervisor")
    rows = ledger(supervisor, "health")
    assert [r["案件编号"] for r in rows] == [ref]
    assert "问题摘要" not in rows[0]
    assert "被反映单位或个人" not in rows[0]
    assert "督导组不应读到的内容" not in repr(rows)
    ledger(staff("health"), "health")
    with app.app_context():
        audits = (
            db.session()
            .scalars(select(AuditEvent).where(AuditEvent.action == "ledger_exported"))
            .all()
        )
        seen = [(a.detail["content"], a.detail["rows"], a.detail["references"]) for a in audits]
    assert seen == [(False, 1, [ref]), (True, 1, [ref])]


def _today(app: Flask) -> str:
    from intake.platform import context

    with app.app_context():
        return context.today().isoformat()

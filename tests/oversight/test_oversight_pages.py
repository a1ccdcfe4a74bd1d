"""The overdue board's 督办, statistics pages and exports, ledgers, and the public figures."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select, update

import admin.cli
from admin.cli import main
from intake.domain.installation import DemoAccount
from intake.domain.keys.keyring import rotate_bureau_key, unlock_staff_key
from intake.domain.models import Event, Report, StaffMember
from intake.platform import db
from intake.platform.context import today as china_today
from intake.public.views import SMALL_CELL
from tests.console.console import Staff

Login = Callable[[str], Staff]
Submit = Callable[..., tuple[str, str]]


def test_one_click_supervision_reaches_the_bureau_and_survives_key_rotation(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> None:
    _code, ref = submit()
    with app.app_context():
        db.session().execute(
            update(Report).where(Report.reference == ref).values(decision_due=dt.date(2020, 1, 1))
        )
        db.session().commit()
    supervisor, health = staff("supervisor"), staff("health")
    board = supervisor.client.get("/admin/overdue").get_data(as_text=True)
    assert ref in board
    response = supervisor.post(f"/admin/cases/{ref}/supervise", {"text": "请三日内报告进展"})
    assert response.status_code == 303
    assert "督办" in health.client.get("/admin/queue?view=overdue").get_data(as_text=True) or (
        "supervised" in health.client.get("/admin/queue?view=overdue").get_data(as_text=True)
    )
    assert "请三日内报告进展" in health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    # The supervisor, who holds no bureau key, cannot read the case itself.
    assert supervisor.client.get(f"/admin/cases/{ref}").status_code == 403
    with app.app_context():
        session = db.session()
        member = session.scalars(
            select(StaffMember).where(StaffMember.username == "demo-health")
        ).one()
        private = unlock_staff_key(member, accounts["health"].password)
        secret_key = app.extensions["qingfeng.settings"].secret_key
        rotate_bureau_key(session, member, private, "health", secret_key)
    assert "请三日内报告进展" in health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)


def test_an_empty_supervision_uses_the_standard_note(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    staff("supervisor").post(f"/admin/cases/{ref}/supervise", {"text": ""})
    page = staff("health").client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "Please speed up" in page or "请加快" in page


def test_statistics_page_chart_and_exports(app: Flask, staff: Login, submit: Submit) -> None:
    submit()
    supervisor = staff("supervisor")
    month = china_today().strftime("%Y-%m")
    page = supervisor.client.get(f"/admin/stats?month={month}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<svg class="chart" role="img"' in html
    assert supervisor.client.get("/admin/stats?month=2026-13").status_code == 400
    csv = supervisor.client.get(f"/admin/stats/export?month={month}&format=csv")
    assert csv.headers["Content-Disposition"].startswith("attachment;")
    text = csv.get_data().decode("utf-8-sig")
    assert text.count("\r\n") >= 3
    xlsx = supervisor.client.get(f"/admin/stats/export?month={month}&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    total = [row for row in sheet.iter_rows(values_only=True)][-1]
    # The grand total, in words, under the reporting unit's column (填报单位).
    assert total[:4] == ("合计", "合计", "合计", "合计")
    assert total[4] == 1  # received


def test_the_ledger_holds_every_case_and_content_only_for_a_member(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _c, first = submit(what_happened="只有本局成员能在台账中读到的内容(虚构)")
    _c, second = submit()
    staff("health").act(first, "accept")
    response = staff("health").client.get("/admin/ledger?bureau=health&format=csv")
    text = response.get_data().decode("utf-8-sig")
    assert first in text
    assert second in text
    assert "只有本局成员能在台账中读到的内容" in text
    supervised = staff("supervisor").client.get("/admin/ledger?bureau=health&format=csv")
    assert "只有本局成员能在台账中读到的内容" not in supervised.get_data().decode("utf-8-sig")
    xlsx = staff("supervisor").client.get("/admin/ledger?bureau=health&format=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.get_data())).active.iter_rows(values_only=True))
    assert len(rows) == 3


def test_a_formula_in_a_cell_is_neutralised() -> None:
    from admin.statistics.exports import to_csv

    assert b"'=HYPERLINK" in to_csv(["a"], [['=HYPERLINK("x")']])


def test_the_stats_command_writes_a_file(
    app: Flask, submit: Submit, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    submit()
    monkeypatch.setattr(admin.cli, "create_app", lambda: app)
    month = china_today().strftime("%Y-%m")
    out = tmp_path / "stats.xlsx"
    result = CliRunner().invoke(
        main, ["stats", "--month", month, "--format", "xlsx", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "1 received" in result.output
    assert load_workbook(out).active.max_row >= 3
    bad = CliRunner().invoke(main, ["stats", "--month", "October"])
    assert bad.exit_code == 2
    year = tmp_path / "year.csv"
    whole = CliRunner().invoke(
        main,
        ["stats", "--year", str(china_today().year), "--format", "csv", "--output", str(year)],
    )
    assert whole.exit_code == 0, whole.output
    assert "1 received" in whole.output
    assert CliRunner().invoke(main, ["stats"]).exit_code == 2
    assert (
        CliRunner().invoke(main, ["stats", "--year", "2026", "--month", "2026-01"]).exit_code == 2
    )


def test_public_figures_hide_small_cells(app: Flask, client: FlaskClient, submit: Submit) -> None:
    for _ in range(SMALL_CELL):
        submit(category="kickbacks")
    for _ in range(SMALL_CELL - 1):
        submit(category="overtreatment")
    page = client.get("/figures").get_data(as_text=True)
    page = page[: page.index('class="figures outcomes"')]  # the received / concluded table
    with app.app_context():
        assert db.session().scalars(select(Event).where(Event.kind == "received")).all()
    rows = {
        line.split("</th>")[0].rsplit(">", 1)[-1]: line
        for line in page.split("<tr>")
        if "</th>" in line and 'scope="row"' in line
    }
    kickbacks = next(v for k, v in rows.items() if "回扣" in k or "ickback" in k)
    overtreatment = next(v for k, v in rows.items() if "过度" in k or "treatment" in k)
    assert f"<td>{SMALL_CELL} / —</td>" in kickbacks
    assert f"<td>{SMALL_CELL - 1} /" not in overtreatment
    assert "<td>— / —</td>" in overtreatment


def test_a_supervision_note_rests_sealed(app: Flask, staff: Login, submit: Submit) -> None:
    from tests.security.test_anonymity import database_bytes
    from tests.security.test_at_rest import encodings

    _code, ref = submit()
    note = "督办意见原文不应明文保存(虚构)"
    staff("supervisor").post(f"/admin/cases/{ref}/supervise", {"text": note})
    dump = database_bytes(app)
    for encoded in encodings(note):
        assert encoded not in dump
    assert note in staff("health").client.get(f"/admin/cases/{ref}").get_data(as_text=True)


def test_the_overdue_board_counts_per_bureau_and_pages(
    app: Flask, staff: Login, submit: Submit, monkeypatch: pytest.MonkeyPatch
) -> None:
    import admin.supervision.views

    late = [submit(category="kickbacks")[1] for _ in range(3)]
    other = submit(category="insurance_fraud")[1]
    on_time = submit(category="kickbacks")[1]
    with app.app_context():
        db.session().execute(
            update(Report)
            .where(Report.reference.in_([*late, other]))
            .values(decision_due=dt.date(2020, 1, 1))
        )
        # A major lead that is also late is on the board once.
        db.session().execute(update(Report).where(Report.reference == late[0]).values(major=True))
        db.session().commit()
    monkeypatch.setattr(admin.supervision.views, "BOARD_PAGE", 2)
    supervisor = staff("supervisor")
    pages = [
        supervisor.client.get(f"/admin/overdue?page={n}").get_data(as_text=True) for n in (1, 2, 3)
    ]
    listed = [[r for r in [*late, other, on_time] if f'id="case-{r}"' in page] for page in pages]
    assert [len(found) for found in listed] == [2, 2, 0]
    assert sorted(listed[0] + listed[1]) == sorted([*late, other])
    assert "Page 1 of 2" in pages[0] or "第 1 页，共 2 页" in pages[0]
    health = "".join(
        supervisor.client.get(f"/admin/overdue?bureau=health&page={n}").get_data(as_text=True)
        for n in (1, 2)
    )
    assert sorted(r for r in [*late, other] if f'id="case-{r}"' in health) == sorted(late)
    summary = pages[0].split('class="board-summary"', 1)[1].split("</table>", 1)[0]
    assert summary.count("<tr>") == 3  # header, health, healthcare security
    assert "<td>3</td><td>1</td></tr>" in summary  # health: 3 late, 1 of them major
    assert "<td>1</td><td>0</td></tr>" in summary
    # A major lead on time joins the board too.
    with app.app_context():
        db.session().execute(update(Report).where(Report.reference == on_time).values(major=True))
        db.session().commit()
    board = [
        supervisor.client.get(f"/admin/overdue?bureau=health&page={n}").get_data(as_text=True)
        for n in (1, 2)
    ]
    assert "<td>3</td><td>2</td></tr>" in board[0]
    assert "第 2 页，共 2 页" in board[1] or "Page 2 of 2" in board[1]
    assert sum(f'id="case-{ref}"' in page for page in board for ref in [*late, on_time]) == 4
    assert supervisor.client.get("/admin/overdue?bureau=nowhere").status_code == 404
    assert supervisor.client.get("/admin/overdue?page=x").status_code == 400

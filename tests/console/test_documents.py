"""Documents (文书): issued from the case in the lead bureau's name, numbered per bureau and
year, audited, listed on the case, and opened only by a bureau that reads the case."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from intake.domain.cases import documents
from intake.domain.installation import DemoAccount
from intake.domain.models import Bureau, CaseDocument, Report
from intake.domain.oversight import retention
from intake.platform import context, db
from tests.console.console import Staff
from tests.console.test_extensions import REASON, allow_to_approve, audited, colleague, row
from tests.console.test_valid_html import validate

Submit = Callable[..., tuple[str, str]]
Login = Callable[[str], Staff]
OUTCOME = "经调查，该科室主任收取回扣属实，已责令退还并给予处分（虚构）"
REFUSAL = "所反映问题已由法院受理（虚构）"
WHERE = "县人民法院立案庭（虚构）"


def issue(member: Staff, ref: str, kind: str, **fields: str) -> int:
    """Issue a document as `member`; the response's status code."""
    return member.act(ref, "document", kind=kind, **fields).status_code


def listed(app: Flask, ref: str) -> list[CaseDocument]:
    report = row(app, ref)
    with app.app_context():
        rows = db.session().scalars(
            select(CaseDocument)
            .where(CaseDocument.report_id == report.id)
            .order_by(CaseDocument.year, CaseDocument.number)
        )
        return list(rows)


def opened(member: Staff, ref: str, document: CaseDocument) -> str:
    response = member.client.get(f"/admin/cases/{ref}/documents/{document.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def docx_text(member: Staff, ref: str, document: CaseDocument) -> str:
    response = member.client.get(f"/admin/cases/{ref}/documents/{document.id}.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


def chinese(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_each_kind_is_drawn_from_the_case_and_numbered_in_turn(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> None:
    _code, ref = submit(real_name="y", name="李四（虚构）", phone="13800000000")
    health = staff("health")
    year = context.today().year
    # Nothing to issue before the bureau has decided.
    assert issue(health, ref, "acceptance") == 422
    health.act(ref, "accept")
    assert issue(health, ref, "reply") == 422  # not concluded yet
    assert issue(health, ref, "acceptance") == 303
    [acceptance] = listed(app, ref)
    assert acceptance.reference == f"县卫健〔{year}〕第1号"
    page = opened(health, ref, acceptance)
    due = row(app, ref).conclusion_due
    assert due is not None
    for words in ("受理告知书", f"县卫健〔{year}〕第1号", "李四（虚构）：", "县卫生健康局",
                  chinese(context.today()), chinese(due), "依据：", "（盖章）"):  # fmt: skip
        assert words in page, words

    health.act(ref, "extend", reason=REASON)
    head = colleague(app, accounts, "health", "health-head")
    allow_to_approve(staff, app, "health-head")
    assert head.act(ref, "extend_approve").status_code == 303
    assert issue(health, ref, "extension") == 303
    extension = listed(app, ref)[-1]
    assert extension.reference == f"县卫健〔{year}〕第2号"
    page = opened(health, ref, extension)
    assert "延期告知书" in page
    assert REASON in page
    assert chinese(row(app, ref).conclusion_due) in page  # type: ignore[arg-type]
    # The acceptance notice printed again still says what was sent.
    again = opened(health, ref, acceptance)
    assert chinese(due) in again
    assert chinese(row(app, ref).conclusion_due) not in again  # type: ignore[arg-type]

    assert health.act(ref, "hand_over", target="police").status_code == 303
    assert issue(health, ref, "hand_over") == 303
    letter = listed(app, ref)[-1]
    assert "移送函" in opened(health, ref, letter)
    assert "公安机关" in opened(health, ref, letter)
    # The 移送函 is the hand-over's letter, its number and date recorded with it.
    handed = row(app, ref)
    assert (handed.hand_over_letter, handed.hand_over_letter_on) == (
        letter.reference,
        context.today(),
    )

    response = health.act(
        ref, "conclude", outcome=OUTCOME, finding="substantiated", disposal="handled"
    )
    assert response.status_code == 303
    assert issue(health, ref, "reply") == 303
    reply = listed(app, ref)[-1]
    page = opened(health, ref, reply)
    for words in ("答复意见书", OUTCOME, "属实", "复查"):
        assert words in page, words
    assert issue(health, ref, "conclusion_report") == 303
    report = listed(app, ref)[-1]
    assert "办结报告" in docx_text(health, ref, report)
    assert OUTCOME in docx_text(health, ref, report)
    assert [d.number for d in listed(app, ref)] == [1, 2, 3, 4, 5]


def test_a_refusal_notice_says_where_to_turn_and_keeps_that_sealed(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health = staff("health")
    assert health.act(ref, "not_accept", reason=REFUSAL).status_code == 303
    assert issue(health, ref, "acceptance") == 422
    assert issue(health, ref, "refusal") == 422  # where to turn instead is asked for
    assert issue(health, ref, "refusal", where=WHERE) == 303
    [notice] = listed(app, ref)
    page = opened(health, ref, notice)
    for words in ("不予受理告知书", REFUSAL, WHERE, "举报人："):
        assert words in page, words
    assert WHERE in docx_text(health, ref, notice)
    assert notice.sealed_text is not None
    assert WHERE.encode("utf-8") not in notice.sealed_text


def test_numbers_run_per_bureau_and_start_again_each_year(
    app: Flask, staff: Login, submit: Submit, monkeypatch: pytest.MonkeyPatch
) -> None:
    health = staff("health")
    refs = []
    for _ in range(2):
        _code, ref = submit()
        health.act(ref, "accept")
        refs.append(ref)
    year = context.today().year
    assert issue(health, refs[0], "acceptance") == 303
    assert issue(health, refs[1], "acceptance") == 303
    assert [listed(app, r)[0].reference for r in refs] == [
        f"县卫健〔{year}〕第1号",
        f"县卫健〔{year}〕第2号",
    ]
    # Another bureau counts from 1.
    _code, other = submit(category="insurance_fraud")
    insurer = staff("healthcare_security")
    insurer.act(other, "accept")
    assert issue(insurer, other, "acceptance") == 303
    assert listed(app, other)[0].reference == f"县医保〔{year}〕第1号"
    # A new year starts again at 1; the old year's run goes on where it stopped.
    monkeypatch.setattr(context, "today", lambda: dt.date(year + 1, 1, 4))
    assert issue(health, refs[0], "acceptance") == 303
    assert listed(app, refs[0])[-1].reference == f"县卫健〔{year + 1}〕第1号"
    with app.app_context():
        health_id = db.session().scalars(select(Bureau.id).where(Bureau.code == "health")).one()
        assert documents.next_number(db.session(), health_id, year) == 3
        db.session().rollback()


def test_issuing_and_opening_are_audited_and_listed_on_the_case(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    assert issue(health, ref, "acceptance") == 303
    [document] = listed(app, ref)
    page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "文书" in page
    assert document.reference in page
    assert f"/admin/cases/{ref}/documents/{document.id}.docx" in page
    assert "制发文书" in page  # on the timeline too
    opened(health, ref, document)
    actions = audited(app, ref)
    assert "case_document" in actions
    assert actions.index("document_opened") > actions.index("case_document")


def test_another_bureau_neither_issues_nor_opens(app: Flask, staff: Login, submit: Submit) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    assert issue(health, ref, "acceptance") == 303
    [document] = listed(app, ref)
    stranger = staff("admin_approval")
    for path in (f"/admin/cases/{ref}/documents/{document.id}",
                 f"/admin/cases/{ref}/documents/{document.id}.docx"):  # fmt: skip
        assert stranger.client.get(path).status_code == 404
    assert issue(stranger, ref, "acceptance") == 404
    # A co-bureau reads the case but does not issue in the lead bureau's name.
    assert health.act(ref, "share", bureau="finance").status_code == 303
    assert issue(staff("finance"), ref, "acceptance") == 403
    assert len(listed(app, ref)) == 1


def test_a_supervisor_issues_a_supervision_letter_from_metadata_alone(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    late = context.today() - dt.timedelta(days=3)
    with app.app_context():
        report = db.session().get(Report, row(app, ref).id)
        assert report is not None
        report.decision_due = late
        db.session().commit()
    supervisor = staff("supervisor")
    year = context.today().year
    response = supervisor.post(f"/admin/cases/{ref}/supervision-letter", {})
    assert response.status_code == 303
    [letter] = listed(app, ref)
    assert letter.reference == f"专班〔{year}〕第1号"  # the campaign office's numbers
    page = supervisor.client.get(response.headers["Location"]).get_data(as_text=True)
    for words in ("督办函", "县卫生健康局：", chinese(late), "已超过期限3日", letter.reference):
        assert words in page, words
    assert "心内科" not in page  # nothing the reporter wrote: the supervisor holds no key
    docx = supervisor.client.get(f"/admin/cases/{ref}/supervision-letter/{letter.id}.docx")
    assert docx.status_code == 200
    # The lead bureau finds it on the case and opens it there.
    health = staff("health")
    assert letter.reference in health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
    assert "督办函" in opened(health, ref, letter)
    # Only a supervisor issues one, and a supervisor opens no other kind of document.
    assert health.post(f"/admin/cases/{ref}/supervision-letter", {}).status_code == 403
    health.act(ref, "accept")
    assert issue(health, ref, "supervision") == 422
    assert issue(health, ref, "acceptance") == 303
    [notice] = [d for d in listed(app, ref) if d.kind == "acceptance"]
    path = f"/admin/cases/{ref}/supervision-letter/{notice.id}"
    assert supervisor.client.get(path).status_code == 404
    assert audited(app, ref).count("case_document") == 2


def test_the_document_pages_are_valid_html(
    app: Flask, staff: Login, submit: Submit, tmp_path: Path
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    assert issue(health, ref, "acceptance") == 303
    [document] = listed(app, ref)
    pages = {
        "case": health.client.get(f"/admin/cases/{ref}").get_data(as_text=True),
        "document": opened(health, ref, document),
    }
    assert validate(pages, tmp_path) == []


def test_a_destroyed_case_keeps_its_documents_numbers_but_not_their_words(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "not_accept", reason=REFUSAL)
    assert issue(health, ref, "refusal", where=WHERE) == 303
    with app.app_context():
        report = db.session().get(Report, row(app, ref).id)
        assert report is not None
        report.concluded_on = context.today() - dt.timedelta(days=800)
        db.session().commit()
        assert retention.purge(db.session(), context.today(), 730) == [ref]
    [document] = listed(app, ref)
    assert document.sealed_text is None
    assert document.reference.endswith("第1号")
    assert issue(health, ref, "refusal", where=WHERE) == 404  # nobody reads the case now


def test_members_issuing_at_once_never_share_a_number(app: Flask) -> None:
    """Four members draw numbers of one bureau and year at the same time, each in its own
    transaction: every number is given once, and none is skipped."""
    with app.app_context():
        database = db.database()
        session = database.sessions()
        bureau = session.scalars(select(Bureau.id).where(Bureau.code == "health")).one()
        session.close()
    drawn: list[int] = []
    start = threading.Barrier(4)

    def member() -> None:
        start.wait()
        for _ in range(5):
            own = database.sessions()
            try:
                drawn.append(documents.next_number(own, bureau, 2031))
                own.commit()
            finally:
                own.close()

    threads = [threading.Thread(target=member) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(drawn) == list(range(1, 21))


def test_a_document_stays_in_the_name_of_the_bureau_that_issued_it(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, ref = submit()
    health = staff("health")
    health.act(ref, "accept")
    assert issue(health, ref, "acceptance") == 303
    moved = health.act(ref, "transfer", bureau="market_regulation", keep_as_co="y")
    assert moved.status_code == 303
    [notice] = listed(app, ref)
    page = opened(staff("market_regulation"), ref, notice)
    assert "县卫生健康局" in page
    assert "县市场监督管理局" not in page

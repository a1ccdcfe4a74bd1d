"""Repeat reports (重复件): linked across the form, the API and a recorded letter through the
blind index of names, with no name at rest and none to be found in a stolen database."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from intake.domain.cases.name_index import INSTITUTION, PERSON, name_tag
from intake.domain.cases.names import institution_key, person_keys
from intake.domain.keys import hotline
from intake.domain.models import Event, NameTag, Report
from intake.platform import context, db
from intake.platform.context import today as china_today
from tests.console.console import Staff
from tests.helpers import RECEIPT_PATTERN, VALID_REPORT, check_status
from tests.security.dump import dump_database

Login = Callable[[str], Staff]
Submit = Callable[..., tuple[str, str]]

# Invented names: the same clinic and doctor, written as three reporters would.
WEB = {"institution": "康泰口腔医院有限公司(虚构)", "people": "周明远(主任)、吴小兰"}
CALL_INSTITUTION, CALL_PEOPLE = "康泰口腔醫院（虛構）", "周明遠主任"
LETTER_INSTITUTION, LETTER_PEOPLE = "康泰 口腔 门诊部 (虚构)", "周明远医生"
# A list of hospital names the attacker tries against the dump; the real one is among them.
HOSPITALS = ["某县人民医院", "康泰口腔医院(虚构)", "康泰口腔", "仁和医院", "市第一人民医院"]


def _call(app: Flask) -> tuple[str, str]:
    with app.test_request_context():
        token = hotline.create_token(db.session(), "call-centre-a", context.today())
    body = {
        "transcript": "来电人反映某口腔医院收取回扣(虚构测试数据)",
        "hotline": "12345热线",
        "call_date": china_today().isoformat(),
        "category": "kickbacks",
        "institution": CALL_INSTITUTION,
        "people": CALL_PEOPLE,
    }
    response = app.test_client().post(
        "/api/v1/reports",
        headers={"Authorization": f"Bearer {token}"},
        data=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        reference = (
            db.session().scalars(select(Report.reference).where(Report.channel == "hotline")).one()
        )
    return response.get_json()["receipt_code"].replace(" ", ""), reference


def _letter(app: Flask, desk: Staff) -> str:
    fields = {
        **VALID_REPORT,
        "channel": "letter",
        "source": "信箱(虚构)",
        "institution": LETTER_INSTITUTION,
        "people": LETTER_PEOPLE,
        "received_on": china_today().isoformat(),
    }
    response = desk.post("/admin/record", fields)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert RECEIPT_PATTERN.search(response.get_data(as_text=True))
    with app.app_context():
        return (
            db.session().scalars(select(Report.reference).where(Report.channel == "letter")).one()
        )


def test_the_form_the_api_and_a_letter_are_linked_and_a_repeat_is_joined(
    app: Flask, staff: Login, submit: Submit
) -> None:
    web_code, web = submit(**WEB)
    call_code, call = _call(app)
    letter = _letter(app, staff("intake"))
    health = staff("health")

    page = health.client.get(f"/admin/cases/{letter}").get_data(as_text=True)
    section = page.split('id="repeats-title"')[1].split("</section>")[0]
    assert web in section
    assert call in section
    assert "同一单位" in section
    assert "同一人员" in section

    response = health.post(f"/admin/cases/{call}/repeat", {"repeat-of": web.lower()})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        rows = {r.reference: r for r in db.session().scalars(select(Report))}
        assert rows[call].repeat_of_id == rows[web].id
        kinds = {(e.report_id, e.kind) for e in db.session().scalars(select(Event))}
        assert (rows[call].id, "marked_repeat") in kinds
        assert (rows[web].id, "repeat_linked") in kinds
    # Marked a repeat of the repeat, a letter is joined to the first case of the chain.
    response = health.post(f"/admin/cases/{letter}/repeat", {"repeat-of": call})
    assert response.status_code == 303
    with app.app_context():
        rows = {r.reference: r for r in db.session().scalars(select(Report))}
        assert rows[letter].repeat_of_id == rows[web].id

    joined = "并入反映同一事项的已有案件"
    assert joined in check_status(app.test_client(), call_code).get_data(as_text=True)
    status = check_status(app.test_client(), web_code).get_data(as_text=True)
    assert joined not in status
    assert call not in status  # the reporter never learns of the other report


def test_a_case_cannot_be_marked_a_repeat_of_one_the_member_cannot_read(
    app: Flask, staff: Login, submit: Submit
) -> None:
    _code, mine = submit(**WEB)
    _code, theirs = submit(**WEB, category="insurance_fraud")  # led by healthcare_security
    health = staff("health")
    page = health.client.get(f"/admin/cases/{mine}").get_data(as_text=True)
    # Another bureau's report about the same clinic is counted, never named.
    assert theirs not in page
    assert "相关举报：1 件" in page
    response = health.post(f"/admin/cases/{mine}/repeat", {"repeat-of": theirs})
    assert response.status_code == 422
    with app.app_context():
        assert db.session().scalars(select(Report.repeat_of_id)).all() == [None, None]


def test_a_stolen_database_and_a_list_of_hospitals_do_not_tell_which_is_named(
    app: Flask, submit: Submit
) -> None:
    submit(**WEB)
    settings = app.extensions["qingfeng.settings"]
    dump = dump_database(app)
    with app.app_context():
        stored = set(db.session().scalars(select(NameTag.tag)))
    assert stored
    # Neither the names, nor their normalised forms, nor the index key are in the dump.
    for text in (*HOSPITALS, "周明远", "康泰口腔"):
        assert text.encode("utf-8") not in dump
    assert settings.index_key not in dump
    assert settings.index_key.hex().encode() not in dump

    def guesses(key: bytes | None) -> set[bytes]:
        out: set[bytes] = set()
        for name in HOSPITALS:
            for form in {name, institution_key(name) or name}:
                raw = form.encode("utf-8")
                out |= {hashlib.sha256(raw).digest(), hashlib.sha256(b"institution" + raw).digest()}
                # Keyed with what the dump holds or a guess at a default, and (the control)
                # with the real key, which only the installation's secrets hold.
                for k in (b"", settings.receipt_salt, *((key,) if key else ())):
                    out.add(name_tag(k, INSTITUTION, form))
                    out.add(hmac.new(k, raw, hashlib.sha256).digest())
        return out

    assert not guesses(None) & stored
    # The control: with the key (from the installation, not the dump) the list does confirm it.
    assert guesses(settings.index_key) & stored


def test_the_index_holds_one_tag_per_name_and_vague_names_none(app: Flask, submit: Submit) -> None:
    submit(institution="某医院", people="王主任、周明远、周明远医生")
    settings = app.extensions["qingfeng.settings"]
    with app.app_context():
        tags = {(t.kind, t.tag) for t in db.session().scalars(select(NameTag))}
    assert tags == {(PERSON, name_tag(settings.index_key, PERSON, "周明远"))}
    assert person_keys("王主任") == []

"""Hotline JSON API (/api/v1): call-centre systems post call transcripts.

A token submits and never reads. Every error is application/problem+json. Transcripts,
tokens and receipt codes are never logged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from crypto.receipts import format_receipt
from intake.api.openapi import openapi_document
from intake.domain import units
from intake.domain.cases.content import LIMITS, Contact, ReportContent
from intake.domain.cases.reports import Receipt, Submission, submit_report
from intake.domain.cases.text import REPLACEMENT_CHARACTER, normalise_text
from intake.domain.evidence import attachments
from intake.domain.evidence.attachments import Checked
from intake.domain.keys.hotline import (
    Answer,
    IdempotencyConflict,
    StillInProgress,
    TokenError,
    authenticate,
    idempotent,
)
from intake.domain.models import HotlineToken, Unit
from intake.platform import context, db, uploads
from intake.platform.errors import Problem

bp = Blueprint("api", __name__, url_prefix="/api/v1")
#: A field that was not sent at all (JSON null is sent, and is not a string).
_ABSENT = object()

IDEMPOTENCY_KEY_LIMIT = 200
CATEGORY_LIMIT = 100
HOTLINE_LIMIT = 100
UNIT_LIMIT = 40
TEXT_FIELDS = {
    "transcript": LIMITS["what_happened"],
    "institution": LIMITS["institution"],
    "people": LIMITS["people"],
    "place": LIMITS["place"],
    "when": LIMITS["when"],
    "amount": LIMITS["amount"],
    "hotline": HOTLINE_LIMIT,
    "category": CATEGORY_LIMIT,
    "unit": UNIT_LIMIT,
}
KNOWN_FIELDS = {*TEXT_FIELDS, "official_involved", "contact", "call_date"}
REQUIRED = ("transcript", "hotline", "call_date")

T_UNAUTHORISED = _l("A valid bearer token is needed")
D_MISSING = _l("Send the header Authorization: Bearer <token>.")
D_UNKNOWN = _l("This token is not known.")
D_REVOKED = _l("This token was revoked.")
T_CONTENT_TYPE = _l("Unsupported content type")
D_CONTENT_TYPE = _l(
    "Send the body as application/json, or as multipart/form-data with the JSON in a part "
    "named report and files in parts named attachment."
)
D_NO_REPORT_PART = _l("A multipart body needs a part named report holding the JSON.")
T_MALFORMED = _l("Malformed JSON")
D_MALFORMED = _l("The body is not valid JSON in UTF-8.")
D_NOT_OBJECT = _l("The body must be a JSON object.")
T_INVALID = _l("Some fields are missing or invalid")
T_IDEMPOTENCY = _l("Idempotency-Key reused")
D_IDEMPOTENCY = _l("This Idempotency-Key was used before with a different body.")
T_BAD_KEY = _l("Invalid Idempotency-Key")
D_BAD_KEY = _l("An Idempotency-Key has 1 to 200 printable ASCII characters.")
T_IN_PROGRESS = _l("The first request with this Idempotency-Key is still being processed")
D_IN_PROGRESS = _l("Retry after a few seconds; the same answer will be given.")

E_REQUIRED = _l("This field is required.")
E_NOT_A_FILE = _l("Each attachment part must be a file (with a filename).")
E_STRING = _l("This field must be a string.")
E_TOO_LONG = _l("Too long: at most %(max)d characters.")
E_UNREADABLE = _l("This text contains characters that could not be read.")
E_BOOLEAN = _l("This field must be true or false.")
E_OBJECT = _l("This field must be an object with name and phone.")
E_DATE = _l("A date as YYYY-MM-DD, not in the future.")
E_UNKNOWN_FIELD = _l("Unknown field. (The caller's number is accepted only inside contact.)")


def client_key() -> str:
    """Rate-limit key of the API: the hashed Authorization header (the token, not the address)."""
    from intake.domain.keys.hotline import token_hash

    return "api:" + token_hash(request.headers.get("Authorization", "")).hex()[:32]


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document())


@bp.post("/reports")
def create_report() -> tuple[Response, int]:
    """Submit a call transcript; answers 201 with the receipt code to read to the caller."""
    token = _authenticate()
    body, files, fingerprint = _parse_request()
    key = _idempotency_key()
    submission, call_date = _validate(body)
    submission = dataclasses.replace(submission, unit=_unit(token, submission.unit))
    raw_token = request.headers["Authorization"].partition(" ")[2].strip()

    def work(store: Callable[[Answer], None]) -> Answer:
        answers: list[Answer] = []

        def before_commit(receipt: Receipt) -> None:
            for checked in files:
                attachments.store(
                    db.session(), receipt.report, receipt.data_key, checked, "hotline", call_date
                )
            answers.append(_answer(receipt, files))
            store(answers[0])  # in the report's own transaction

        submit_report(
            db.session(),
            context.settings(),
            context.taxonomy(),
            submission,
            call_date,
            before_commit=before_commit,
        )
        return answers[0]

    try:
        answer = idempotent(db.session(), token, raw_token, key, fingerprint, context.today(), work)
    except IdempotencyConflict:
        raise Problem(422, T_IDEMPOTENCY, D_IDEMPOTENCY) from None
    except StillInProgress:
        raise Problem(409, T_IN_PROGRESS, D_IN_PROGRESS, headers={"Retry-After": "2"}) from None
    return jsonify(answer.body), answer.status


def _answer(receipt: Receipt, files: list[Checked]) -> Answer:
    bureau = context.taxonomy().bureau(receipt.report.lead_bureau.code)
    body: dict[str, Any] = {
        "receipt_code": format_receipt(receipt.code),
        "status_url": url_for("public.status", _external=True),
        "bureau": {"code": bureau.code, "name_zh": bureau.name_zh, "name_en": bureau.name_en},
        "received_on": receipt.report.received_on.isoformat(),
        "decision_due": receipt.report.decision_due.isoformat(),
        "unit": receipt.report.lead_bureau.unit.code,
    }
    if files:
        body["attachments"] = [
            {"filename": f.filename, "kind": f.kind.code, "cleaned": f.cleaned} for f in files
        ]
    return Answer(201, body)


def _authenticate() -> HotlineToken:
    try:
        return authenticate(db.session(), request.headers.get("Authorization"))
    except TokenError as exc:
        detail = {"missing": D_MISSING, "unknown": D_UNKNOWN, "revoked": D_REVOKED}[exc.reason]
        raise Problem(
            401, T_UNAUTHORISED, detail, headers={"WWW-Authenticate": 'Bearer realm="hotline"'}
        ) from None


def _parse_request() -> tuple[dict[str, Any], list[Checked], bytes]:
    """The report, its checked files, and what identifies the request for Idempotency-Key.

    JSON alone, or multipart/form-data with the same JSON in a part named `report` and files
    in parts named `attachment` (multipart keeps memory flat; base64 in JSON would not).
    """
    if request.mimetype == "application/json":
        raw = request.get_data()
        return _parse_json(raw), [], raw
    if request.mimetype != "multipart/form-data":
        raise Problem(415, T_CONTENT_TYPE, D_CONTENT_TYPE)
    report_part = request.form.get("report")
    if report_part is None and "report" in request.files:
        report_part = request.files["report"].read(context.settings().max_body_bytes + 1)
    if report_part is None:
        raise Problem(400, T_MALFORMED, D_NO_REPORT_PART)
    raw = report_part.encode("utf-8") if isinstance(report_part, str) else report_part
    body = _parse_json(raw)
    uploaded = request.files.getlist("attachment")
    files, refusals = uploads.check_files(uploaded, context.settings())
    if "attachment" in request.form:
        refusals.append(str(E_NOT_A_FILE))
    if refusals:
        raise Problem(
            422,
            T_INVALID,
            None,
            errors=[{"field": "attachment", "detail": message} for message in refusals],
        )
    fingerprint = hashlib.sha256(raw)
    for checked in files:
        checked.stream.seek(0)
        while chunk := checked.stream.read(1 << 16):
            fingerprint.update(hashlib.sha256(chunk).digest())
        checked.stream.seek(0)
    return body, files, fingerprint.digest()


def _parse_json(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Problem(400, T_MALFORMED, D_MALFORMED) from None
    if not isinstance(body, dict):
        raise Problem(400, T_MALFORMED, D_NOT_OBJECT)
    return body


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key) <= IDEMPOTENCY_KEY_LIMIT or not all(" " <= c <= "~" for c in key):
        raise Problem(400, T_BAD_KEY, D_BAD_KEY)
    return key


def _validate(body: dict[str, Any]) -> tuple[Submission, dt.date]:
    errors: list[dict[str, str]] = []

    def fail(field: str, message: str, **values: object) -> None:
        errors.append({"field": field, "detail": str(message) % values if values else str(message)})

    def text(field: str, value: object, limit: int) -> str:
        if value is _ABSENT:
            return ""
        if not isinstance(value, str):
            fail(field, E_STRING)
            return ""
        # Counted after the documented normalisation (README "Input limits and
        # normalisation"), as the web form counts: text that passes the form passes here.
        value = normalise_text(value)
        if len(value) > limit:
            fail(field, E_TOO_LONG, max=limit)
        if REPLACEMENT_CHARACTER in value:
            fail(field, E_UNREADABLE)
        return value

    for field in sorted(set(body) - KNOWN_FIELDS):
        fail(field, E_UNKNOWN_FIELD)
    values = {
        field: text(field, body.get(field, _ABSENT), limit) for field, limit in TEXT_FIELDS.items()
    }
    for field in REQUIRED:
        if field != "call_date" and not values.get(field) and not _failed(errors, field):
            fail(field, E_REQUIRED)

    official = body.get("official_involved", False)
    if not isinstance(official, bool):
        fail("official_involved", E_BOOLEAN)

    contact = _contact(body.get("contact", _ABSENT), fail, text)
    call_date = _call_date(body.get("call_date"), fail)
    if errors or call_date is None:
        raise Problem(422, T_INVALID, None, errors=errors)
    submission = Submission(
        category=values["category"] or None,
        official_involved=bool(official),
        content=ReportContent(
            what_happened=values["transcript"],
            institution=values["institution"],
            people=values["people"],
            place=values["place"],
            when=values["when"],
            amount=values["amount"],
        ),
        contact=contact,
        channel="hotline",
        source=values["hotline"],
        unit=values["unit"] or None,
    )
    return submission, call_date


def _unit(token: HotlineToken, code: str | None) -> str:
    """The unit a call is filed with: one below the token's unit that the call names (a
    city's hotline taking a county's call, docs/design.md "Units"), else the token's own,
    whose intake desk passes it on, as a call without a known category goes to the desk:
    never a unit beside or above the token's."""
    session = db.session()
    named = units.by_code(session, code) if code else None
    if named is not None and named.id in units.below(session, token.unit_id):
        return named.code
    return session.get_one(Unit, token.unit_id).code


def _failed(errors: list[dict[str, str]], field: str) -> bool:
    return any(e["field"] == field for e in errors)


def _contact(value: object, fail: Any, text: Any) -> Contact | None:
    if value is _ABSENT:
        return None
    if not isinstance(value, dict) or set(value) - {"name", "phone"}:
        fail("contact", E_OBJECT)
        return None
    name = text("contact.name", value.get("name", _ABSENT), LIMITS["name"])
    phone = text("contact.phone", value.get("phone", _ABSENT), LIMITS["phone"])
    if not name:
        fail("contact.name", E_REQUIRED)
    if not phone:
        fail("contact.phone", E_REQUIRED)
    return Contact(name=name, phone=phone)


def _call_date(value: object, fail: Any) -> dt.date | None:
    if value is None:
        fail("call_date", E_REQUIRED)
        return None
    try:
        parsed = (
            dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        )
    except ValueError:
        parsed = None
    # One day of slack: the call centre's clock may already be past midnight.
    if parsed is None or parsed > context.today() + dt.timedelta(days=1) or parsed.year < 2000:
        fail("call_date", E_DATE)
        return None
    return parsed

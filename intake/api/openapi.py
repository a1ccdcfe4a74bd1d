"""The OpenAPI 3.1 document of the hotline API, kept true by tests against real responses."""

from __future__ import annotations

from typing import Any

from intake.domain.cases.content import LIMITS

# A character that survives normalisation: not whitespace, not a control or bidi character.
_VISIBLE = "[^\\s\\x00-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]"


_COUNTED = (
    " At most {limit} characters, counted after the documented normalisation (line ends, control"
    " and bidirectional characters, surrounding whitespace), as the web form counts."
)


def _text(limit: int, description: str, required: bool = False) -> dict[str, Any]:
    # maxLength is what a client can check before sending; the server counts what is left
    # after normalisation, so a value within maxLength is always accepted.
    schema: dict[str, Any] = {
        "type": "string",
        "maxLength": limit,
        "description": description + _COUNTED.format(limit=limit),
    }
    if required:
        schema["pattern"] = _VISIBLE
    return schema


PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string", "description": "Chinese / English"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "detail"],
                "properties": {"field": {"type": "string"}, "detail": {"type": "string"}},
            },
        },
    },
}


def _problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    if headers:
        response["headers"] = headers
    return response


REPORT_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["transcript", "hotline", "call_date"],
    "properties": {
        "transcript": _text(LIMITS["what_happened"], "What the caller reported.", True),
        "hotline": _text(100, "Name of the hotline that took the call, e.g. 12345.", True),
        "call_date": {
            "type": "string",
            "format": "date",
            "description": "Date of the call (no time). Not in the future, not before 2000.",
        },
        "category": _text(100, "A category code; unknown or missing goes to the intake desk."),
        "unit": _text(
            40,
            "Code of the unit (county) below the token's unit that the call is for; missing, "
            "unknown or not below it: the token's own unit, whose intake desk passes it on.",
        ),
        "institution": _text(LIMITS["institution"], "Institution involved."),
        "people": _text(LIMITS["people"], "People involved."),
        "place": _text(LIMITS["place"], "Where."),
        "when": _text(LIMITS["when"], "When it happened (free text)."),
        "amount": _text(LIMITS["amount"], "Amount involved (free text)."),
        "official_involved": {"type": "boolean", "default": False},
        "contact": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "phone"],
            "description": "Only when the caller asks for a real-name report (实名举报).",
            "properties": {
                "name": _text(LIMITS["name"], "Caller's name.", True),
                "phone": _text(LIMITS["phone"], "Caller's phone number.", True),
            },
        },
    },
}

REPORT_CREATED = {
    "type": "object",
    "required": ["receipt_code", "status_url", "bureau", "received_on", "decision_due"],
    "properties": {
        "receipt_code": {"type": "string", "pattern": "^[0-9]{4}( [0-9]{4}){4}$"},
        "status_url": {"type": "string"},
        "bureau": {
            "type": "object",
            "description": (
                "The bureau holding the case: the one its category routes to, or the intake "
                "desk while that bureau is not set up yet (the desk transfers it later)."
            ),
            "required": ["code", "name_zh", "name_en"],
            "properties": {
                "code": {"type": "string"},
                "name_zh": {"type": "string"},
                "name_en": {"type": "string"},
            },
        },
        "received_on": {"type": "string", "format": "date"},
        "decision_due": {"type": "string", "format": "date"},
        "unit": {"type": "string", "description": "Code of the unit the call was filed with."},
        "attachments": {
            "type": "array",
            "description": "The files stored, when the request carried any.",
            "items": {
                "type": "object",
                "required": ["filename", "kind", "cleaned"],
                "properties": {
                    "filename": {"type": "string"},
                    "kind": {"type": "string"},
                    "cleaned": {
                        "type": "boolean",
                        "description": "Metadata removed (images); false: stored as sent.",
                    },
                },
            },
        },
    },
}

MULTIPART_REQUEST = {
    "type": "object",
    "required": ["report"],
    "properties": {
        "report": {"$ref": "#/components/schemas/ReportRequest"},
        "attachment": {
            "type": "array",
            "maxItems": 5,
            "description": (
                "Evidence files (JPEG, PNG, HEIC, PDF, text, DOCX, XLSX, MP3, M4A, WAV, AMR): "
                "by default at most 5, each up to 10 MB; told apart by content, not by name. "
                "More files, a larger one or another kind get 422 naming the file."
            ),
            "items": {"type": "string", "contentMediaType": "application/octet-stream"},
        },
    },
}


def openapi_document() -> dict[str, Any]:
    """The document served at /api/v1/openapi.json."""
    retry_after = {"Retry-After": {"schema": {"type": "integer"}, "required": True}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Qingfeng hotline API",
            "version": "1",
            "description": (
                "Call-centre systems post call transcripts. A token can submit and never read. "
                "Read the receipt code back to the caller; it is shown only in this answer."
            ),
        },
        "paths": {
            "/api/v1/reports": {
                "post": {
                    "operationId": "createReport",
                    "security": [{"bearer": []}],
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "description": "A retry with the same key gets the same answer.",
                            "schema": {
                                "type": "string",
                                "minLength": 1,
                                "maxLength": 200,
                                "pattern": "^[ -~]+$",
                            },
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ReportRequest"}
                            },
                            "multipart/form-data": {
                                "schema": MULTIPART_REQUEST,
                                "encoding": {"report": {"contentType": "application/json"}},
                            },
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Stored; read the receipt code to the caller.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ReportCreated"}
                                }
                            },
                        },
                        "400": _problem("Malformed JSON or Idempotency-Key."),
                        "401": _problem(
                            "No token, an unknown one, or a revoked one.",
                            {"WWW-Authenticate": {"schema": {"type": "string"}}},
                        ),
                        "405": _problem("Wrong method.", {"Allow": {"schema": {"type": "string"}}}),
                        "409": _problem(
                            "The first request with this key is still running.", retry_after
                        ),
                        "413": _problem("Body over the limit."),
                        "415": _problem("Not application/json."),
                        "422": _problem("Missing, oversize or invalid fields; key reused."),
                        "429": _problem("Too many requests.", retry_after),
                        "503": _problem(
                            "The database is briefly unavailable, or the installation is still "
                            "being set up (the intake desk has no key yet): nothing was stored; "
                            "send the same request again later.",
                            retry_after,
                        ),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "ReportRequest": REPORT_REQUEST,
                "ReportCreated": REPORT_CREATED,
                "Problem": PROBLEM,
            },
        },
    }

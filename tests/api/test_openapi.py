"""The OpenAPI document is valid and true: real responses match what it documents."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

from tests.api.test_hotline_api import CALL, post


def document(client: FlaskClient) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def schema_for(doc: dict, path: str, method: str, status: int, media: str) -> dict:
    operation = doc["paths"][path][method]
    assert str(status) in operation["responses"], f"{status} is not documented"
    content = operation["responses"][str(status)]["content"]
    assert media in content, f"{media} is not documented for {status}"
    return {**content[media]["schema"], "components": doc["components"]}


def test_the_document_is_openapi_3_1_with_valid_schemas(client: FlaskClient) -> None:
    doc = document(client)
    assert doc["openapi"].startswith("3.1")
    for schema in doc["components"]["schemas"].values():
        validator_for(schema).check_schema(schema)


def test_the_request_schema_accepts_the_example_and_refuses_extra_fields(
    client: FlaskClient,
) -> None:
    doc = document(client)
    request_schema = {"$ref": "#/components/schemas/ReportRequest", "components": doc["components"]}
    validator = Draft202012Validator(request_schema)
    assert validator.is_valid(CALL)
    assert not validator.is_valid({**CALL, "caller_number": "13800000000"})
    assert not validator.is_valid({k: v for k, v in CALL.items() if k != "transcript"})


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({}, 201),
        ({"body": {**CALL, "transcript": ""}}, 422),
        ({"data": "{", "content_type": "application/json"}, 400),
        ({"data": "x", "content_type": "text/plain"}, 415),
        ({"headers": {"Idempotency-Key": ""}}, 400),
    ],
)
def test_real_responses_match_the_document(
    client: FlaskClient, app: Flask, token: str, kwargs: dict, status: int
) -> None:
    response = post(client, token, **kwargs)
    assert response.status_code == status
    media = "application/json" if status < 300 else "application/problem+json"
    assert response.mimetype == media
    schema = schema_for(document(client), "/api/v1/reports", "post", status, media)
    Draft202012Validator(schema).validate(json.loads(response.get_data()))


def test_unauthenticated_and_wrong_method_answers_match_the_document(
    client: FlaskClient,
) -> None:
    doc = document(client)
    for response, status in (
        (post(client, None), 401),
        (client.get("/api/v1/reports"), 405),
    ):
        assert response.status_code == status
        schema = schema_for(doc, "/api/v1/reports", "post", status, "application/problem+json")
        Draft202012Validator(schema).validate(response.get_json())

"""The served OpenAPI description is a valid OpenAPI 3 document (issue 9, "validates")."""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.conftest import login


def test_served_openapi_description_validates(client):
    login(client, "clerk")
    spec = client.get("/api/openapi.json").get_json()
    validate(spec)  # raises OpenAPIValidationError naming the offending path
    assert spec["paths"], "the description lists no operation"

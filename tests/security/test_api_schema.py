"""What the schemathesis run found, each pinned by a focused test: the OpenAPI schema documents
the errors the API answers, and describes its bodies and times as they are sent."""

from __future__ import annotations

import pytest

from tests import factories
from tests.helpers import API, api_get, api_post, login

pytestmark = pytest.mark.django_db

JSON_SCHEMA = "application/vnd.oai.openapi+json"


@pytest.fixture(scope="module")
def openapi(django_db_setup, django_db_blocker) -> dict:
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT=JSON_SCHEMA)
    assert response.status_code == 200
    return response.json()


def _responses(openapi: dict, path: str, method: str) -> dict:
    return openapi["paths"][path][method]["responses"]


def _body_schema(openapi: dict, response: dict) -> dict:
    schema = response["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_operation_documents_the_403_of_a_missing_role_or_second_factor(openapi):
    missing = [
        f"{method.upper()} {path}"
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
        if "403" not in operation["responses"]
    ]
    assert not missing


def test_operations_on_one_object_and_paged_lists_document_their_404(openapi):
    assert "404" in _responses(openapi, "/api/v1/children/{id}/", "get")
    assert "404" in _responses(openapi, "/api/v1/kit-blocks/{id}/", "delete")
    assert "404" in _responses(openapi, "/api/v1/schools/", "get")  # ?page=99


def test_operations_that_take_input_document_their_400(openapi):
    assert "400" in _responses(openapi, "/api/v1/children/", "post")
    assert "400" in _responses(openapi, "/api/v1/schools/", "get")  # filters


def test_operations_that_take_a_body_document_the_415_of_one_they_cannot_read(openapi, client):
    assert "415" in _responses(openapi, "/api/v1/matching-runs/", "post")
    assert "415" not in _responses(openapi, "/api/v1/schools/", "get")
    login(client, factories.coordinator())
    response = client.post(f"{API}/matching-runs/", "<run/>", content_type="text/xml")
    assert response.status_code == 415


def test_an_error_body_has_a_detail_and_only_a_refusal_has_a_code(openapi):
    body = _body_schema(openapi, _responses(openapi, "/api/v1/children/{id}/", "get")["404"])
    assert body["required"] == ["detail"]
    assert "code" in body["properties"]


def test_a_400_body_names_the_fields_rather_than_promising_a_detail(openapi):
    for path, method in [
        ("/api/v1/kits/", "post"),
        ("/api/v1/enrolments/", "post"),
        ("/api/v1/visits/{id}/withdraw/", "post"),
        ("/api/v1/session-requests/{id}/cancel/", "post"),
    ]:
        body = _body_schema(openapi, _responses(openapi, path, method)["400"])
        assert "required" not in body, f"{method} {path}"
        assert body["additionalProperties"] is True


def test_times_are_documented_as_local_times_without_an_offset(openapi):
    start = openapi["components"]["schemas"]["Activity"]["properties"]["start_time"]
    assert "format" not in start  # OpenAPI's `time` is RFC 3339's, with an offset
    assert start["pattern"].startswith("^([01][0-9]|2[0-3]):")


def test_the_heroes_own_rows_document_the_404_of_someone_who_is_no_hero(openapi, client):
    for path in ("/api/v1/heroes/me/availability/", "/api/v1/heroes/me/exceptions/"):
        assert "404" in _responses(openapi, path, "post")
    login(client, factories.parent())
    response = api_post(client, f"{API}/heroes/me/availability/", {"weekday": 1})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/children/not-a-number/", "/children/1/no-such-action/", "/no-such-resource/"],
)
def test_an_api_address_that_does_not_exist_is_a_json_404(client, path):
    login(client, factories.parent())
    response = api_get(client, f"{API}{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_a_json_404_for_any_method_and_even_without_signing_in(client):
    response = client.delete(f"{API}/children/not-a-number/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")

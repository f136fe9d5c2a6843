"""What every API endpoint promises: a schema and local docs, JSON errors that name the field,
403 without credentials, and pagination on every list."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from config.api_urls import router

from . import factories

pytestmark = pytest.mark.django_db

LIST_PREFIXES = [prefix for prefix, _viewset, _basename in router.registry]


def get(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="en")


def local_assets(html: str) -> list[str]:
    """Every src/href in a page; fails on any that leaves the site."""
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    remote = [url for url in urls if re.match(r"^(https?:)?//", url)]
    assert not remote, f"assets from another host: {remote}"
    return urls


def test_schema_answers_200_as_openapi(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    body = response.json()
    assert body["openapi"].startswith("3.")
    assert "/api/v1/schools/" in body["paths"]


def test_docs_answer_200_and_load_their_assets_from_this_site(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assets = local_assets(response.content.decode())
    sidecar = [url for url in assets if url.startswith("/static/drf_spectacular_sidecar/")]
    assert any(url.endswith("swagger-ui-bundle.js") for url in sidecar)
    for url in sidecar:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"


def test_redoc_answers_200_with_its_script_from_this_site(client):
    response = client.get("/api/redoc/")

    assert response.status_code == 200
    html = response.content.decode()
    local_assets(html)
    script = re.search(r'<script src="([^"]+)"', html).group(1)
    assert script.startswith("/static/drf_spectacular_sidecar/redoc/")
    assert finders.find(script.removeprefix("/static/"))


def test_schema_generates_without_warnings_or_errors(tmp_path):
    # --fail-on-warn turns any warning (an untyped field, a view the generator cannot read)
    # into a SystemExit, and --validate checks the result against the OpenAPI spec.
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert "/api/v1/groups/{id}/" in target.read_text()


def test_unknown_object_is_a_404_json_with_detail(client, coordinator):
    client.force_login(coordinator)

    response = get(client, "/api/v1/schools/999999/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("schools/", {"level": "xx"}, "level"),
        ("schools/", {"neighbourhood": "abc"}, "neighbourhood"),
        ("groups/", {"school": "abc"}, "school"),
        ("groups/", {"grade": "six"}, "grade"),
        ("neighbourhoods/", {"is_target_area": "maybe"}, "is_target_area"),
        ("venues/", {"municipality": "abc"}, "municipality"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_field(client, coordinator, path, params, field):
    client.force_login(coordinator)

    response = get(client, f"/api/v1/{path}", **params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == [field]
    assert body[field][0]


def test_a_bad_page_number_is_a_404_json(client, coordinator):
    client.force_login(coordinator)

    response = get(client, "/api/v1/schools/", page=99)

    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("prefix", LIST_PREFIXES)
def test_every_endpoint_refuses_anonymous_with_403(client, prefix):
    response = get(client, f"/api/v1/{prefix}/")

    assert response.status_code == 403
    assert response.json()["detail"] == "Authentication credentials were not provided."


@pytest.mark.parametrize("prefix", LIST_PREFIXES)
def test_every_list_is_paginated(client, prefix):
    # Someone holding every role, so each list answers them.
    school = factories.SchoolFactory()
    user = factories.coordinator(school.neighbourhood.municipality, is_parent=True)
    factories.StaffMembershipFactory(user=user, school=school)
    factories.HeroFactory(user=user, municipality=school.neighbourhood.municipality)
    factories.ProgrammeMembershipFactory(user=user)
    client.force_login(user)

    response = get(client, f"/api/v1/{prefix}/")

    assert response.status_code == 200
    assert {"count", "next", "previous", "results"} <= set(response.json())


def test_the_api_root_lists_the_endpoints(client, coordinator):
    client.force_login(coordinator)

    body = get(client, "/api/v1/").json()

    assert {"schools", "groups", "venues", "neighbourhoods", "municipalities"} <= set(body)

"""The API for the programme team's municipalities: the list with counts (programme team), and
adding a municipality with its first coordinator (programme administrators only)."""

import pytest
from django.core import mail

from accounts.models import Invitation
from notifications.models import Notification
from schools.models import Municipality
from tests import factories
from tests.helpers import API, api_get, login

pytestmark = pytest.mark.django_db

URL = f"{API}/programme/municipalities/"
BODY = {
    "name": "Haarlem",
    "holiday_region": "noord",
    "neighbourhoods": [{"name": "Schalkwijk", "is_target_area": True}, {"name": "Centrum"}],
    "coordinator_name": "Noor Bakker",
    "coordinator_email": "noor@example.test",
}


@pytest.fixture
def admin(db):
    return factories.programme(is_admin=True)


def post(client, body=BODY, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **headers
    )


def test_an_administrator_adds_a_municipality_and_its_coordinator_is_invited(
    client, admin, django_capture_on_commit_callbacks
):
    login(client, admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Haarlem" and body["slug"] == "haarlem"
    assert {(n["name"], n["is_target_area"]) for n in body["neighbourhoods"]} == {
        ("Schalkwijk", True),
        ("Centrum", False),
    }
    assert body["coordinator_invitation"]["email"] == "noor@example.test"
    assert body["coordinator_invitation"]["name"] == "Noor Bakker"
    assert [m.to for m in mail.outbox] == [["noor@example.test"]]


def test_the_list_has_every_municipality_with_its_counts(client, admin):
    school = factories.SchoolFactory(neighbourhood__municipality__name="Tilburg")
    factories.coordinator(school.neighbourhood.municipality)
    login(client, admin)

    response = api_get(client, URL)

    assert response.status_code == 200
    [tilburg] = response.json()["results"]
    assert tilburg["name"] == "Tilburg"
    assert (tilburg["school_count"], tilburg["coordinator_count"]) == (1, 1)
    assert {"count", "next", "previous", "results"} <= set(response.json())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"holiday_region": "oost"}, "holiday_region"),
        ({"coordinator_email": "not an address"}, "coordinator_email"),
        ({"coordinator_name": None}, "coordinator_name"),
        ({"neighbourhoods": [{"name": "x" * 101}]}, "neighbourhoods"),
        ({"neighbourhoods": "Centrum"}, "neighbourhoods"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, admin, change, field):
    login(client, admin)

    response = post(client, {**BODY, **change})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [field]
    assert not Municipality.objects.exists()


def test_a_name_that_exists_in_any_case_is_a_400_on_the_name(client, admin):
    factories.MunicipalityFactory(name="Haarlem", slug="haarlem")
    login(client, admin)

    response = post(client, {**BODY, "name": "haarlem"})

    assert response.status_code == 400
    assert response.json() == {"name": ["There is already a municipality called haarlem."]}
    assert not Invitation.objects.exists()


def test_a_retry_with_the_same_key_answers_the_first_and_mails_once(client, admin):
    login(client, admin)

    first = post(client, key="start-haarlem-1")
    again = post(client, key="start-haarlem-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Municipality.objects.count() == 1
    assert Notification.objects.filter(kind="account:invitation").count() == 1


def test_the_same_key_with_another_name_is_a_422(client, admin):
    login(client, admin)
    post(client, key="start-1")

    response = post(client, {**BODY, "name": "Leiden"}, key="start-1")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Municipality.objects.filter(name="Leiden").exists()


def test_another_persons_key_finds_nothing_of_theirs(client, admin):
    login(client, admin)
    post(client, key="shared-key")
    other = factories.programme(is_admin=True)
    login(client, other)

    response = post(client, {**BODY, "name": "Leiden"}, key="shared-key")

    assert response.status_code == 201
    assert Municipality.objects.count() == 2


def test_a_programme_member_reads_but_may_not_add(client):
    login(client, factories.programme())

    assert api_get(client, URL).status_code == 200
    response = post(client)

    assert response.status_code == 403
    assert response.json()["detail"] == "Only a programme administrator can add a municipality."
    assert not Municipality.objects.exists()


@pytest.mark.parametrize("person", ["coordinator", "staff", "parent", "hero"])
def test_outsiders_may_neither_read_nor_add(client, person, municipality):
    user = {
        "coordinator": lambda: factories.coordinator(municipality),
        "staff": lambda: factories.staff(),
        "parent": lambda: factories.parent(),
        "hero": lambda: factories.HeroFactory(municipality=municipality).user,
    }[person]()
    login(client, user)

    assert api_get(client, URL).status_code == 403
    assert post(client).status_code == 403
    assert not Municipality.objects.filter(name="Haarlem").exists()


def test_anonymous_is_a_403(client):
    assert post(client).status_code == 403
    assert api_get(client, URL).status_code == 403


def test_a_token_of_an_administrator_works(client, admin):
    from django.utils import timezone

    from accounts import services

    _token, key = services.api_token_create(user=admin, now=timezone.now())

    response = client.post(
        URL, BODY, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )

    assert response.status_code == 201, response.content


def test_the_list_costs_the_same_queries_for_few_and_many(client, admin, count_queries):
    login(client, admin)

    def grow(n: int) -> int:
        for _ in range(n):
            school = factories.SchoolFactory()
            factories.coordinator(school.neighbourhood.municipality)
        return count_queries(lambda: api_get(client, URL))

    few, many = grow(2), grow(8)
    # The session, the person, their roles, the count and the page of municipalities.
    assert few == many <= 5


def test_the_schema_documents_the_create(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    operation = schema["paths"]["/api/v1/programme/municipalities/"]["post"]
    assert {"201", "200", "400", "403", "422"} <= set(operation["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])

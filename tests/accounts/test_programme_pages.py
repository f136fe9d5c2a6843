"""The programme team's municipality pages: every member reads the list with its counts; a
programme administrator adds a municipality and its first coordinator; nobody else may."""

import re

import pytest
from django.urls import reverse

from accounts.models import Invitation
from notifications.models import Notification
from schools.models import Municipality
from tests import factories
from tests.helpers import login

pytestmark = pytest.mark.django_db

LIST = reverse("programme:municipality_list")
NEW = reverse("programme:municipality_create")


@pytest.fixture
def admin(db):
    return factories.programme(is_admin=True)


def form_data(client, **changes) -> dict:
    """The form as the page gives it (with its key), filled in."""
    page = client.get(NEW).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    return {
        "submission_key": key,
        "name": "Haarlem",
        "holiday_region": "noord",
        "neighbourhoods": "Centrum\r\nZuidwest",
        "target_neighbourhoods": "Schalkwijk",
        "coordinator_name": "Noor Bakker",
        "coordinator_email": "noor@example.test",
        **changes,
    }


def test_an_administrator_adds_a_municipality_and_sees_it_in_the_list(client, admin):
    login(client, admin)

    response = client.post(NEW, form_data(client), follow=True)

    assert response.redirect_chain[-1][0] == LIST
    assert "Haarlem has been added" in response.text
    haarlem = Municipality.objects.get(name="Haarlem")
    assert haarlem.neighbourhoods.filter(is_target_area=True).get().name == "Schalkwijk"
    assert haarlem.neighbourhoods.count() == 3
    [row] = [m for m in response.context["page_obj"] if m.pk == haarlem.pk]
    assert (row.neighbourhood_count, row.target_area_count) == (3, 1)
    assert (row.coordinator_count, row.invited_coordinator_count) == (0, 1)


def test_a_duplicate_name_is_a_form_error_next_to_the_name(client, admin):
    factories.MunicipalityFactory(name="Haarlem", slug="haarlem")
    login(client, admin)

    response = client.post(NEW, form_data(client, name="HAARLEM"))

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "There is already a municipality called HAARLEM."
    ]
    assert Municipality.objects.count() == 1
    assert not Invitation.objects.exists()


def test_sent_twice_it_adds_one_municipality_and_sends_one_invitation(client, admin):
    login(client, admin)
    data = form_data(client)

    first = client.post(NEW, data)
    again = client.post(NEW, data, follow=True)

    assert first.status_code == 302
    assert "sent twice; it was saved once" in again.text
    assert Municipality.objects.filter(name="Haarlem").count() == 1
    assert Notification.objects.filter(kind="account:invitation").count() == 1


def test_a_second_session_sending_the_same_form_still_adds_it_once(client, admin):
    """The session remembers nothing there (another browser tab after a crash, a retry through
    a proxy): the key stored on the municipality makes the second send the first."""
    login(client, admin)
    data = form_data(client)
    client.post(NEW, data)
    client.session.flush()

    login(client, admin)
    response = client.post(NEW, data)

    assert response.status_code == 302
    assert Municipality.objects.filter(name="Haarlem").count() == 1
    assert Notification.objects.filter(kind="account:invitation").count() == 1


def test_missing_fields_are_named(client, admin):
    login(client, admin)

    response = client.post(NEW, {})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "holiday_region", "coordinator_name", "coordinator_email"} <= set(errors)


def test_a_member_reads_the_list_but_cannot_add(client):
    member = factories.programme()
    factories.SchoolFactory(neighbourhood__municipality__name="Tilburg")
    login(client, member)

    listed = client.get(LIST)

    assert listed.status_code == 200
    assert "Tilburg" in listed.text
    assert NEW not in listed.text
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"name": "Haarlem"}).status_code == 403
    assert not Municipality.objects.filter(name="Haarlem").exists()


@pytest.mark.parametrize("person", ["coordinator", "staff", "parent", "hero", "site_admin"])
def test_others_may_neither_read_nor_add(client, person, municipality):
    user = {
        "coordinator": lambda: factories.coordinator(municipality),
        "staff": lambda: factories.staff(),
        "parent": lambda: factories.parent(),
        "hero": lambda: factories.HeroFactory(municipality=municipality).user,
        "site_admin": lambda: factories.give_mfa(factories.UserFactory(is_staff=True)).user,
    }[person]()
    login(client, user)

    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"name": "Haarlem"}).status_code == 403
    assert not Municipality.objects.filter(name="Haarlem").exists()


def test_anonymous_people_log_in_first(client):
    assert client.get(NEW).url.startswith("/accounts/login/")
    assert client.get(LIST).url.startswith("/accounts/login/")


def test_the_menu_links_the_list_for_the_programme_team(client, admin):
    login(client, admin)

    assert f'href="{LIST}"' in client.get("/").text


def test_the_list_costs_the_same_queries_for_few_and_many(client, admin, count_queries):
    login(client, admin)
    client.get(LIST)  # the session's first page also saves the session

    def grow(n: int) -> int:
        for _ in range(n):
            school = factories.SchoolFactory()
            factories.coordinator(school.neighbourhood.municipality)
            factories.NeighbourhoodFactory(
                municipality=school.neighbourhood.municipality, is_target_area=True
            )
        return count_queries(lambda: client.get(LIST))

    few, many = grow(2), grow(8)
    # The session, the person, their roles, the count and the page of municipalities.
    assert few == many <= 5

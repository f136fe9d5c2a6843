"""Organisation pages for a municipality's neighbourhoods: coordinators only."""

import pytest
from django.urls import reverse

from schools.models import Neighbourhood
from tests import factories
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_noon")]


# Neighbourhoods


def test_neighbourhood_list_shows_own_with_counts(client, coordinator, school, other_school):
    response = login(client, coordinator).get(reverse("schools:neighbourhood_list"))
    assert response.status_code == 200
    assert school.neighbourhood.name in response.text
    assert other_school.neighbourhood.name not in response.text
    assert response.context["page_obj"][0].school_count == 1


@pytest.mark.parametrize("person", ["staff", "parent"])
def test_neighbourhood_list_is_forbidden_without_coordinator_role(client, person, request):
    user = request.getfixturevalue(person)
    assert login(client, user).get(reverse("schools:neighbourhood_list")).status_code == 403


def test_neighbourhood_list_query_count_does_not_grow(
    client, coordinator, municipality, count_queries
):
    login(client, coordinator)

    def build(n):
        for _ in range(n):
            factories.SchoolFactory(neighbourhood__municipality=municipality)
        return count_queries(lambda: client.get(reverse("schools:neighbourhood_list")))

    assert build(2) == build(6)


def test_coordinator_adds_a_neighbourhood(client, coordinator, municipality):
    url = reverse("schools:neighbourhood_create")
    data = {"name": "Poelenburg", "is_target_area": "on"}
    assert login(client, coordinator).post(url, data).status_code == 302
    created = Neighbourhood.objects.get(name="Poelenburg")
    assert created.municipality == municipality
    assert created.is_target_area


def test_duplicate_neighbourhood_name_is_a_form_error(client, coordinator, school):
    url = reverse("schools:neighbourhood_create")
    response = login(client, coordinator).post(url, {"name": school.neighbourhood.name})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]


def test_coordinator_of_two_municipalities_picks_one(client, coordinator, other_school):
    second = other_school.neighbourhood.municipality
    factories.CoordinatorMembershipFactory(user=coordinator, municipality=second)
    login(client, coordinator)
    form = client.get(reverse("schools:neighbourhood_create")).context["form"]
    assert set(form.fields["municipality"].queryset) == {
        second,
        coordinator.coordinator_memberships.get(municipality__name="Zaanstad").municipality,
    }
    data = {"name": "Bijlmer", "municipality": second.pk}
    assert client.post(reverse("schools:neighbourhood_create"), data).status_code == 302
    assert Neighbourhood.objects.get(name="Bijlmer").municipality == second


def test_single_municipality_coordinator_gets_no_municipality_choice(client, coordinator):
    form = login(client, coordinator).get(reverse("schools:neighbourhood_create")).context["form"]
    assert "municipality" not in form.fields


def test_neighbourhood_with_schools_is_kept_with_a_clear_message(client, coordinator, school):
    url = reverse("schools:neighbourhood_delete", args=[school.neighbourhood_id])
    response = login(client, coordinator).post(url, follow=True)
    assert response.status_code == 200
    assert "still has schools or venues" in response.text
    assert Neighbourhood.objects.filter(pk=school.neighbourhood_id).exists()


def test_neighbourhood_with_a_venue_is_kept(client, coordinator, municipality):
    venue = factories.VenueFactory(neighbourhood__municipality=municipality)
    url = reverse("schools:neighbourhood_delete", args=[venue.neighbourhood_id])
    login(client, coordinator).post(url)
    assert Neighbourhood.objects.filter(pk=venue.neighbourhood_id).exists()


def test_empty_neighbourhood_is_deleted_on_post_only(client, coordinator, municipality):
    empty = factories.NeighbourhoodFactory(municipality=municipality)
    url = reverse("schools:neighbourhood_delete", args=[empty.pk])
    login(client, coordinator)
    assert client.get(url).status_code == 200
    assert Neighbourhood.objects.filter(pk=empty.pk).exists()
    client.post(url)
    assert not Neighbourhood.objects.filter(pk=empty.pk).exists()


@pytest.mark.parametrize("person", ["outsider_coordinator", "staff", "parent"])
def test_neighbourhood_pages_are_not_found_for_others(client, school, person, request):
    user = request.getfixturevalue(person)
    login(client, user)
    pk = school.neighbourhood_id
    assert client.post(reverse("schools:neighbourhood_delete", args=[pk])).status_code == 404
    edit = client.post(reverse("schools:neighbourhood_update", args=[pk]), {"name": "X"})
    assert edit.status_code == 404
    assert Neighbourhood.objects.get(pk=pk).name != "X"

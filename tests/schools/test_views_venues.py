"""Organisation pages for venues: coordinators only, scoped to their municipality."""

import pytest
from django.urls import reverse

from schools.models import Venue
from tests import factories
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_noon")]


# Venues


def test_coordinator_adds_and_edits_a_venue(client, coordinator, school):
    data = {
        "name": "jongerenHUB Poelenburg",
        "street": "Hub 1",
        "postcode": "1503 AB",
        "city": "Zaandam",
        "neighbourhood": school.neighbourhood_id,
    }
    login(client, coordinator)
    assert client.post(reverse("schools:venue_create"), data).status_code == 302
    venue = Venue.objects.get(name="jongerenHUB Poelenburg")
    data["description"] = "Open elke middag"
    assert client.post(reverse("schools:venue_update", args=[venue.pk]), data).status_code == 302
    venue.refresh_from_db()
    assert venue.description == "Open elke middag"


def test_venue_list_is_scoped_and_counts_queries(client, coordinator, municipality, count_queries):
    foreign = factories.VenueFactory(neighbourhood__municipality__name="Utrecht")
    login(client, coordinator)

    def build(n):
        factories.VenueFactory.create_batch(n, neighbourhood__municipality=municipality)
        return count_queries(lambda: client.get(reverse("schools:venue_list")))

    assert build(2) == build(6)
    assert foreign.name not in client.get(reverse("schools:venue_list")).text


@pytest.mark.parametrize("person", ["outsider_coordinator", "staff", "parent"])
def test_venue_pages_are_not_found_for_others(client, municipality, person, request):
    venue = factories.VenueFactory(neighbourhood__municipality=municipality)
    login(client, request.getfixturevalue(person))
    assert client.post(reverse("schools:venue_delete", args=[venue.pk])).status_code == 404
    assert client.get(reverse("schools:venue_update", args=[venue.pk])).status_code == 404
    assert Venue.objects.filter(pk=venue.pk).exists()


def test_venue_list_is_forbidden_for_staff(client, staff):
    assert login(client, staff).get(reverse("schools:venue_list")).status_code == 403

"""Staff pages for activities, who sees what: the lists of one's school or municipality,
the pages of an activity 404 for others, and queries that do not grow."""

import pytest
from django.urls import reverse

from activities.models import Activity
from tests import factories
from tests.activities.helpers import activity_for, place, wait
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


# Scoping


def test_list_shows_staff_only_their_schools_activities(client, staff, school, outsider_staff):
    own = activity_for(school, title="Eigen judo")
    foreign = activity_for(outsider_staff.staff_memberships.get().school, title="Andere judo")
    response = login(client, staff).get(reverse("activities:staff_list"))
    assert response.status_code == 200
    assert own.title in response.text
    assert foreign.title not in response.text


def test_list_shows_coordinator_their_municipality_only(client, coordinator, school, other_school):
    own = activity_for(school, title="Eigen judo")
    foreign = activity_for(other_school, title="Amsterdamse judo")
    response = login(client, coordinator).get(reverse("activities:staff_list"))
    assert own.title in response.text
    assert foreign.title not in response.text


def test_list_is_forbidden_for_a_parent(client, parent):
    assert login(client, parent).get(reverse("activities:staff_list")).status_code == 403


def test_list_filters_by_status(client, staff, school):
    draft = activity_for(school, title="Schaken", status=Activity.Status.DRAFT)
    published = activity_for(school, title="Voetbal")
    response = login(client, staff).get(reverse("activities:staff_list"), {"status": "draft"})
    assert draft.title in response.text
    assert published.title not in response.text


def test_list_filters_by_school_for_a_coordinator(client, coordinator, school, municipality):
    second = factories.SchoolFactory(neighbourhood__municipality=municipality)
    here = activity_for(school, title="Hier")
    there = activity_for(second, title="Daar")
    url = reverse("activities:staff_list")
    response = login(client, coordinator).get(url, {"school": second.pk})
    assert there.title in response.text
    assert here.title not in response.text


def test_list_shows_places_waiting_list_and_next_session(client, staff, school):
    activity = activity_for(school, capacity=3)
    place(activity, 2)
    wait(activity, 1)
    response = login(client, staff).get(reverse("activities:staff_list"))
    assert "2 of 3" in response.text
    assert "Wed 6 Jan 14:00" in response.text


def _scoped_urls(activity, occurrence, enrolment):
    return [
        reverse("activities:staff_detail", args=[activity.pk]),
        reverse("activities:staff_update", args=[activity.pk]),
        reverse("activities:staff_cancel", args=[activity.pk]),
        reverse("activities:staff_report", args=[activity.pk]),
        reverse("activities:staff_report_csv", args=[activity.pk]),
        reverse("activities:staff_register", args=[occurrence.pk]),
        reverse("activities:staff_occurrence_cancel", args=[occurrence.pk]),
        reverse("activities:staff_enrolment_cancel", args=[activity.pk, enrolment.pk]),
        reverse("activities:staff_child_report", args=[enrolment.child_id]),
    ]


@pytest.mark.parametrize("person", ["staff", "coordinator"])
def test_pages_of_an_activity_open_for_its_school_and_municipality(client, school, person):
    user = (
        factories.staff(school)
        if person == "staff"
        else factories.coordinator(school.neighbourhood.municipality)
    )
    activity = activity_for(school)
    (enrolment,) = place(activity)
    login(client, user)
    for url in _scoped_urls(activity, activity.occurrences.first(), enrolment):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("person", ["outsider_staff", "outsider_coordinator", "parent"])
def test_pages_of_an_activity_are_404_for_others(client, school, person, request):
    activity = activity_for(school)
    (enrolment,) = place(activity)
    login(client, request.getfixturevalue(person))
    for url in _scoped_urls(activity, activity.occurrences.first(), enrolment):
        assert client.get(url).status_code in (403, 404), url
        if person != "parent":
            assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("person", ["outsider_staff", "outsider_coordinator"])
def test_others_cannot_publish_cancel_or_place(client, school, person, request):
    draft = activity_for(school, status=Activity.Status.DRAFT)
    published = activity_for(school)
    (waiting,) = wait(published)
    login(client, request.getfixturevalue(person))
    assert client.post(reverse("activities:staff_publish", args=[draft.pk])).status_code == 404
    assert client.post(reverse("activities:staff_cancel", args=[published.pk])).status_code == 404
    url = reverse("activities:staff_place", args=[published.pk])
    assert client.post(url, {"enrolment": waiting.pk}).status_code == 404
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == Activity.Status.DRAFT
    assert published.status == Activity.Status.PUBLISHED
    assert published.seats_taken == 0


# Query counts


def test_list_query_count_does_not_grow(client, staff, school, count_queries):
    login(client, staff)

    def build(n):
        for _ in range(n):
            activity = activity_for(school, capacity=3)
            place(activity, 1)
            wait(activity, 1)
        return count_queries(lambda: client.get(reverse("activities:staff_list")))

    assert build(2) == build(8)


def test_detail_query_count_does_not_grow(client, staff, school, count_queries):
    activity = activity_for(school, capacity=20)
    login(client, staff)
    url = reverse("activities:staff_detail", args=[activity.pk])

    def build(n):
        place(activity, n)
        wait(activity, n)
        return count_queries(lambda: client.get(url))

    assert build(2) == build(8)

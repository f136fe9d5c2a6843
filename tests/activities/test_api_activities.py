"""The activities API on activities: what a list and a detail show, who sees which (drafts
only for their school's staff and coordinators), and the filters."""

import datetime as dt

import pytest
import time_machine

from activities import services
from tests import factories
from tests.activities.helpers import enrol
from tests.clock import ENROLLING as NOW
from tests.helpers import API, api_get, api_post, ids, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


@pytest.fixture
def elsewhere(other_school):
    return factories.ActivityFactory(school=other_school)


# --- activities: what is shown ------------------------------------------------------------


def test_activity_detail_shows_sessions_places_waiting_list_allocation_and_window(
    client, parent, activity
):
    services.occurrences_regenerate(activity=activity, today=NOW.date())
    first = activity.occurrences.first()
    services.occurrence_cancel(occurrence=first, reason="Studiedag", now=NOW)
    for kid in factories.ChildFactory.create_batch(3, school=activity.school):
        enrol(activity, kid)

    body = api_get(login(client, parent), f"{API}/activities/{activity.pk}/").json()

    assert body["places_left"] == 0
    assert body["waitlist_length"] == 1
    assert body["allocation"] == "first_come"
    assert body["enrolment_window"] == {
        "opens_at": "2026-11-01T10:00:00+01:00",
        "closes_at": "2027-02-01T00:00:00+01:00",
        "is_open": True,
    }
    assert body["school"] == {"id": activity.school_id, "name": activity.school.name}
    assert body["neighbourhood"]["id"] == activity.school.neighbourhood_id
    assert len(body["occurrences"]) == activity.occurrences.count() == 13
    assert body["occurrences"][0] == {
        "id": first.pk,
        "date": "2027-01-06",
        "starts_at": "2027-01-06T14:00:00+01:00",
        "ends_at": "2027-01-06T15:30:00+01:00",
        "cancelled": True,
        "cancel_reason": "Studiedag",
    }
    assert body["occurrences"][1]["cancelled"] is False


def test_activity_list_shows_places_left_but_not_the_sessions(client, parent, activity):
    body = api_get(login(client, parent), f"{API}/activities/").json()

    (row,) = body["results"]
    assert row["places_left"] == 2
    assert row["waitlist_length"] == 0
    assert "occurrences" not in row


def test_an_activity_at_a_venue_shows_the_venues_neighbourhood(client, parent, school):
    venue = factories.VenueFactory(neighbourhood__municipality=school.neighbourhood.municipality)
    activity = factories.ActivityFactory(school=school, venue=venue)

    body = api_get(login(client, parent), f"{API}/activities/{activity.pk}/").json()

    assert body["venue"] == {"id": venue.pk, "name": venue.name}
    assert body["neighbourhood"] == {"id": venue.neighbourhood_id, "name": venue.neighbourhood.name}


def test_the_window_shows_closed_once_enrolment_has_closed(client, parent, activity):
    with time_machine.travel(dt.datetime(2027, 2, 2, tzinfo=dt.UTC), tick=False):
        body = api_get(login(client, parent), f"{API}/activities/{activity.pk}/").json()

    assert body["enrolment_window"]["is_open"] is False


# --- activities: who sees what --------------------------------------------------------------


def test_parent_sees_every_published_activity_but_no_draft(
    client, parent, activity, draft, elsewhere
):
    client = login(client, parent)

    assert ids(api_get(client, f"{API}/activities/")) == {activity.pk, elsewhere.pk}
    assert api_get(client, f"{API}/activities/{draft.pk}/").status_code == 404


def test_staff_also_see_their_own_schools_drafts(client, staff, activity, draft, elsewhere):
    client = login(client, staff)

    assert ids(api_get(client, f"{API}/activities/")) == {activity.pk, draft.pk, elsewhere.pk}
    assert api_get(client, f"{API}/activities/{draft.pk}/").json()["status"] == "draft"


def test_coordinator_sees_the_drafts_of_their_municipality(client, coordinator, draft):
    assert api_get(login(client, coordinator), f"{API}/activities/{draft.pk}/").status_code == 200


@pytest.mark.parametrize("outsider", ["outsider_staff", "outsider_coordinator", "other_parent"])
def test_outsiders_get_404_on_a_draft_and_do_not_list_it(client, request, draft, outsider):
    client = login(client, request.getfixturevalue(outsider))

    assert api_get(client, f"{API}/activities/{draft.pk}/").status_code == 404
    assert draft.pk not in ids(api_get(client, f"{API}/activities/"))


@pytest.mark.parametrize("path", ["activities/", "children/", "enrolments/"])
def test_anonymous_gets_403_on_lists(client, activity, path):
    response = client.get(f"{API}/{path}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert response.json()["detail"] == "Authentication credentials were not provided."


def test_anonymous_gets_403_on_details_and_writes(client, activity, child):
    enrolment = factories.EnrolmentFactory(child=child, activity=activity)

    assert client.get(f"{API}/activities/{activity.pk}/").status_code == 403
    assert client.get(f"{API}/children/{child.pk}/").status_code == 403
    assert (
        api_post(
            client, f"{API}/enrolments/", {"child": child.pk, "activity": activity.pk}
        ).status_code
        == 403
    )
    assert api_post(client, f"{API}/enrolments/{enrolment.pk}/cancel/").status_code == 403
    assert api_get(client, f"{API}/activities/{activity.pk}/register/").status_code == 403


# --- activities: filters --------------------------------------------------------------------


def test_filter_by_school_weekday_category_and_level(client, parent, school, other_school):
    wednesday = factories.ActivityFactory(school=school)
    friday = factories.ActivityFactory(
        school=school, weekday=4, category="culture", title="Theater"
    )
    vo = factories.ActivityFactory(
        school=factories.SchoolFactory(level="vo"), grade_min=1, grade_max=2
    )
    there = factories.ActivityFactory(school=other_school)
    client = login(client, parent)
    url = f"{API}/activities/"

    assert ids(api_get(client, url, school=school.pk)) == {wednesday.pk, friday.pk}
    assert ids(api_get(client, url, weekday=4)) == {friday.pk}
    assert ids(api_get(client, url, category="culture")) == {friday.pk}
    assert ids(api_get(client, url, level="vo")) == {vo.pk}
    assert ids(api_get(client, url, school=other_school.pk)) == {there.pk}


def test_filter_by_neighbourhood_matches_the_school_or_the_venue(client, parent, school):
    municipality = school.neighbourhood.municipality
    hub = factories.VenueFactory(neighbourhood__municipality=municipality)
    at_school = factories.ActivityFactory(school=school)
    at_hub = factories.ActivityFactory(school=school, venue=hub)
    hub_school = factories.SchoolFactory(neighbourhood=hub.neighbourhood)
    near_hub = factories.ActivityFactory(school=hub_school)
    client = login(client, parent)
    url = f"{API}/activities/"

    assert ids(api_get(client, url, neighbourhood=school.neighbourhood_id)) == {at_school.pk}
    assert ids(api_get(client, url, neighbourhood=hub.neighbourhood_id)) == {at_hub.pk, near_hub.pk}


def test_filter_by_grade_finds_ranges_that_include_it(client, parent, school):
    young = factories.ActivityFactory(school=school, grade_min=1, grade_max=3)
    old = factories.ActivityFactory(school=school, grade_min=6, grade_max=8)
    client = login(client, parent)
    url = f"{API}/activities/"

    assert ids(api_get(client, url, grade=3)) == {young.pk}
    assert ids(api_get(client, url, grade=6)) == {old.pk}
    assert ids(api_get(client, url, grade=5)) == set()


def test_filter_by_places_left(client, parent, school):
    full = factories.ActivityFactory(school=school, capacity=1)
    enrol(full, factories.ChildFactory(school=school))
    free = factories.ActivityFactory(school=school)
    client = login(client, parent)
    url = f"{API}/activities/"

    assert ids(api_get(client, url, places_left="true")) == {free.pk}
    assert ids(api_get(client, url, places_left="false")) == {full.pk}


def test_search_matches_title_and_description(client, parent, school):
    chess = factories.ActivityFactory(school=school, title="Schaakclub")
    robots = factories.ActivityFactory(school=school, description="We bouwen robots.")
    client = login(client, parent)

    assert ids(api_get(client, f"{API}/activities/", search="schaak")) == {chess.pk}
    assert ids(api_get(client, f"{API}/activities/", search="robots")) == {robots.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"grade": "six"}, "grade"),
        ({"grade": "9"}, "grade"),
        ({"weekday": "9"}, "weekday"),
        ({"places_left": "maybe"}, "places_left"),
        ({"category": "darts"}, "category"),
        ({"school": "abc"}, "school"),
        ({"neighbourhood": "999999"}, "neighbourhood"),
    ],
)
def test_a_bad_activity_filter_is_a_400_naming_it(client, parent, activity, params, field):
    response = api_get(login(client, parent), f"{API}/activities/", **params)

    assert response.status_code == 400
    assert list(response.json()) == [field]

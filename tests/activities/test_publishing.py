"""Publishing an activity whose dates have passed: refused when all have (or none is left
after the closures), published with a warning naming the past dates when some have; on the
service, the staff page and the API. And the overlap refusal names the other activity."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from activities import errors, services
from activities.models import Activity, Enrolment
from activities.schedule import past_session_dates
from tests import factories
from tests.activities.helpers import activity_for, enrol_on_page
from tests.clock import ENROLLING as NOW
from tests.helpers import API, api_post, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]

# Wednesdays, seen from 1 December 2026 (NOW).
ALL_PAST = {"first_date": dt.date(2026, 10, 7), "last_date": dt.date(2026, 11, 25)}
PARTLY_PAST = {"first_date": dt.date(2026, 11, 11), "last_date": dt.date(2027, 1, 27)}


def draft(school, **kw) -> Activity:
    return activity_for(school, status=Activity.Status.DRAFT, **kw)


# --- the service ------------------------------------------------------------------------------


def test_a_draft_whose_dates_have_all_passed_is_not_published(school):
    activity = draft(school, **ALL_PAST)

    with pytest.raises(errors.AllDatesPast):
        services.activity_publish(activity=activity, now=NOW)

    activity.refresh_from_db()
    assert activity.status == Activity.Status.DRAFT


def test_a_session_that_has_started_counts_as_past(school):
    # The last Wednesday, 25 November 14:00: a minute after the start it cannot be booked.
    activity = draft(school, **ALL_PAST)
    start = dt.datetime(2026, 11, 25, 13, 0, tzinfo=dt.UTC)

    assert services.activity_publish(activity=activity, now=start - dt.timedelta(minutes=1))
    activity.status = Activity.Status.DRAFT
    activity.save()
    with pytest.raises(errors.AllDatesPast):
        services.activity_publish(activity=activity, now=start + dt.timedelta(minutes=1))


def test_a_draft_with_every_date_in_a_closure_is_not_published(school):
    factories.ClosureFactory(
        municipality=school.neighbourhood.municipality,
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 4, 30),
    )
    activity = draft(school)

    with pytest.raises(errors.NoSessions):
        services.activity_publish(activity=activity, now=NOW)


def test_a_partly_past_draft_is_published_and_its_past_dates_are_known(school):
    activity = draft(school, **PARTLY_PAST)

    published = services.activity_publish(activity=activity, now=NOW)

    assert published.status == Activity.Status.PUBLISHED
    past = past_session_dates(activity, NOW)
    assert past == [dt.date(2026, 11, 11), dt.date(2026, 11, 18), dt.date(2026, 11, 25)]


# --- the staff page ---------------------------------------------------------------------------


def publish_on_page(client, activity):
    return client.post(reverse("activities:staff_publish", args=[activity.pk]), follow=True)


def test_the_page_says_why_it_was_not_published(client, staff, school):
    activity = draft(school, **ALL_PAST)

    page = publish_on_page(login(client, staff), activity)

    assert "Every date of this activity is in the past" in page.text
    activity.refresh_from_db()
    assert activity.status == Activity.Status.DRAFT


def test_the_page_names_the_past_dates_after_publishing(client, staff, school):
    activity = draft(school, **PARTLY_PAST)
    page = login(client, staff).get(reverse("activities:staff_detail", args=[activity.pk]))
    assert "3 dates of this draft are already in the past" in page.text

    page = publish_on_page(client, activity)

    assert "The activity is published." in page.text
    assert (
        "3 dates are already in the past and cannot be booked: 11 November 2026, "
        "18 November 2026, 25 November 2026." in page.text
    )


# --- the API ----------------------------------------------------------------------------------


def publish_url(activity) -> str:
    return f"{API}/activities/{activity.pk}/publish/"


def test_the_api_refuses_with_a_409_naming_the_problem(client, staff, school):
    activity = draft(school, **ALL_PAST)

    response = api_post(login(client, staff), publish_url(activity))

    assert response.status_code == 409
    assert response.json()["code"] == "all_dates_past"
    assert "Every date of this activity is in the past" in response.json()["detail"]


def test_the_api_publishes_and_lists_the_past_dates(client, coordinator, school):
    activity = draft(school, **PARTLY_PAST)

    response = api_post(login(client, coordinator), publish_url(activity))

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"]) == (activity.pk, "published")
    assert body["past_dates"] == ["2026-11-11", "2026-11-18", "2026-11-25"]
    assert body["venue_clashes"] == []
    assert body["warnings"][0].startswith("3 dates are already in the past")


@pytest.mark.parametrize("who", ["outsider_staff", "outsider_coordinator", "parent"])
def test_the_api_publish_is_a_404_for_outsiders(client, request, school, who):
    activity = draft(school, **PARTLY_PAST)

    response = api_post(login(client, request.getfixturevalue(who)), publish_url(activity))

    assert response.status_code == 404
    activity.refresh_from_db()
    assert activity.status == Activity.Status.DRAFT


# --- the overlap refusal names the other activity ---------------------------------------------


def overlapping(school, parent):
    child = factories.ChildFactory(guardian=parent, school=school, grade=5, first_name="Noor")
    taken = factories.ActivityFactory(school=school, title="Schaken")
    factories.EnrolmentFactory(activity=taken, child=child)
    wanted = factories.ActivityFactory(
        school=school, start_time=dt.time(15, 0), end_time=dt.time(16, 0)
    )
    return child, taken, wanted


NAMED = (
    "Noor already has another activity at that time: Schaken, every Wednesday from 14:00 to "
    "15:30 (6 January 2027 to 31 March 2027)."
)


def test_the_overlap_refusal_names_the_activity_and_its_time(school, parent):
    child, taken, wanted = overlapping(school, parent)

    with pytest.raises(errors.Overlap) as exc:
        services.enrolment_create(guardian=parent, child=child, activity=wanted, now=NOW)

    assert exc.value.other == taken
    assert str(exc.value.message) == NAMED


def test_placing_by_hand_names_the_overlapping_activity_too(school, parent, staff):
    child, taken, wanted = overlapping(school, parent)

    with pytest.raises(errors.Overlap) as exc:
        services.enrolment_place(activity=wanted, child=child, placed_by=staff, now=NOW)

    assert exc.value.other == taken


def test_the_api_overlap_refusal_names_it_in_words_and_fields(client, school, parent):
    child, taken, wanted = overlapping(school, parent)

    response = api_post(
        login(client, parent), f"{API}/enrolments/", {"activity": wanted.pk, "child": child.pk}
    )

    assert response.status_code == 409, response.content
    body = response.json()
    assert (body["code"], body["detail"]) == ("overlap", NAMED)
    assert body["other_activity"] == {
        "id": taken.pk,
        "title": "Schaken",
        "weekday": 2,
        "start_time": "14:00",
        "end_time": "15:30",
        "first_date": "2027-01-06",
        "last_date": "2027-03-31",
    }
    assert Enrolment.objects.filter(activity=wanted).count() == 0


def test_the_page_shows_the_named_overlap(client, school, parent):
    child, _taken, wanted = overlapping(school, parent)

    page = enrol_on_page(login(client, parent), wanted, child)

    assert html.escape(NAMED) in page.text

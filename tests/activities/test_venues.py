"""Venues: two activities at one venue at overlapping times are a warning to staff (naming the
other activity, its school and time) and a row on the coordinators' clash page; a venue's week
at a glance, on a page and in the API, for staff and coordinators of its municipality only."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import roles_for
from activities import services, venues
from activities.models import Activity
from tests import factories
from tests.activities.helpers import activity_for
from tests.activities.test_staff_views_form import form_data
from tests.clock import ENROLLING as NOW
from tests.helpers import API, api_get, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]

WEEK_2 = "2027-W02"  # Monday 11 to Sunday 17 January 2027; Wednesday the 13th


@pytest.fixture
def venue(municipality):
    return factories.VenueFactory(
        name="jongerenHUB Zaandam", neighbourhood__municipality=municipality
    )


@pytest.fixture
def judo(school, venue):
    """Wednesdays 14:00-15:30 at the venue, 6 January to 31 March 2027 (13 sessions)."""
    return activity_for(school, venue=venue, title="Judo")


def dance(venue, **kw) -> Activity:
    """Another school's activity at the venue, Wednesdays 15:00-16:00 unless told otherwise."""
    school = factories.SchoolFactory(
        name="De Regenboog", neighbourhood=venue.neighbourhood, **kw.pop("school", {})
    )
    kw.setdefault("start_time", dt.time(15, 0))
    kw.setdefault("end_time", dt.time(16, 0))
    return activity_for(school, venue=venue, title="Dans", **kw)


# --- clashes of one activity ------------------------------------------------------------------


def test_another_activity_at_the_venue_at_the_same_time_is_a_clash(judo, venue):
    other = dance(venue)

    [clash] = venues.clashes_for_activity(judo, now=NOW)

    assert clash.other == other
    assert len(clash.sessions) == 13
    assert clash.first.date == dt.date(2027, 1, 6)


@pytest.mark.parametrize(
    "change",
    [
        {"start_time": dt.time(15, 30), "end_time": dt.time(16, 30)},  # only touches
        {"weekday": 3},  # Thursdays
        {"status": Activity.Status.CANCELLED},
    ],
    ids=["touching", "other-day", "cancelled"],
)
def test_no_clash_when_times_days_or_status_differ(judo, venue, change):
    dance(venue, **change)
    assert venues.clashes_for_activity(judo, now=NOW) == []


def test_no_clash_at_another_venue_or_at_the_school(judo, school, venue):
    dance(factories.VenueFactory(neighbourhood=venue.neighbourhood))
    activity_for(school, title="Schaken")  # at the school itself, same time
    assert venues.clashes_for_activity(judo, now=NOW) == []
    assert venues.clashes_for_activity(Activity.objects.get(title="Schaken"), now=NOW) == []


def test_cancelled_and_past_sessions_do_not_clash(judo, venue):
    other = dance(venue, last_date=dt.date(2027, 1, 13))  # 6 and 13 January
    first, second = other.occurrences.order_by("date")
    services.occurrence_cancel(occurrence=first, reason="Ziek", now=NOW)

    [clash] = venues.clashes_for_activity(judo, now=NOW)
    assert [s.date for s in clash.sessions] == [dt.date(2027, 1, 13)]
    assert venues.clashes_for_activity(judo, now=second.ends_at) == []


def test_staff_are_warned_when_they_publish(client, staff, school, venue):
    dance(venue)
    draft = activity_for(school, venue=venue, title="Judo", status=Activity.Status.DRAFT)

    page = login(client, staff).post(
        reverse("activities:staff_publish", args=[draft.pk]), follow=True
    )

    warning = (
        "jongerenHUB Zaandam is also booked by Dans (De Regenboog) at the same time, on 13 "
        "dates, the first on Wednesday 6 January 2027 from 15:00 to 16:00."
    )
    assert warning in page.text
    draft.refresh_from_db()
    assert draft.status == Activity.Status.PUBLISHED  # a warning, not a refusal


def test_staff_are_warned_when_they_save_a_new_activity_there(client, staff, venue):
    dance(venue)  # Wednesdays 15:00-16:00, January to March
    data = form_data(venue=venue.pk, weekday="2", first_date="2027-01-06", last_date="2027-01-27")

    page = login(client, staff).post(reverse("activities:staff_create"), data, follow=True)

    assert "The activity has been saved as a draft." in page.text
    assert "is also booked by Dans (De Regenboog) at the same time, on 4 dates" in page.text


def test_the_activity_page_keeps_showing_the_clash(client, staff, judo, venue):
    dance(venue)
    page = login(client, staff).get(reverse("activities:staff_detail", args=[judo.pk]))
    assert "Another activity at the same venue and time" in page.text
    assert "is also booked by Dans (De Regenboog)" in page.text


def test_the_api_lists_the_clash_when_publishing(client, staff, school, venue):
    other = dance(venue)
    draft = activity_for(school, venue=venue, status=Activity.Status.DRAFT)

    response = login(client, staff).post(
        f"{API}/activities/{draft.pk}/publish/", HTTP_ACCEPT_LANGUAGE="en"
    )

    [clash] = response.json()["venue_clashes"]
    assert (clash["activity"], clash["title"], clash["sessions"]) == (other.pk, "Dans", 13)
    assert clash["school"] == {"id": other.school_id, "name": "De Regenboog"}


# --- the coordinators' clash page ---------------------------------------------------------------


def test_coordinators_see_each_pair_once_with_a_count(judo, venue, coordinator):
    dance(venue)

    [row] = venues.clashes_for_coordinator(roles_for(coordinator), now=NOW)

    assert {row.first.activity.title, row.second.activity.title} == {"Judo", "Dans"}
    assert (row.venue, row.count) == (venue, 13)


def test_the_clash_page_is_for_the_municipalitys_coordinators(
    client, judo, venue, coordinator, outsider_coordinator, staff
):
    dance(venue)
    url = reverse("activities:venue_clashes")

    own = login(client, coordinator).get(url)
    assert "jongerenHUB Zaandam" in own.text and "Dans" in own.text
    assert reverse("activities:venue_week", args=[venue.pk]) in own.text
    assert "jongerenHUB Zaandam" not in login(client, outsider_coordinator).get(url).text
    assert login(client, staff).get(url).status_code == 403


def test_the_clash_page_query_count_does_not_grow(client, coordinator, venue, count_queries):
    client = login(client, coordinator)
    url = reverse("activities:venue_clashes")

    def grow(n):
        for _ in range(n):
            elsewhere = factories.VenueFactory(neighbourhood=venue.neighbourhood)
            dance(elsewhere)
            dance(elsewhere, start_time=dt.time(14, 30))

    grow(1)
    small = count_queries(lambda: client.get(url))
    grow(4)
    large = count_queries(lambda: client.get(url))
    assert small == large


def test_the_clash_page_pages_its_clashes(client, coordinator, venue):
    for _ in range(8):
        dance(venue)  # 8 activities at one time: 28 pairs
    client = login(client, coordinator)
    url = reverse("activities:venue_clashes")

    first, second = client.get(url), client.get(url, {"page": 2})

    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 3
    assert "?page=2" in first.text


# --- the week at a glance ---------------------------------------------------------------------


def week_url(venue, week=WEEK_2) -> str:
    return reverse("activities:venue_week", args=[venue.pk]) + f"?week={week}"


def test_the_week_shows_each_session_with_its_school_and_marks_cancellations(
    client, staff, judo, venue
):
    other = dance(venue)
    cancelled = other.occurrences.get(date=dt.date(2027, 1, 13))
    services.occurrence_cancel(occurrence=cancelled, reason="Ziek", now=NOW)

    page = login(client, staff).get(week_url(venue))

    assert page.status_code == 200
    assert "Monday 11 January" in page.text and "Sunday 17 January" in page.text
    assert "14:00\u201315:30" in page.text and "Judo" in page.text
    assert "De Regenboog" in page.text and "venue-cancelled" in page.text
    assert "?week=2027-W01" in page.text and "?week=2027-W03" in page.text


def test_a_bad_week_shows_this_week_and_says_so(client, staff, venue):
    page = login(client, staff).get(week_url(venue, "2027-W99"))
    assert page.status_code == 200
    assert "Give the week as year-W-number" in page.text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 200),
        ("coordinator", 200),
        ("outsider_staff", 200),  # another school in the same municipality: its venues too
        ("outsider_coordinator", 404),
        ("parent", 403),
    ],
)
def test_who_may_see_the_week(client, request, venue, who, status):
    response = login(client, request.getfixturevalue(who)).get(week_url(venue))
    assert response.status_code == status


def test_staff_of_another_municipality_get_a_404(client, other_school, venue):
    response = login(client, factories.staff(other_school)).get(week_url(venue))
    assert response.status_code == 404


def grow_week(venue, n: int) -> None:
    for _ in range(n):
        dance(venue, start_time=dt.time(9, 0), end_time=dt.time(10, 0))


def test_the_week_page_query_count_does_not_grow(client, staff, venue, count_queries):
    client = login(client, staff)
    grow_week(venue, 1)
    small = count_queries(lambda: client.get(week_url(venue)))
    grow_week(venue, 5)
    large = count_queries(lambda: client.get(week_url(venue)))
    assert small == large


# --- the week in the API ----------------------------------------------------------------------


def calendar(client, venue, **params):
    return api_get(client, f"{API}/venues/{venue.pk}/calendar/", **params)


def test_the_api_gives_the_same_week(client, coordinator, judo, venue):
    response = calendar(login(client, coordinator), venue, week=WEEK_2)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["week"], body["starts_on"], body["ends_on"]) == (
        WEEK_2,
        "2027-01-11",
        "2027-01-17",
    )
    assert (body["previous"], body["next"]) == ("2027-W01", "2027-W03")
    assert [len(day["sessions"]) for day in body["days"]] == [0, 0, 1, 0, 0, 0, 0]
    [session] = body["days"][2]["sessions"]
    assert session["activity"] == {"id": judo.pk, "title": "Judo", "status": "published"}
    assert session["school"]["id"] == judo.school_id
    assert (session["cancelled"], session["starts_at"][11:16]) == (False, "14:00")


def test_the_api_names_a_bad_week(client, staff, venue):
    response = calendar(login(client, staff), venue, week="next")
    assert response.status_code == 400
    assert list(response.json()) == ["week"]


@pytest.mark.parametrize("who", ["outsider_coordinator", "parent"])
def test_the_api_week_is_a_404_for_outsiders(client, request, venue, who):
    response = calendar(login(client, request.getfixturevalue(who)), venue, week=WEEK_2)
    assert response.status_code == 404


def test_the_api_week_query_count_does_not_grow(client, staff, venue, count_queries):
    client = login(client, staff)
    grow_week(venue, 1)
    small = count_queries(lambda: calendar(client, venue, week=WEEK_2))
    grow_week(venue, 5)
    large = count_queries(lambda: calendar(client, venue, week=WEEK_2))
    assert small == large

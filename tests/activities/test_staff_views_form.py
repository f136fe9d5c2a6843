"""Staff pages for activities: the activity form, creating and editing (schools, venues,
neighbourhoods, grades, dates, lottery) and a new schedule."""

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity, Occurrence
from notifications.models import Notification
from schools.models import Neighbourhood
from tests import factories
from tests.activities.helpers import activity_for, place
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


def form_data(**overrides) -> dict:
    data = {
        "title": "Judo",
        "description": "Judo in de gymzaal.",
        "category": "sport",
        "venue": "",
        "grade_min": "5",
        "grade_max": "8",
        "capacity": "10",
        "enrolment_opens_at": "2027-03-01T09:00",
        "enrolment_closes_at": "2027-03-20T18:00",
        "allocation": "first_come",
        "offer_hours": "48",
        "weekday": "1",
        "start_time": "15:00",
        "end_time": "16:00",
        "first_date": "2027-04-06",
        "last_date": "2027-06-29",
    }
    return {**data, **overrides}


# Creating and editing


def test_staff_creates_a_draft_with_sessions_for_their_school(client, staff, school):
    response = login(client, staff).post(reverse("activities:staff_create"), form_data())
    activity = Activity.objects.get(title="Judo")
    assert response.status_code == 302
    assert response.url == reverse("activities:staff_detail", args=[activity.pk])
    assert activity.school == school
    assert activity.level == school.level
    assert activity.status == Activity.Status.DRAFT
    assert activity.enrolment_opens_at == dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
    assert activity.occurrences.count() == 13


def test_staff_of_one_school_do_not_choose_a_school(client, staff, school, municipality):
    factories.SchoolFactory(neighbourhood__municipality=municipality, name="Andere school")
    response = login(client, staff).get(reverse("activities:staff_create"))
    assert 'name="school"' not in response.text
    assert "Andere school" not in response.text


def test_staff_of_two_schools_choose_one_of_theirs(client, staff, school, municipality):
    second = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
    factories.StaffMembershipFactory(user=staff, school=second)
    data = form_data(school=second.pk, grade_min="1", grade_max="3")
    login(client, staff).post(reverse("activities:staff_create"), data)
    activity = Activity.objects.get(title="Judo")
    assert (activity.school, activity.level) == (second, "vo")


def test_create_offers_only_the_municipalitys_venues_and_neighbourhoods(
    client, staff, school, other_school
):
    hub = factories.VenueFactory(neighbourhood=school.neighbourhood, name="HUB Poelenburg")
    far = factories.VenueFactory(neighbourhood=other_school.neighbourhood, name="HUB Amsterdam")
    response = login(client, staff).get(reverse("activities:staff_create"))
    assert hub.name in response.text
    assert far.name not in response.text
    assert school.neighbourhood.name in response.text
    assert other_school.neighbourhood.name not in response.text


def test_create_saves_priority_neighbourhoods_and_venue(client, staff, school):
    hub = factories.VenueFactory(neighbourhood=school.neighbourhood)
    data = form_data(
        venue=hub.pk, priority_neighbourhoods=[school.neighbourhood_id], priority_own_school="on"
    )
    login(client, staff).post(reverse("activities:staff_create"), data)
    activity = Activity.objects.get(title="Judo")
    assert activity.venue == hub
    assert activity.priority_own_school
    assert list(activity.priority_neighbourhoods.all()) == [school.neighbourhood]


def test_create_refuses_a_foreign_neighbourhood(client, staff, school, other_school):
    data = form_data(priority_neighbourhoods=[other_school.neighbourhood_id])
    response = login(client, staff).post(reverse("activities:staff_create"), data)
    assert "priority_neighbourhoods" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_coordinator_cannot_create_for_another_municipalitys_school(
    client, coordinator, school, other_school
):
    factories.SchoolFactory(neighbourhood__municipality=school.neighbourhood.municipality)
    data = form_data(school=other_school.pk)
    response = login(client, coordinator).post(reverse("activities:staff_create"), data)
    assert "school" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_a_secondary_school_has_no_grade_above_six(client, municipality):
    vo = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
    user = factories.staff(vo)
    response = login(client, user).post(
        reverse("activities:staff_create"), form_data(grade_min="1", grade_max="8")
    )
    assert response.status_code == 200
    assert "grade_max" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_grades_are_checked_against_the_chosen_school_type(client, municipality, school):
    vo = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
    user = factories.coordinator(municipality)
    data = form_data(school=vo.pk, grade_min="7", grade_max="8")
    response = login(client, user).post(reverse("activities:staff_create"), data)
    errors = response.context["form"].errors
    assert errors["grade_min"] == ["A secondary school has year 1 to 6."]
    assert not Activity.objects.exists()


def test_the_lowest_grade_cannot_be_above_the_highest(client, staff, school):
    data = form_data(grade_min="7", grade_max="4")
    response = login(client, staff).post(reverse("activities:staff_create"), data)
    assert response.context["form"].errors["grade_max"] == [
        "The highest grade cannot be below the lowest grade."
    ]


def test_enrolment_cannot_close_before_it_opens(client, staff, school):
    data = form_data(enrolment_closes_at="2027-02-01T09:00")
    response = login(client, staff).post(reverse("activities:staff_create"), data)
    assert response.context["form"].errors["enrolment_closes_at"] == [
        "Enrolment must close after it opens."
    ]
    assert not Activity.objects.exists()


def test_an_activity_cannot_end_before_it_starts(client, staff, school):
    data = form_data(start_time="16:00", end_time="15:00")
    response = login(client, staff).post(reverse("activities:staff_create"), data)
    assert response.context["form"].errors["end_time"] == ["The activity must end after it starts."]
    assert not Activity.objects.exists()


def test_a_lottery_activity_gets_a_round(client, staff, school):
    login(client, staff).post(reverse("activities:staff_create"), form_data(allocation="lottery"))
    activity = Activity.objects.get(title="Judo")
    assert activity.lottery_round.closes_at == activity.enrolment_closes_at


def test_edit_form_shows_times_in_dutch_time(client, staff, school):
    activity = activity_for(school)
    response = login(client, staff).get(reverse("activities:staff_update", args=[activity.pk]))
    # The factory opens enrolment at 09:00 UTC: 10:00 in Amsterdam in November.
    assert 'value="2026-11-01T10:00"' in response.text


def test_a_new_schedule_regenerates_sessions_and_tells_families(client, staff, school):
    activity = activity_for(school)
    place(activity, 2)
    url = reverse("activities:staff_update", args=[activity.pk])
    data = form_data(
        title=activity.title,
        grade_min="3",
        enrolment_opens_at="2026-11-01T10:00",
        enrolment_closes_at="2027-01-31T23:59",
        weekday="3",
        first_date="2027-01-07",
        last_date="2027-03-25",
    )
    response = login(client, staff).post(url, data, follow=True)
    assert "The schedule has changed. Families have been told." in response.text
    assert {o.date.weekday() for o in activity.occurrences.all()} == {3}
    assert Notification.objects.filter(kind="activity:schedule_changed").count() == 2


def test_capacity_below_the_places_taken_is_refused_by_the_service(client, staff, school):
    activity = activity_for(school, capacity=5)
    place(activity, 3)
    url = reverse("activities:staff_update", args=[activity.pk])
    data = form_data(
        title=activity.title,
        capacity="2",
        weekday="2",
        start_time="14:00",
        end_time="15:30",
        first_date="2027-01-06",
        last_date="2027-03-31",
        enrolment_opens_at="2026-11-01T10:00",
        enrolment_closes_at="2027-02-01T00:00",
    )
    response = login(client, staff).post(url, data)
    assert response.context["form"].errors["capacity"] == ["3 children already have a place."]
    activity.refresh_from_db()
    assert activity.capacity == 5
    assert not Notification.objects.filter(kind="activity:schedule_changed").exists()


def test_a_cancelled_activity_cannot_be_edited(client, staff, school):
    activity = activity_for(school, status=Activity.Status.CANCELLED)
    url = reverse("activities:staff_update", args=[activity.pk])
    response = login(client, staff).post(url, form_data(title="Anders"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title != "Anders"


def test_municipality_neighbourhoods_are_checkboxes(client, staff, school):
    Neighbourhood.objects.create(municipality=school.neighbourhood.municipality, name="Saendelft")
    response = login(client, staff).get(reverse("activities:staff_create"))
    assert 'type="checkbox" name="priority_neighbourhoods"' in response.text
    assert "Saendelft" in response.text


def test_sessions_of_a_new_activity_skip_closures(client, staff, school):
    factories.ClosureFactory(
        municipality=school.neighbourhood.municipality,
        name="Meivakantie",
        start_date=dt.date(2027, 4, 24),
        end_date=dt.date(2027, 5, 2),
    )
    login(client, staff).post(reverse("activities:staff_create"), form_data())
    dates = set(Occurrence.objects.values_list("date", flat=True))
    assert dt.date(2027, 4, 27) not in dates
    assert dt.date(2027, 4, 20) in dates

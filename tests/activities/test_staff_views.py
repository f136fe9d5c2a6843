"""Staff pages for activities: scoping, the activity form, publishing, cancelling, the lists."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from activities import services
from activities.models import Activity, Enrolment, Occurrence
from notifications.models import Notification
from schools.models import Neighbourhood
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def login(client, user, english=True):
    client.force_login(user)
    if english:
        client.cookies["django_language"] = "en"
    return client


def activity_for(school, **kwargs) -> Activity:
    # `created_by` is set as the create page sets it (the model refuses to re-validate without).
    kwargs.setdefault("created_by", factories.staff(school))
    activity = factories.ActivityFactory(school=school, **kwargs)
    services.occurrences_regenerate(activity=activity, today=TODAY.date())
    return activity


def place(activity, n=1, **child_kwargs) -> list[Enrolment]:
    children = factories.ChildFactory.create_batch(n, school=activity.school, **child_kwargs)
    return [
        services.enrolment_place(activity=activity, child=child, placed_by=None, now=TODAY)
        for child in children
    ]


def wait(activity, n=1) -> list[Enrolment]:
    children = factories.ChildFactory.create_batch(n, school=activity.school)
    return [
        factories.EnrolmentFactory(
            activity=activity,
            child=child,
            status=Enrolment.Status.WAITLISTED,
            applied_at=TODAY + dt.timedelta(minutes=i),
        )
        for i, child in enumerate(children)
    ]


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


# Publishing and cancelling


def test_staff_publish_a_draft(client, staff, school):
    activity = activity_for(school, status=Activity.Status.DRAFT)
    response = login(client, staff).post(reverse("activities:staff_publish", args=[activity.pk]))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED


def test_publish_needs_post(client, staff, school):
    activity = activity_for(school, status=Activity.Status.DRAFT)
    url = reverse("activities:staff_publish", args=[activity.pk])
    assert login(client, staff).get(url).status_code == 405
    activity.refresh_from_db()
    assert activity.status == Activity.Status.DRAFT


def test_cancelling_an_activity_asks_first(client, staff, school):
    activity = activity_for(school)
    response = login(client, staff).get(reverse("activities:staff_cancel", args=[activity.pk]))
    assert "Yes, cancel the activity" in response.text
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED


def test_cancelling_an_activity_tells_every_family(client, staff, school):
    activity = activity_for(school)
    placed = place(activity, 2)
    waiting = wait(activity, 1)
    url = reverse("activities:staff_cancel", args=[activity.pk])
    response = login(client, staff).post(url, follow=True)
    assert "Families have been told" in response.text
    activity.refresh_from_db()
    assert activity.status == Activity.Status.CANCELLED
    told = Notification.objects.filter(kind="activity:activity_cancelled")
    assert told.count() == 3
    assert {n.recipient_id for n in told} == {e.child.guardian_id for e in [*placed, *waiting]}
    assert not activity.occurrences.filter(cancelled_at=None).exists()


def test_cancelling_one_session_tells_families_with_a_place(client, staff, school):
    activity = activity_for(school)
    place(activity, 2)
    wait(activity, 1)
    occurrence = activity.occurrences.first()
    url = reverse("activities:staff_occurrence_cancel", args=[occurrence.pk])
    login(client, staff).post(url, {"reason": "De gymzaal is dicht."})
    occurrence.refresh_from_db()
    assert occurrence.is_cancelled
    assert occurrence.cancel_reason == "De gymzaal is dicht."
    assert Notification.objects.filter(kind="activity:session_cancelled").count() == 2
    assert activity.occurrences.filter(cancelled_at=None).count() == 12


def test_cancelling_a_session_needs_a_reason(client, staff, school):
    activity = activity_for(school)
    occurrence = activity.occurrences.first()
    url = reverse("activities:staff_occurrence_cancel", args=[occurrence.pk])
    response = login(client, staff).post(url, {"reason": ""})
    assert "reason" in response.context["form"].errors
    occurrence.refresh_from_db()
    assert not occurrence.is_cancelled


# The detail page: lists and actions


def test_detail_shows_class_list_offers_and_waiting_list_in_order(client, staff, school):
    activity = activity_for(school, capacity=2)
    (confirmed,) = place(activity, first_name="Anouk")
    first, second = wait(activity, 2)
    Enrolment.objects.filter(pk=first.pk).update(status="offered", offer_expires_at=TODAY)
    response = login(client, staff).get(reverse("activities:staff_detail", args=[activity.pk]))
    assert [e.pk for e in response.context["class_list"]] == [confirmed.pk]
    assert [e.pk for e in response.context["offers"]] == [first.pk]
    assert response.context["waiting"] == [(1, second)]
    assert "Anouk" in response.text


def test_detail_shows_the_seed_and_time_of_a_drawn_lottery(client, staff, school):
    activity = factories.LotteryActivityFactory(school=school)
    round_ = activity.lottery_round
    round_.seed = 987654321
    round_.drawn_at = TODAY
    round_.save()
    response = login(client, staff).get(reverse("activities:staff_detail", args=[activity.pk]))
    assert "987654321" in response.text
    assert "Lottery drawn at" in response.text


def test_detail_lists_lottery_applications_before_the_draw(client, staff, school):
    activity = factories.LotteryActivityFactory(school=school)
    child = factories.ChildFactory(school=school, first_name="Zeynep")
    factories.EnrolmentFactory(activity=activity, child=child, status="applied")
    response = login(client, staff).get(reverse("activities:staff_detail", args=[activity.pk]))
    assert [e.child for e in response.context["applications"]] == [child]
    assert "Lottery applications" in response.text


def test_staff_cancel_an_enrolment_and_the_place_is_offered(client, staff, school):
    activity = activity_for(school, capacity=1)
    (confirmed,) = place(activity)
    (waiting,) = wait(activity)
    url = reverse("activities:staff_enrolment_cancel", args=[activity.pk, confirmed.pk])
    login(client, staff)
    assert "Yes, cancel the enrolment" in client.get(url).text
    client.post(url)
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.status == Enrolment.Status.CANCELLED
    assert waiting.status == Enrolment.Status.OFFERED
    assert Notification.objects.filter(kind="activity:cancelled").count() == 1


def test_an_enrolment_of_another_activity_is_404(client, staff, school):
    activity = activity_for(school)
    other = activity_for(school)
    (enrolment,) = place(other)
    url = reverse("activities:staff_enrolment_cancel", args=[activity.pk, enrolment.pk])
    assert login(client, staff).post(url).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_staff_place_a_waiting_child_when_a_place_is_free(client, staff, school):
    activity = activity_for(school, capacity=2)
    (waiting,) = wait(activity)
    url = reverse("activities:staff_place", args=[activity.pk])
    login(client, staff).post(url, {"enrolment": waiting.pk})
    placed = Enrolment.objects.get(child=waiting.child, status=Enrolment.Status.CONFIRMED)
    assert placed.placed_by == staff
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.CANCELLED
    assert Activity.objects.get(pk=activity.pk).seats_taken == 1


def test_placing_by_hand_in_a_full_activity_says_it_is_full(client, staff, school):
    activity = activity_for(school, capacity=1)
    place(activity)
    (waiting,) = wait(activity)
    url = reverse("activities:staff_place", args=[activity.pk])
    response = login(client, staff).post(url, {"enrolment": waiting.pk}, follow=True)
    assert "There are no places left in this activity." in response.text
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.WAITLISTED


def test_placing_refuses_a_child_not_waiting_for_this_activity(client, staff, school):
    activity = activity_for(school, capacity=3)
    (elsewhere,) = wait(activity_for(school))
    url = reverse("activities:staff_place", args=[activity.pk])
    response = login(client, staff).post(url, {"enrolment": elsewhere.pk}, follow=True)
    assert "Choose a child from the list." in response.text
    assert not Enrolment.objects.filter(activity=activity).exists()


def test_detail_links_to_the_register_of_the_next_session(client, staff, school):
    activity = activity_for(school)
    first = activity.occurrences.order_by("starts_at").first()
    response = login(client, staff).get(reverse("activities:staff_detail", args=[activity.pk]))
    assert response.context["next_session"] == first
    assert reverse("activities:staff_register", args=[first.pk]) in response.text


def test_draw_now_is_refused_before_enrolment_closes(client, staff, school):
    activity = factories.LotteryActivityFactory(school=school)
    response = login(client, staff).post(
        reverse("activities:staff_draw", args=[activity.pk]), follow=True
    )
    assert "This lottery cannot be drawn now." in response.text
    activity.lottery_round.refresh_from_db()
    assert activity.lottery_round.drawn_at is None


def test_draw_now_after_close_when_the_lottery_module_exists(client, staff, school):
    pytest.importorskip("activities.lottery")
    activity = factories.LotteryActivityFactory(school=school)
    factories.EnrolmentFactory(
        activity=activity, child=factories.ChildFactory(school=school), status="applied"
    )
    with time_machine.travel(dt.datetime(2027, 2, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        login(client, staff)
        detail = client.get(reverse("activities:staff_detail", args=[activity.pk]))
        assert "Draw now" in detail.text
        client.post(reverse("activities:staff_draw", args=[activity.pk]))
    activity.lottery_round.refresh_from_db()
    assert activity.lottery_round.drawn_at is not None


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

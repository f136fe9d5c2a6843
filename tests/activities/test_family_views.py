"""Parents' pages: children, browsing, enrolling, the family's enrolments and offers."""

import datetime as dt
import html

import pytest
import time_machine
from django.urls import reverse

from activities import services
from activities.models import Activity, Child, Enrolment, Occurrence
from schools.models import School
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(NOW, tick=False):
        yield


def login(client, user, language="en"):
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def child_of(parent, school, **kwargs):
    return factories.ChildFactory(guardian=parent, school=school, **kwargs)


def enrol(client, activity, *children, **extra):
    url = reverse("activities:browse_detail", args=[activity.pk])
    return client.post(url, {"children": [c.pk for c in children], **extra}, follow=True)


def child_data(school, **overrides):
    data = {"first_name": "Noor", "school": school.pk, "grade": 5, "consent": "on"}
    return {**data, **overrides}


# Children


def test_children_page_lists_only_own_children_with_school_and_grade(client, parent, school):
    mine = child_of(parent, school, first_name="Sami", grade=6)
    theirs = factories.ChildFactory(first_name="Zoë")
    response = login(client, parent).get(reverse("activities:children"))
    assert response.status_code == 200
    assert mine.first_name in response.text
    assert school.name in response.text
    assert theirs.first_name not in response.text


def test_anyone_logged_in_may_register_a_child_and_so_becomes_a_parent(client, school):
    person = factories.UserFactory()
    assert login(client, person).get(reverse("activities:children")).status_code == 200
    response = client.post(reverse("activities:child_add"), child_data(school))
    assert response.status_code == 302
    child = Child.objects.get(guardian=person)
    assert (child.first_name, child.school, child.grade) == ("Noor", school, 5)
    assert child.consent_at == NOW
    person.refresh_from_db()
    assert person.is_parent
    assert client.get(reverse("activities:browse")).status_code == 200


def test_registering_a_child_needs_consent(client, parent, school):
    data = child_data(school)
    del data["consent"]
    response = login(client, parent).post(reverse("activities:child_add"), data)
    assert response.status_code == 200
    assert "We need your permission to save this." in response.text
    assert not Child.objects.exists()


def test_add_child_page_explains_what_is_stored_and_never_asks_a_bsn(client, parent, school):
    response = login(client, parent).get(reverse("activities:child_add"))
    assert "We never ask for a last name or a citizen service number (BSN)." in response.text
    assert f'<optgroup label="{school.neighbourhood.municipality.name}">' in response.text


@pytest.mark.parametrize(
    ("level", "grade", "ok"), [("po", 8, True), ("vo", 6, True), ("vo", 7, False)]
)
def test_grade_must_fit_the_school_type(client, parent, municipality, level, grade, ok):
    school = factories.SchoolFactory(neighbourhood__municipality=municipality, level=level)
    url = reverse("activities:child_add")
    response = login(client, parent).post(url, child_data(school, grade=grade))
    assert Child.objects.exists() is ok
    if not ok:
        assert "A secondary school (VO) has years 1 to 6." in response.text


def test_class_must_be_of_the_chosen_school_this_year(client, parent, school):
    old = factories.GroupFactory(school=school, school_year="2025-2026")
    elsewhere = factories.GroupFactory(school_year="2026-2027")
    current = factories.GroupFactory(school=school, school_year="2026-2027", name="Groep 5B")
    url = reverse("activities:child_add")
    login(client, parent)
    for wrong in (old, elsewhere):
        response = client.post(url, child_data(school, group=wrong.pk))
        assert response.status_code == 200
        assert not Child.objects.exists()
    client.post(url, child_data(school, group=current.pk))
    assert Child.objects.get().group == current


def test_class_list_follows_the_chosen_school(client, parent, school):
    factories.GroupFactory(school=school, school_year="2026-2027", name="Groep 6A")
    factories.GroupFactory(school=school, school_year="2025-2026", name="Groep 9Z")
    url = reverse("activities:child_groups")
    response = login(client, parent).get(url, {"school": school.pk})
    assert "Groep 6A" in response.text
    assert "Groep 9Z" not in response.text


def test_parent_changes_a_childs_details(client, parent, school):
    child = child_of(parent, school, grade=4)
    url = reverse("activities:child_edit", args=[child.pk])
    assert login(client, parent).get(url).status_code == 200
    data = child_data(school, first_name=child.first_name, grade=5)
    assert client.post(url, data).status_code == 302
    child.refresh_from_db()
    assert child.grade == 5


def test_forgetting_a_child_ends_its_enrolments_and_frees_the_place(client, parent, school):
    activity = factories.ActivityFactory(school=school, capacity=1)
    child = child_of(parent, school)
    waiting = factories.ChildFactory(school=school)
    services.enrolment_create(guardian=parent, child=child, activity=activity, now=NOW)
    next_one = services.enrolment_create(
        guardian=waiting.guardian, child=waiting, activity=activity, now=NOW
    )
    url = reverse("activities:child_forget", args=[child.pk])
    page = login(client, parent).get(url)
    assert activity.title in page.text
    assert client.post(url).status_code == 302
    assert not Child.objects.filter(pk=child.pk).exists()
    next_one.refresh_from_db()
    assert next_one.status == Enrolment.Status.OFFERED


# Browsing


@pytest.fixture
def catalogue(municipality, school):
    """Three activities that differ in every filter."""
    hub_area = factories.NeighbourhoodFactory(municipality=municipality, name="Poelenburg")
    venue = factories.VenueFactory(neighbourhood=hub_area, name="jongerenHUB Poelenburg")
    vo = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
    return {
        "football": factories.ActivityFactory(school=school, title="Voetbal"),
        "drama": factories.ActivityFactory(
            school=school,
            venue=venue,
            title="Toneel",
            category="culture",
            weekday=0,
            grade_min=1,
            grade_max=2,
            capacity=1,
            seats_taken=1,
        ),
        "robots": factories.ActivityFactory(
            school=vo, title="Robots", category="technology", grade_min=1, grade_max=3
        ),
    }


def shown(response, catalogue) -> set[str]:
    return {key for key, activity in catalogue.items() if activity.title in response.text}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"football", "drama", "robots"}),
        ({"school": "school"}, {"football", "drama"}),
        ({"neighbourhood": "poelenburg"}, {"drama"}),
        ({"weekday": 0}, {"drama"}),
        ({"weekday": 2}, {"football", "robots"}),
        ({"grade": 7}, {"football"}),
        ({"category": "technology"}, {"robots"}),
        ({"places_left": "on"}, {"football", "robots"}),
    ],
)
def test_browse_filters(client, parent, school, catalogue, filters, expected):
    refs = {"school": school.pk, "poelenburg": catalogue["drama"].venue.neighbourhood_id}
    params = {key: refs.get(value, value) for key, value in filters.items()}
    response = login(client, parent).get(reverse("activities:browse"), params)
    assert response.status_code == 200
    assert shown(response, catalogue) == expected


def test_browse_suits_my_child_by_grade_and_school_type(client, parent, school, catalogue):
    vo_school = catalogue["robots"].school
    young = child_of(parent, school, grade=2, first_name="Mila")
    teen = child_of(parent, vo_school, grade=2, first_name="Daan")
    login(client, parent)
    url = reverse("activities:browse")
    assert shown(client.get(url, {"child": young.pk}), catalogue) == {"drama"}
    assert shown(client.get(url, {"child": teen.pk}), catalogue) == {"robots"}


def test_browse_offers_suits_my_child_only_to_parents_with_children(client, parent, school):
    factories.ActivityFactory(school=school)
    login(client, parent)
    assert 'name="child"' not in client.get(reverse("activities:browse")).text
    child_of(parent, school)
    assert 'name="child"' in client.get(reverse("activities:browse")).text


def test_browse_ignores_another_familys_child_in_the_filter(client, parent, school, catalogue):
    stranger = factories.ChildFactory(school=school, grade=2)
    response = login(client, parent).get(reverse("activities:browse"), {"child": stranger.pk})
    assert shown(response, catalogue) == {"football", "drama", "robots"}


def test_browse_cards_show_places_waiting_and_lottery(client, parent, school):
    factories.ActivityFactory(school=school, capacity=12, seats_taken=3)
    full = factories.ActivityFactory(school=school, capacity=1, seats_taken=1)
    factories.EnrolmentFactory.create_batch(2, activity=full, status="waitlisted")
    lottery = factories.LotteryActivityFactory(school=school)
    factories.EnrolmentFactory.create_batch(3, activity=lottery, status="applied")
    response = login(client, parent).get(reverse("activities:browse"))
    assert "9 places left" in response.text
    assert "Full, 2 children waiting" in response.text
    assert "Lottery: 3 children applied" in response.text


def test_browse_shows_only_published_activities_still_to_come(client, parent, school):
    live = factories.ActivityFactory(school=school, title="Open")
    factories.ActivityFactory(school=school, title="Concept", status="draft")
    factories.ActivityFactory(school=school, title="Afgelast", status="cancelled")
    factories.ActivityFactory(
        school=school,
        title="Voorbij",
        first_date=dt.date(2026, 9, 2),
        last_date=dt.date(2026, 11, 25),
    )
    response = login(client, parent).get(reverse("activities:browse"))
    assert live.title in response.text
    for gone in ("Concept", "Afgelast", "Voorbij"):
        assert gone not in response.text


def test_browse_paginates(client, parent, school):
    factories.ActivityFactory.create_batch(27, school=school)
    login(client, parent)
    first = client.get(reverse("activities:browse"))
    second = client.get(reverse("activities:browse"), {"page": 2})
    assert len(first.context["page_obj"].object_list) == 25
    assert len(second.context["page_obj"].object_list) == 2


def test_browse_renders_in_dutch_by_default(client, parent):
    response = login(client, parent, language=None).get(reverse("activities:browse"))
    assert '<html lang="nl"' in response.text


def _browse_catalogue(school, n: int) -> None:
    venue = factories.VenueFactory(neighbourhood=school.neighbourhood)
    for i in range(n):
        activity = factories.ActivityFactory(
            school=factories.SchoolFactory(neighbourhood=school.neighbourhood),
            venue=venue if i % 2 else None,
        )
        factories.EnrolmentFactory(activity=activity, status="waitlisted")


def test_browse_query_count_does_not_grow_with_activities(client, parent, school, count_queries):
    child_of(parent, school)
    login(client, parent)
    url = reverse("activities:browse")
    _browse_catalogue(school, 2)
    small = count_queries(lambda: client.get(url, {"places_left": "on"}))
    _browse_catalogue(school, 6)
    large = count_queries(lambda: client.get(url, {"places_left": "on"}))
    assert small == large


# Activity detail and enrolling


def test_detail_shows_sessions_with_cancelled_ones_marked(client, parent, school):
    activity = factories.ActivityFactory(school=school)
    services.occurrences_regenerate(activity=activity, today=NOW.date())
    session = activity.occurrences.first()
    services.occurrence_cancel(occurrence=session, reason="Studiedag", now=NOW)
    response = login(client, parent).get(reverse("activities:browse_detail", args=[activity.pk]))
    assert response.status_code == 200
    assert Occurrence.objects.filter(activity=activity).count() > 1
    assert "Cancelled" in response.text
    assert "Studiedag" in response.text
    assert "Open now" in response.text


def test_detail_explains_which_children_do_not_fit(client, parent, school):
    activity = factories.ActivityFactory(school=school, grade_min=3, grade_max=8)
    fits = child_of(parent, school, grade=5, first_name="Sara")
    too_young = child_of(parent, school, grade=1, first_name="Lotte")
    response = login(client, parent).get(reverse("activities:browse_detail", args=[activity.pk]))
    field = response.context["form"]["children"]
    disabled = {w.data["value"].value for w in field.subwidgets if w.data["attrs"].get("disabled")}
    assert disabled == {too_young.pk}
    assert "Lotte (this activity is for grade 3 to 8)" in response.text
    assert fits.first_name in response.text


def test_draft_activity_is_not_found(client, parent, school):
    draft = factories.ActivityFactory(school=school, status="draft")
    url = reverse("activities:browse_detail", args=[draft.pk])
    assert login(client, parent).get(url).status_code == 404


def test_happy_path_enrol_waitlist_cancel_offer_accept(client, parent, school):
    """One place: the first child gets it, the next waits; a cancellation becomes an offer
    that the other family accepts."""
    activity = factories.ActivityFactory(school=school, capacity=1, title="Judo")
    login(client, parent).post(reverse("activities:child_add"), child_data(school))
    first = Child.objects.get(guardian=parent)

    response = enrol(client, activity, first)
    assert "Good news: Noor has a place at Judo." in response.text

    other = factories.parent()
    second = child_of(other, school, first_name="Milan")
    response = enrol(login(client, other), activity, second)
    assert "Milan is number 1 on the waiting list" in response.text
    mine = client.get(reverse("activities:my_enrolments"))
    assert "On the waiting list, number 1" in mine.text

    place = Enrolment.objects.get(child=first)
    login(client, parent)
    cancel_url = reverse("activities:my_enrolment_cancel", args=[place.pk])
    assert "Do you want to cancel" in client.get(cancel_url).text
    client.post(cancel_url)
    place.refresh_from_db()
    assert place.status == Enrolment.Status.CANCELLED

    offer = Enrolment.objects.get(child=second)
    page = login(client, other).get(reverse("activities:my_enrolments"))
    assert "A place is free: please answer" in page.text
    assert reverse("activities:my_offer_accept", args=[offer.pk]) in page.text
    response = client.post(reverse("activities:my_offer_accept", args=[offer.pk]), follow=True)
    assert "Milan now has a place at Judo" in response.text
    offer.refresh_from_db()
    assert offer.status == Enrolment.Status.CONFIRMED


def test_declining_an_offer_passes_the_place_on(client, parent, school):
    activity = factories.ActivityFactory(school=school, capacity=1)
    offered = factories.EnrolmentFactory(
        activity=activity,
        child=child_of(parent, school),
        status="offered",
        offer_expires_at=NOW + dt.timedelta(hours=48),
    )
    Activity.objects.filter(pk=activity.pk).update(seats_taken=1)
    next_one = factories.EnrolmentFactory(activity=activity, status="waitlisted")
    url = reverse("activities:my_offer_decline", args=[offered.pk])
    response = login(client, parent).post(url, follow=True)
    assert "You said no to the place" in response.text
    offered.refresh_from_db()
    next_one.refresh_from_db()
    assert offered.status == Enrolment.Status.DECLINED
    assert next_one.status == Enrolment.Status.OFFERED


def test_an_expired_offer_cannot_be_accepted(client, parent, school):
    activity = factories.ActivityFactory(school=school, capacity=1, seats_taken=1)
    offered = factories.EnrolmentFactory(
        activity=activity,
        child=child_of(parent, school),
        status="offered",
        offer_expires_at=NOW - dt.timedelta(minutes=1),
    )
    url = reverse("activities:my_offer_accept", args=[offered.pk])
    response = login(client, parent).post(url, follow=True)
    assert "This offer has expired or was already answered." in response.text
    offered.refresh_from_db()
    assert offered.status == Enrolment.Status.OFFERED


def test_offer_answers_need_post(client, parent, school):
    offered = factories.EnrolmentFactory(
        child=child_of(parent, school),
        status="offered",
        offer_expires_at=NOW + dt.timedelta(hours=1),
    )
    url = reverse("activities:my_offer_accept", args=[offered.pk])
    assert login(client, parent).get(url).status_code == 405


def test_siblings_ticked_together_are_enrolled_together(client, parent, school):
    activity = factories.ActivityFactory(school=school, capacity=2)
    one, two = child_of(parent, school), child_of(parent, school)
    response = enrol(login(client, parent), activity, one, two)
    assert response.text.count("Has a place") == 2
    groups = set(Enrolment.objects.values_list("sibling_group", flat=True))
    assert len(groups) == 1
    assert None not in groups


def test_a_full_activity_puts_the_child_on_the_waiting_list(client, parent, school):
    activity = factories.ActivityFactory(school=school, capacity=1, seats_taken=1)
    factories.EnrolmentFactory(activity=activity, status="waitlisted")
    response = enrol(login(client, parent), activity, child_of(parent, school, first_name="Ali"))
    assert "Ali is number 2 on the waiting list" in response.text


def test_lottery_with_several_activities_asks_for_the_choice(client, parent, school):
    activity = factories.LotteryActivityFactory(school=school)
    factories.LotteryActivityFactory(school=school, lottery_round=activity.lottery_round)
    child = child_of(parent, school)
    login(client, parent)
    page = client.get(reverse("activities:browse_detail", args=[activity.pk]))
    assert 'name="choice_rank"' in page.text
    response = enrol(client, activity, child, choice_rank=2)
    assert "Places are drawn by lot" in response.text
    enrolment = Enrolment.objects.get(child=child)
    assert (enrolment.status, enrolment.choice_rank) == (Enrolment.Status.APPLIED, 2)


def test_a_lottery_on_its_own_asks_no_choice(client, parent, school):
    activity = factories.LotteryActivityFactory(school=school)
    child_of(parent, school)
    page = login(client, parent).get(reverse("activities:browse_detail", args=[activity.pk]))
    assert 'name="choice_rank"' not in page.text


def _overlapping_activity(school, parent_child):
    taken = factories.ActivityFactory(school=school, title="Schaken")
    factories.EnrolmentFactory(activity=taken, child=parent_child)
    return factories.ActivityFactory(
        school=school, start_time=dt.time(15, 0), end_time=dt.time(16, 0)
    )


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("closed", "Enrolment for this activity is not open now."),
        ("grade", "This activity is not for your child's school type or grade."),
        ("overlap", "Your child already has another activity at this time."),
        ("duplicate", "Your child is already enrolled or waiting for this activity."),
    ],
)
def test_refusals_show_the_reason_and_change_nothing(client, parent, school, case, message):
    child = child_of(parent, school, grade=5)
    activity = {
        "closed": lambda: factories.ActivityFactory(
            school=school, enrolment_closes_at=NOW - dt.timedelta(days=1)
        ),
        "grade": lambda: factories.ActivityFactory(school=school, grade_min=7, grade_max=8),
        "overlap": lambda: _overlapping_activity(school, child),
        "duplicate": lambda: (
            factories.EnrolmentFactory(
                child=child, activity__school=school, status="waitlisted"
            ).activity
        ),
    }[case]()
    before = list(Enrolment.objects.values_list("pk", "status"))
    response = enrol(login(client, parent), activity, child)
    assert response.status_code == 200
    assert html.escape(message) in response.text
    assert list(Enrolment.objects.values_list("pk", "status")) == before
    activity.refresh_from_db()
    assert activity.seats_taken == 0


def test_enrolling_without_ticking_a_child_asks_for_one(client, parent, school):
    activity = factories.ActivityFactory(school=school)
    child_of(parent, school)
    response = enrol(login(client, parent), activity)
    assert "Tick at least one child." in response.text
    assert not Enrolment.objects.exists()


# My enrolments


def test_my_enrolments_groups_per_child_and_folds_ended_ones(client, parent, school):
    child = child_of(parent, school, first_name="Yara")
    live = factories.EnrolmentFactory(child=child, activity__title="Dansen")
    factories.EnrolmentFactory(child=child, activity__title="Koken", status="cancelled")
    response = login(client, parent).get(reverse("activities:my_enrolments"))
    text = response.text
    assert "Yara" in text
    assert "Has a place" in text
    details = text[text.index("<details") :]
    assert "Koken" in details
    assert "Dansen" not in details
    assert reverse("activities:my_enrolment_cancel", args=[live.pk]) in text


def test_cancelling_twice_says_it_was_already_cancelled(client, parent, school):
    enrolment = factories.EnrolmentFactory(child=child_of(parent, school), status="cancelled")
    url = reverse("activities:my_enrolment_cancel", args=[enrolment.pk])
    response = login(client, parent).post(url, follow=True)
    assert "This enrolment was already cancelled or ended." in response.text


def _family(parent, school, n: int) -> None:
    for i in range(n):
        child = child_of(parent, school)
        activity = factories.ActivityFactory(school=school, capacity=1, seats_taken=1)
        factories.EnrolmentFactory(activity=activity, status="confirmed")
        factories.EnrolmentFactory(activity=activity, status="waitlisted")
        factories.EnrolmentFactory(child=child, activity=activity, status="waitlisted")
        factories.EnrolmentFactory(
            child=child,
            activity__school=school,
            activity__weekday=i % 5,
            status="offered",
            offer_expires_at=NOW + dt.timedelta(hours=5),
        )
        factories.EnrolmentFactory(child=child, activity__school=school, status="cancelled")


def test_my_enrolments_query_count_does_not_grow_with_the_family(
    client, parent, school, count_queries
):
    login(client, parent)
    url = reverse("activities:my_enrolments")
    _family(parent, school, 2)
    small = count_queries(lambda: client.get(url))
    _family(parent, school, 6)
    large = count_queries(lambda: client.get(url))
    assert small == large
    assert client.get(url).text.count("On the waiting list, number 2") == 8


# Who may see what


@pytest.mark.parametrize(
    "name", ["browse", "my_enrolments", "enrol_result"], ids=["browse", "mine", "result"]
)
def test_family_pages_are_forbidden_to_people_who_are_not_parents(client, staff, name):
    assert login(client, staff).get(reverse(f"activities:{name}")).status_code == 403


def test_activity_detail_is_forbidden_to_people_who_are_not_parents(client, staff, school):
    activity = factories.ActivityFactory(school=school)
    url = reverse("activities:browse_detail", args=[activity.pk])
    assert login(client, staff).get(url).status_code == 403


def test_family_pages_send_anonymous_visitors_to_login(client, db):
    response = client.get(reverse("activities:children"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ["child_edit", "child_forget"])
def test_another_familys_child_is_not_found(client, parent, school, method, name):
    stranger = factories.ChildFactory(school=school)
    url = reverse(f"activities:{name}", args=[stranger.pk])
    response = getattr(login(client, parent), method)(url, child_data(school))
    assert response.status_code == 404
    assert Child.objects.filter(pk=stranger.pk, first_name=stranger.first_name).exists()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("my_enrolment_cancel", "get"),
        ("my_enrolment_cancel", "post"),
        ("my_offer_accept", "post"),
        ("my_offer_decline", "post"),
    ],
)
def test_another_familys_enrolment_or_offer_is_not_found(client, parent, school, name, method):
    theirs = factories.EnrolmentFactory(
        activity__school=school, status="offered", offer_expires_at=NOW + dt.timedelta(hours=4)
    )
    url = reverse(f"activities:{name}", args=[theirs.pk])
    assert getattr(login(client, parent), method)(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Enrolment.Status.OFFERED


def test_enrolling_another_familys_child_is_not_found(client, parent, school):
    activity = factories.ActivityFactory(school=school)
    child_of(parent, school)
    stranger = factories.ChildFactory(school=school)
    response = enrol(login(client, parent), activity, stranger)
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_another_familys_enrolment_result_is_not_found(client, parent, school):
    theirs = factories.EnrolmentFactory(activity__school=school)
    url = reverse("activities:enrol_result")
    assert login(client, parent).get(url, {"e": theirs.pk}).status_code == 404


def test_child_school_choice_lists_vo_schools_too(client, parent, municipality):
    vo = factories.SchoolFactory(
        neighbourhood__municipality=municipality, level=School.Level.VO, name="Zaanlands"
    )
    response = login(client, parent).get(reverse("activities:child_add"))
    assert vo.name in response.text

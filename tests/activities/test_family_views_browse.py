"""The family pages for finding an activity: filters, what suits the family's children, the
cards, paging, Dutch by default, and the queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


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
    young = factories.ChildFactory(guardian=parent, school=school, grade=2, first_name="Mila")
    teen = factories.ChildFactory(guardian=parent, school=vo_school, grade=2, first_name="Daan")
    login(client, parent)
    url = reverse("activities:browse")
    assert shown(client.get(url, {"child": young.pk}), catalogue) == {"drama"}
    assert shown(client.get(url, {"child": teen.pk}), catalogue) == {"robots"}


def test_browse_offers_suits_my_child_only_to_parents_with_children(client, parent, school):
    factories.ActivityFactory(school=school)
    login(client, parent)
    assert 'name="child"' not in client.get(reverse("activities:browse")).text
    factories.ChildFactory(guardian=parent, school=school)
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
    factories.ChildFactory(guardian=parent, school=school)
    login(client, parent)
    url = reverse("activities:browse")
    _browse_catalogue(school, 2)
    small = count_queries(lambda: client.get(url, {"places_left": "on"}))
    _browse_catalogue(school, 6)
    large = count_queries(lambda: client.get(url, {"places_left": "on"}))
    assert small == large


# The family's municipality first (issue 14: a nation's 20,000 activities are not one list)


@pytest.fixture
def two_towns(school, other_school):
    return {
        "home": factories.ActivityFactory(school=school, title="Thuis"),
        "away": factories.ActivityFactory(school=other_school, title="Elders"),
    }


def test_browse_starts_in_the_municipality_of_my_childs_school(
    client, parent, school, other_school, two_towns
):
    factories.ChildFactory(guardian=parent, school=school)
    login(client, parent)
    url = reverse("activities:browse")

    first = client.get(url)
    assert shown(first, two_towns) == {"home"}
    assert "Activities in Zaanstad" in first.text
    # The school filter offers the home municipality's schools only.
    assert other_school.name not in first.text
    everywhere = client.get(url, {"where": "all"})
    assert shown(everywhere, two_towns) == {"home", "away"}
    assert other_school.name in everywhere.text


def test_browse_keeps_to_the_home_municipality_when_a_filter_is_bad(
    client, parent, school, two_towns
):
    factories.ChildFactory(guardian=parent, school=school)
    response = login(client, parent).get(reverse("activities:browse"), {"weekday": "x"})
    assert shown(response, two_towns) == {"home"}


def test_browse_spans_every_municipality_of_the_familys_children(
    client, parent, school, other_school, two_towns
):
    factories.ChildFactory(guardian=parent, school=school)
    factories.ChildFactory(guardian=parent, school=other_school)
    response = login(client, parent).get(reverse("activities:browse"))
    assert shown(response, two_towns) == {"home", "away"}
    assert "Activities in Amsterdam, Zaanstad" in response.text


def test_browse_shows_every_municipality_to_a_parent_without_children(client, parent, two_towns):
    response = login(client, parent).get(reverse("activities:browse"))
    assert shown(response, two_towns) == {"home", "away"}
    assert 'name="where"' not in response.text


def test_browse_counts_for_the_pager_without_the_waiting_list_counts(
    client, parent, school, two_towns
):
    factories.ChildFactory(guardian=parent, school=school)
    login(client, parent)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("activities:browse"))
    assert response.context["page_obj"].paginator.count == 1
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(counts) == 1
    assert "activities_enrolment" not in counts[0]

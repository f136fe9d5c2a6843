"""Hero API: a hero reads and edits only their own profile and availability; coordinators read
the heroes of their municipality; everyone else gets 404 (me) or an empty list (heroes)."""

import datetime as dt

import pytest

from heroes import services
from heroes.models import AvailabilityWindow, Topic
from tests import factories
from tests.clock import MONDAY_NOON as NOW
from tests.helpers import api_get, api_send, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_noon")]


@pytest.fixture
def topics(municipality):
    return [Topic.objects.create(municipality=municipality, name=n) for n in ("Sport", "Geld")]


@pytest.fixture
def hero(municipality):
    return factories.HeroFactory(municipality=municipality, display_name="Samira")


def record_vog(hero, issued_on, valid_until=None):
    services.vog_record(
        hero=hero, issued_on=issued_on, valid_until=valid_until, recorded_by=None, now=NOW
    )


# --- me ----------------------------------------------------------------------------------


def test_a_hero_reads_their_own_profile_with_vog_status(client, hero):
    record_vog(hero, dt.date(2024, 1, 1), dt.date(2026, 12, 1))

    body = api_get(login(client, hero.user), "/api/v1/heroes/me/").json()

    assert body["display_name"] == "Samira"
    assert body["vog_valid_until"] == "2026-12-01"
    assert body["vog_status"] == "expiring"
    assert body["vr_trained"] is False


def test_a_hero_changes_their_profile_and_only_the_fields_sent(client, hero, topics):
    wijk = factories.NeighbourhoodFactory(municipality=hero.municipality)
    hero.story = "Old story"
    hero.save()

    response = api_send(
        login(client, hero.user),
        "patch",
        "/api/v1/heroes/me/",
        {"topics": [topics[0].pk], "languages": ["tr", "nl"], "visit_neighbourhoods": [wijk.pk]},
    )

    assert response.status_code == 200, response.json()
    hero.refresh_from_db()
    assert hero.story == "Old story"
    assert list(hero.topics.all()) == [topics[0]]
    assert hero.languages == ["nl", "tr"]
    assert list(hero.visit_neighbourhoods.all()) == [wijk]
    assert response.json()["topics"] == [topics[0].pk]


def test_read_only_fields_are_ignored_on_patch(client, hero):
    response = api_send(
        login(client, hero.user), "patch", "/api/v1/heroes/me/", {"display_name": "Someone else"}
    )

    assert response.status_code == 200
    hero.refresh_from_db()
    assert hero.display_name == "Samira"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"languages": ["xx"]}, "languages"),
        ({"max_visits_per_month": 0}, "max_visits_per_month"),
        ({"max_visits_per_month": 21}, "max_visits_per_month"),
        ({"topics": [999999]}, "topics"),
        ({"home_neighbourhood": "abc"}, "home_neighbourhood"),
    ],
)
def test_bad_profile_input_is_a_400_naming_the_field(client, hero, data, field):
    response = api_send(login(client, hero.user), "patch", "/api/v1/heroes/me/", data)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    hero.refresh_from_db()
    assert hero.max_visits_per_month == 4


def test_a_topic_or_neighbourhood_of_another_municipality_is_refused(client, hero, other_school):
    other_topic = Topic.objects.create(
        municipality=other_school.neighbourhood.municipality, name="Sport"
    )
    user = login(client, hero.user)

    topic = api_send(user, "patch", "/api/v1/heroes/me/", {"topics": [other_topic.pk]})
    wijk = api_send(
        user,
        "patch",
        "/api/v1/heroes/me/",
        {"visit_neighbourhoods": [other_school.neighbourhood_id]},
    )

    assert (topic.status_code, list(topic.json())) == (400, ["topics"])
    assert (wijk.status_code, list(wijk.json())) == (400, ["visit_neighbourhoods"])
    assert not hero.topics.exists()


@pytest.mark.parametrize("who", ["coordinator", "staff", "parent"])
def test_someone_who_is_not_a_hero_gets_404_on_me(client, request, who):
    user = request.getfixturevalue(who)
    client = login(client, user)

    assert api_get(client, "/api/v1/heroes/me/").status_code == 404
    assert api_get(client, "/api/v1/heroes/me/availability/").status_code == 404
    assert api_send(client, "patch", "/api/v1/heroes/me/", {"story": "x"}).status_code == 404


# --- availability ------------------------------------------------------------------------


def test_a_hero_adds_lists_and_removes_a_window(client, hero):
    client = login(client, hero.user)

    created = api_send(
        client,
        "post",
        "/api/v1/heroes/me/availability/",
        {"weekday": 1, "start_time": "13:00", "end_time": "16:00"},
    )
    listed = api_get(client, "/api/v1/heroes/me/availability/").json()
    removed = client.delete(f"/api/v1/heroes/me/availability/{created.json()['id']}/")

    assert created.status_code == 201
    assert [(w["weekday"], w["start_time"]) for w in listed["results"]] == [(1, "13:00:00")]
    assert removed.status_code == 204
    assert not hero.availability.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"weekday": 1, "start_time": "15:00", "end_time": "17:00"}, "start_time"),  # overlap
        ({"weekday": 1, "start_time": "17:00", "end_time": "16:00"}, "end_time"),
        ({"weekday": 9, "start_time": "17:00", "end_time": "18:00"}, "weekday"),
        ({"weekday": 2, "start_time": "late", "end_time": "18:00"}, "start_time"),
    ],
)
def test_a_bad_window_is_a_400_naming_the_field_and_nothing_is_added(client, hero, data, field):
    services.availability_window_add(
        hero=hero, weekday=1, start_time=dt.time(13), end_time=dt.time(16)
    )

    response = api_send(login(client, hero.user), "post", "/api/v1/heroes/me/availability/", data)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert hero.availability.count() == 1


def test_another_heroes_window_is_a_404_and_stays(client, hero, municipality):
    other = factories.HeroFactory(municipality=municipality)
    window = services.availability_window_add(
        hero=other, weekday=1, start_time=dt.time(13), end_time=dt.time(16)
    )

    response = login(client, hero.user).delete(f"/api/v1/heroes/me/availability/{window.pk}/")

    assert response.status_code == 404
    assert AvailabilityWindow.objects.filter(pk=window.pk).exists()


def test_a_hero_adds_and_removes_an_away_period(client, hero):
    client = login(client, hero.user)

    created = api_send(
        client,
        "post",
        "/api/v1/heroes/me/exceptions/",
        {"starts_on": "2026-12-20", "ends_on": "2027-01-03", "note": "Holiday"},
    )
    listed = api_get(client, "/api/v1/heroes/me/exceptions/").json()
    removed = client.delete(f"/api/v1/heroes/me/exceptions/{created.json()['id']}/")

    assert created.status_code == 201
    assert [p["note"] for p in listed["results"]] == ["Holiday"]
    assert removed.status_code == 204
    assert not hero.away_periods.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"starts_on": "2026-12-20", "ends_on": "2026-12-01"}, "ends_on"),
        ({"starts_on": "2026-10-01", "ends_on": "2026-10-05"}, "ends_on"),  # already over
        ({"starts_on": "soon", "ends_on": "2026-12-01"}, "starts_on"),
    ],
)
def test_a_bad_away_period_is_a_400_naming_the_field(client, hero, data, field):
    response = api_send(login(client, hero.user), "post", "/api/v1/heroes/me/exceptions/", data)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not hero.away_periods.exists()


# --- heroes for coordinators ---------------------------------------------------------------


def test_a_coordinator_lists_and_reads_their_municipalitys_heroes(
    client, coordinator, hero, other_school
):
    factories.HeroFactory(municipality=other_school.neighbourhood.municipality)
    client = login(client, coordinator)

    listed = api_get(client, "/api/v1/heroes/").json()
    detail = api_get(client, f"/api/v1/heroes/{hero.pk}/")

    assert [h["id"] for h in listed["results"]] == [hero.pk]
    assert detail.status_code == 200
    assert detail.json()["vog_status"] == "missing"
    assert detail.json()["availability"] == []


def test_another_municipalitys_coordinator_gets_404_on_detail(client, outsider_coordinator, hero):
    client = login(client, outsider_coordinator)

    assert api_get(client, f"/api/v1/heroes/{hero.pk}/").status_code == 404
    assert api_get(client, "/api/v1/heroes/").json()["results"] == []


@pytest.mark.parametrize("who", ["staff", "parent"])
def test_staff_and_parents_see_no_heroes(client, request, hero, who):
    client = login(client, request.getfixturevalue(who))

    assert api_get(client, "/api/v1/heroes/").json()["count"] == 0
    assert api_get(client, f"/api/v1/heroes/{hero.pk}/").status_code == 404


def test_a_hero_sees_no_other_heroes(client, hero, municipality):
    factories.HeroFactory(municipality=municipality)
    client = login(client, hero.user)

    assert api_get(client, "/api/v1/heroes/").json()["count"] == 0


def test_coordinators_filter_heroes_by_vog_problem_topic_and_vr(
    client, coordinator, municipality, topics
):
    valid = factories.HeroFactory(municipality=municipality, vr_trained_on=dt.date(2026, 1, 5))
    record_vog(valid, dt.date(2025, 1, 1))
    valid.topics.add(topics[0])
    expired = factories.HeroFactory(municipality=municipality)
    record_vog(expired, dt.date(2022, 1, 1), dt.date(2025, 1, 1))
    missing = factories.HeroFactory(municipality=municipality)
    client = login(client, coordinator)

    def ids(**params):
        return {h["id"] for h in api_get(client, "/api/v1/heroes/", **params).json()["results"]}

    assert ids(vog="problem") == {expired.pk, missing.pk}
    assert ids(topic=topics[0].pk) == {valid.pk}
    assert ids(vr_trained="true") == {valid.pk}
    assert ids(vr_trained="false") == {expired.pk, missing.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"vog": "fine"}, "vog"),
        ({"topic": "abc"}, "topic"),
        ({"vr_trained": "maybe"}, "vr_trained"),
    ],
)
def test_a_bad_hero_filter_is_a_400_naming_it(client, coordinator, params, field):
    response = api_get(login(client, coordinator), "/api/v1/heroes/", **params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_topic_of_another_municipality_is_a_bad_filter(client, coordinator, other_school):
    other = Topic.objects.create(municipality=other_school.neighbourhood.municipality, name="X")

    response = api_get(login(client, coordinator), "/api/v1/heroes/", topic=other.pk)

    assert response.status_code == 400
    assert list(response.json()) == ["topic"]


# --- topics ------------------------------------------------------------------------------


def test_topics_are_read_by_coordinators_and_heroes_of_the_municipality(
    client, coordinator, hero, topics, other_school, staff, parent
):
    Topic.objects.create(municipality=other_school.neighbourhood.municipality, name="Other")
    own = {t.pk for t in topics}

    for user in (coordinator, hero.user):
        body = api_get(login(client, user), "/api/v1/topics/").json()
        assert {t["id"] for t in body["results"]} == own
    for user in (staff, parent):
        assert api_get(login(client, user), "/api/v1/topics/").json()["count"] == 0
    outsider = api_get(login(client, staff), f"/api/v1/topics/{topics[0].pk}/")
    assert outsider.status_code == 404


# --- query counts ------------------------------------------------------------------------


def _heroes(municipality, topics, n):
    for _ in range(n):
        hero = factories.HeroFactory(municipality=municipality)
        hero.topics.set(topics)
        record_vog(hero, dt.date(2025, 1, 1))
        services.availability_window_add(
            hero=hero, weekday=1, start_time=dt.time(13), end_time=dt.time(16)
        )


def test_the_hero_list_costs_the_same_queries_for_2_and_8_heroes(
    client, coordinator, municipality, topics, count_queries
):
    client = login(client, coordinator)
    counts = []
    for n in (2, 8):
        _heroes(municipality, topics, n)
        counts.append(count_queries(lambda: api_get(client, "/api/v1/heroes/")))
    assert counts[0] == counts[1]


def _rows(hero, municipality, n):
    """Top up the hero's windows, away periods and the municipality's topics to n each."""
    for i in range(hero.availability.count(), n):
        services.availability_window_add(
            hero=hero, weekday=i, start_time=dt.time(13), end_time=dt.time(16)
        )
    for i in range(hero.away_periods.count(), n):
        services.away_period_add(
            hero=hero,
            starts_on=dt.date(2027, 1, 1) + dt.timedelta(days=i),
            ends_on=dt.date(2027, 1, 1) + dt.timedelta(days=i),
            now=NOW,
        )
    for i in range(Topic.objects.filter(municipality=municipality).count(), n):
        Topic.objects.create(municipality=municipality, name=f"Topic {i}")


@pytest.mark.parametrize(
    "url", ["/api/v1/heroes/me/availability/", "/api/v1/heroes/me/exceptions/", "/api/v1/topics/"]
)
def test_the_hero_own_lists_cost_the_same_queries_at_two_sizes(
    client, hero, municipality, count_queries, url
):
    client = login(client, hero.user)
    counts = []
    for n in (2, 7):
        _rows(hero, municipality, n)
        counts.append(count_queries(lambda: api_get(client, url)))
    assert counts[0] == counts[1]

"""Hero pages: a hero edits only their own profile; coordinators see their municipality's."""

import datetime as dt

import pytest
from django.urls import reverse

from heroes.models import VOGCheck
from tests import factories
from tests.clock import MONDAY as TODAY
from tests.clock import MONDAY_NOON as NOW
from tests.helpers import login

pytestmark = pytest.mark.usefixtures("monday_noon")


@pytest.fixture
def hero(municipality):
    return factories.HeroFactory(municipality=municipality, display_name="Samira")


# The hero's own pages


def test_hero_sees_own_profile_with_missing_vog(client, hero):
    response = login(client, hero.user).get(reverse("heroes:my_profile"))
    assert response.status_code == 200
    assert "Samira" in response.text
    assert "Not recorded" in response.text


def test_hero_sees_vog_expiring_soon(client, hero):
    VOGCheck.objects.create(
        hero=hero, issued_on=dt.date(2023, 12, 1), valid_until=dt.date(2026, 12, 1), recorded_at=NOW
    )
    response = login(client, hero.user).get(reverse("heroes:my_profile"))
    assert "Expires soon" in response.text


@pytest.mark.parametrize("who", ["coordinator", "staff", "parent"])
def test_people_without_a_hero_profile_get_403_on_my_profile(client, request, who):
    user = request.getfixturevalue(who)
    response = login(client, user).get(reverse("heroes:my_profile"))
    assert response.status_code == 403


def test_hero_edits_profile(client, hero, municipality):
    place = factories.NeighbourhoodFactory(municipality=municipality)
    data = {
        "story": "I run a bakery.",
        "languages": ["nl", "ber"],
        "home_neighbourhood": place.pk,
        "visit_neighbourhoods": [place.pk],
        "max_visits_per_month": 3,
    }
    response = login(client, hero.user).post(reverse("heroes:my_profile_edit"), data)
    assert response.status_code == 302
    hero.refresh_from_db()
    assert hero.story == "I run a bakery."
    assert hero.languages == ["nl", "ber"]
    assert hero.max_visits_per_month == 3


def test_profile_limit_out_of_range_shows_error(client, hero):
    data = {"story": "", "max_visits_per_month": 21}
    response = login(client, hero.user).post(reverse("heroes:my_profile_edit"), data)
    assert response.status_code == 200
    assert "errorlist" in response.text
    hero.refresh_from_db()
    assert hero.max_visits_per_month == 4


def window(weekday, start, end):
    return {
        "form": "window",
        "window-weekday": weekday,
        "window-start_time": start,
        "window-end_time": end,
    }


def test_hero_adds_and_removes_windows_and_overlap_is_explained(client, hero):
    client = login(client, hero.user)
    url = reverse("heroes:my_availability")
    assert client.post(url, window(1, "13:00", "15:00")).status_code == 302
    response = client.post(url, window(1, "14:00", "16:00"))
    assert response.status_code == 200
    assert "overlaps" in response.text
    assert hero.availability.count() == 1
    pk = hero.availability.get().pk
    assert client.post(reverse("heroes:window_remove", args=[pk])).status_code == 302
    assert not hero.availability.exists()


def test_hero_adds_and_removes_away_period(client, hero):
    client = login(client, hero.user)
    data = {"form": "away", "away-starts_on": "2026-12-01", "away-ends_on": "2026-12-05"}
    assert client.post(reverse("heroes:my_availability"), data).status_code == 302
    period = hero.away_periods.get()
    assert client.post(reverse("heroes:away_remove", args=[period.pk])).status_code == 302
    assert not hero.away_periods.exists()


def test_hero_cannot_remove_another_heroes_window(client, hero, municipality):
    other = factories.HeroFactory(municipality=municipality)
    theirs = other.availability.create(weekday=1, start_time=dt.time(13), end_time=dt.time(15))
    response = login(client, hero.user).post(reverse("heroes:window_remove", args=[theirs.pk]))
    assert response.status_code == 404
    assert other.availability.exists()


# Coordinator pages


def test_coordinator_sees_hero_detail(client, coordinator, hero):
    response = login(client, coordinator).get(reverse("heroes:hero_detail", args=[hero.pk]))
    assert response.status_code == 200
    assert "Record a VOG check" in response.text


def test_other_municipality_coordinator_gets_404(client, outsider_coordinator, hero):
    response = login(client, outsider_coordinator).get(
        reverse("heroes:hero_detail", args=[hero.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["staff", "parent"])
def test_staff_and_parents_get_403_on_coordinator_pages(client, request, who, hero):
    client = login(client, request.getfixturevalue(who))
    assert client.get(reverse("heroes:hero_list")).status_code == 403
    assert client.get(reverse("heroes:hero_detail", args=[hero.pk])).status_code == 403
    assert client.get(reverse("heroes:topic_list")).status_code == 403


def test_hero_cannot_open_coordinator_pages(client, hero):
    response = login(client, hero.user).get(reverse("heroes:hero_detail", args=[hero.pk]))
    assert response.status_code == 403


def test_coordinator_records_vog_with_default_policy(client, coordinator, hero):
    data = {"form": "vog", "vog-issued_on": "2026-10-01", "vog-valid_until": ""}
    url = reverse("heroes:hero_detail", args=[hero.pk])
    assert login(client, coordinator).post(url, data).status_code == 302
    check = hero.vog_checks.get()
    assert check.valid_until == dt.date(2029, 10, 1)
    assert check.recorded_by == coordinator


def test_vog_form_error_when_valid_until_before_issue(client, coordinator, hero):
    data = {"form": "vog", "vog-issued_on": "2026-10-01", "vog-valid_until": "2026-09-01"}
    url = reverse("heroes:hero_detail", args=[hero.pk])
    response = login(client, coordinator).post(url, data)
    assert response.status_code == 200
    assert "The end date must be after the issue date." in response.text
    assert not hero.vog_checks.exists()


def test_outsider_cannot_record_vog(client, outsider_coordinator, hero):
    data = {"form": "vog", "vog-issued_on": "2026-10-01"}
    url = reverse("heroes:hero_detail", args=[hero.pk])
    assert login(client, outsider_coordinator).post(url, data).status_code == 404
    assert not hero.vog_checks.exists()


def test_hero_list_shows_only_own_municipality_and_filters_vog(client, coordinator, hero):
    valid = factories.HeroFactory(municipality=hero.municipality, display_name="Valid Vera")
    VOGCheck.objects.create(
        hero=valid, issued_on=dt.date(2026, 1, 1), valid_until=dt.date(2029, 1, 1), recorded_at=NOW
    )
    factories.HeroFactory(display_name="Foreign Fred")
    client = login(client, coordinator)
    response = client.get(reverse("heroes:hero_list"))
    assert "Samira" in response.text and "Valid Vera" in response.text
    assert "Foreign Fred" not in response.text
    response = client.get(reverse("heroes:hero_list"), {"vog": "problem"})
    assert "Samira" in response.text
    assert "Valid Vera" not in response.text


def test_hero_list_queries_do_not_grow_with_heroes(
    client, coordinator, municipality, count_queries
):
    client = login(client, coordinator)
    topic = municipality.hero_topics.create(name="Sport")

    def add(n):
        for _ in range(n):
            hero = factories.HeroFactory(municipality=municipality)
            hero.topics.add(topic)
            VOGCheck.objects.create(
                hero=hero, issued_on=TODAY, valid_until=dt.date(2029, 1, 1), recorded_at=NOW
            )

    def fetch():
        assert client.get(reverse("heroes:hero_list")).status_code == 200

    add(2)
    small = count_queries(fetch)
    add(6)
    assert count_queries(fetch) == small


def test_coordinator_adds_and_renames_topic(client, coordinator, municipality):
    client = login(client, coordinator)
    assert client.post(reverse("heroes:topic_list"), {"name": "Sport"}).status_code == 302
    topic = municipality.hero_topics.get()
    response = client.post(reverse("heroes:topic_list"), {"name": "sport"})
    assert "already has a topic" in response.text
    url = reverse("heroes:topic_edit", args=[topic.pk])
    assert client.post(url, {"name": "Sport and games"}).status_code == 302
    topic.refresh_from_db()
    assert topic.name == "Sport and games"


def test_outsider_cannot_rename_topic(client, outsider_coordinator, municipality):
    topic = municipality.hero_topics.create(name="Sport")
    url = reverse("heroes:topic_edit", args=[topic.pk])
    assert login(client, outsider_coordinator).post(url, {"name": "X"}).status_code == 404

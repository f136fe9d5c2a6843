"""Hero services: availability rules, away periods, VOG validity and reminders."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from heroes import services
from heroes.models import AvailabilityWindow, Hero, VOGCheck, vog_status
from notifications.models import Notification
from tests import factories
from tests.clock import MONDAY as TODAY
from tests.clock import MONDAY_NOON as NOW


@pytest.fixture
def hero(municipality) -> Hero:
    return factories.HeroFactory(municipality=municipality)


def add_window(hero, weekday, start, end):
    return services.availability_window_add(
        hero=hero, weekday=weekday, start_time=dt.time(*start), end_time=dt.time(*end)
    )


# Availability


def test_windows_on_the_same_day_may_touch_but_not_overlap(hero):
    add_window(hero, 1, (13, 0), (15, 0))
    add_window(hero, 1, (15, 0), (16, 0))
    with pytest.raises(ValidationError, match="overlaps"):
        add_window(hero, 1, (14, 30), (15, 30))
    assert hero.availability.count() == 2


def test_same_times_on_another_day_are_fine(hero):
    add_window(hero, 1, (13, 0), (15, 0))
    add_window(hero, 2, (13, 0), (15, 0))
    assert hero.availability.count() == 2


def test_window_that_ends_before_it_starts_is_refused(hero):
    with pytest.raises(ValidationError) as exc:
        add_window(hero, 0, (15, 0), (15, 0))
    assert "end_time" in exc.value.error_dict
    assert not AvailabilityWindow.objects.exists()


def test_other_heroes_windows_do_not_count_as_overlap(hero, municipality):
    other = factories.HeroFactory(municipality=municipality)
    add_window(other, 1, (13, 0), (15, 0))
    add_window(hero, 1, (13, 0), (15, 0))
    assert AvailabilityWindow.objects.count() == 2


def test_away_period_is_stored_and_its_order_checked(hero):
    period = services.away_period_add(
        hero=hero, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=7), note=" Holiday ", now=NOW
    )
    assert period.note == "Holiday"
    with pytest.raises(ValidationError) as exc:
        services.away_period_add(
            hero=hero, starts_on=TODAY, ends_on=TODAY - dt.timedelta(days=1), now=NOW
        )
    assert "ends_on" in exc.value.error_dict
    assert hero.away_periods.count() == 1


def test_away_period_in_the_past_is_refused(hero):
    with pytest.raises(ValidationError):
        services.away_period_add(
            hero=hero, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 1, 5), now=NOW
        )


# Profile


def test_profile_refuses_topics_of_another_municipality(hero):
    foreign = services.topic_create(
        municipality=factories.MunicipalityFactory(name="Utrecht"), name="Sport"
    )
    with pytest.raises(ValidationError) as exc:
        services.hero_profile_update(
            hero=hero,
            story="",
            topics=[foreign],
            languages=["nl"],
            home_neighbourhood=None,
            visit_neighbourhoods=[],
            max_visits_per_month=4,
        )
    assert "topics" in exc.value.error_dict
    assert hero.topics.count() == 0


def test_profile_keeps_languages_in_list_order(hero, municipality):
    topic = services.topic_create(municipality=municipality, name="Sport")
    place = factories.NeighbourhoodFactory(municipality=municipality)
    services.hero_profile_update(
        hero=hero,
        story="I box.",
        topics=[topic],
        languages=["tr", "nl"],
        home_neighbourhood=place,
        visit_neighbourhoods=[place],
        max_visits_per_month=6,
    )
    hero.refresh_from_db()
    assert hero.languages == ["nl", "tr"]
    assert list(hero.topics.all()) == [topic]
    assert hero.max_visits_per_month == 6


def test_topic_names_are_unique_per_municipality(municipality):
    services.topic_create(municipality=municipality, name="Sport")
    with pytest.raises(ValidationError):
        services.topic_create(municipality=municipality, name=" sport ")
    services.topic_create(municipality=factories.MunicipalityFactory(), name="Sport")


# VOG


def test_vog_defaults_to_three_years(hero, coordinator):
    check = services.vog_record(
        hero=hero, issued_on=dt.date(2026, 3, 1), recorded_by=coordinator, now=NOW
    )
    assert check.valid_until == dt.date(2029, 3, 1)
    assert check.recorded_at == NOW


def test_vog_policy_can_be_overridden_per_record(hero, coordinator):
    check = services.vog_record(
        hero=hero,
        issued_on=dt.date(2026, 3, 1),
        valid_until=dt.date(2027, 3, 1),
        recorded_by=coordinator,
        now=NOW,
    )
    assert check.valid_until == dt.date(2027, 3, 1)


def test_vog_issued_in_the_future_is_refused(hero, coordinator):
    with pytest.raises(ValidationError) as exc:
        services.vog_record(
            hero=hero, issued_on=dt.date(2026, 12, 1), recorded_by=coordinator, now=NOW
        )
    assert "issued_on" in exc.value.error_dict
    assert not VOGCheck.objects.exists()


def test_vog_valid_on_uses_the_latest_check(hero, coordinator):
    assert not hero.vog_valid_on(TODAY)
    services.vog_record(
        hero=hero,
        issued_on=dt.date(2023, 1, 1),
        valid_until=dt.date(2026, 1, 1),
        recorded_by=coordinator,
        now=NOW,
    )
    assert hero.vog_valid_on(dt.date(2025, 12, 31))
    assert hero.vog_valid_on(dt.date(2026, 1, 1))
    assert not hero.vog_valid_on(TODAY)
    services.vog_record(hero=hero, issued_on=dt.date(2026, 10, 1), recorded_by=None, now=NOW)
    assert hero.vog_valid_on(TODAY)
    assert not hero.vog_valid_on(dt.date(2026, 9, 30))


def test_vog_status_names_each_state():
    assert vog_status(None, TODAY) == "missing"
    assert vog_status(TODAY - dt.timedelta(days=1), TODAY) == "expired"
    assert vog_status(TODAY + dt.timedelta(days=60), TODAY) == "expiring"
    assert vog_status(TODAY + dt.timedelta(days=61), TODAY) == "valid"


# Reminders


def record(hero, valid_until):
    return VOGCheck.objects.create(
        hero=hero,
        issued_on=valid_until - dt.timedelta(days=3 * 365),
        valid_until=valid_until,
        recorded_at=NOW,
    )


def test_reminder_goes_to_hero_and_coordinators_once(hero, coordinator, municipality):
    second = factories.coordinator(municipality)
    check = record(hero, TODAY + dt.timedelta(days=30))
    assert services.vog_reminders_send(now=NOW) == 3
    assert services.vog_reminders_send(now=NOW) == 0
    sent = Notification.objects.filter(kind="hero:vog_expiring")
    assert {n.recipient for n in sent} == {hero.user, coordinator, second}
    assert all(str(check.pk) in n.idempotency_key for n in sent)


def test_reminder_skips_valid_expired_and_replaced_vogs(municipality, coordinator):
    far = factories.HeroFactory(municipality=municipality)
    record(far, TODAY + dt.timedelta(days=61))
    expired = factories.HeroFactory(municipality=municipality)
    record(expired, TODAY - dt.timedelta(days=1))
    renewed = factories.HeroFactory(municipality=municipality)
    record(renewed, TODAY + dt.timedelta(days=10))
    VOGCheck.objects.create(
        hero=renewed, issued_on=TODAY, valid_until=dt.date(2029, 11, 2), recorded_at=NOW
    )
    assert services.vog_reminders_send(now=NOW) == 0
    assert not Notification.objects.exists()


def test_reminder_task_runs_the_service(hero, time_machine):
    from heroes.tasks import remind_vog_expiring

    time_machine.move_to(NOW, tick=False)
    record(hero, TODAY + dt.timedelta(days=5))
    assert remind_vog_expiring.delay().get() == 1
    message = Notification.objects.get()
    assert message.recipient == hero.user

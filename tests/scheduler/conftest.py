"""Shared pieces for scheduler tests: a VO school with a group, a VR-trained hero who is free
on Tuesdays and Thursdays with a valid VOG, a kit, and a request for next Tuesday."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from heroes import services as hero_services
from scheduler import services
from tests import factories

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=AMS)  # a Monday
TUESDAY = dt.date(2026, 11, 10)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), AMS)


@pytest.fixture
def vo_school(municipality):
    return factories.SchoolFactory(
        neighbourhood__municipality=municipality, level="vo", name="Zaanlands Lyceum"
    )


@pytest.fixture
def group(vo_school):
    return factories.GroupFactory(school=vo_school, pupils=24, grade=2)


@pytest.fixture
def vo_staff(vo_school):
    return factories.staff(vo_school)


def make_hero(municipality, *, name="Dennis", vr=True, languages=("nl",), vog_until=None):
    hero = factories.HeroFactory(municipality=municipality, display_name=name)
    hero.languages = list(languages)
    if vr:
        hero.vr_trained_on = dt.date(2026, 6, 1)
    hero.save()
    for weekday in (1, 3):
        hero_services.availability_window_add(
            hero=hero, weekday=weekday, start_time=dt.time(9, 0), end_time=dt.time(16, 0)
        )
    issued = dt.date(2025, 1, 1)
    hero.vog_checks.create(
        issued_on=issued,
        valid_until=vog_until or dt.date(2028, 1, 1),
        recorded_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
    )
    return hero


@pytest.fixture
def hero(municipality):
    return make_hero(municipality)


@pytest.fixture
def kit(municipality):
    return services.kit_create(municipality=municipality, name="Kit Noord", headsets=15)


def make_request(school, group, user, *, kind="hero", day=TUESDAY, hours=(10, 12), **kw):
    return services.request_create(
        school=school,
        group=group,
        requested_by=user,
        kind=kind,
        windows=[(at(day, hours[0]), at(day, hours[1]))],
        now=NOW,
        **kw,
    )


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """Every scheduler test runs on Monday 2 November 2026, 09:00 in Amsterdam: background runs
    (queued after a decline) read the clock, and the fixtures' windows lie a week ahead."""
    time_machine.move_to(NOW, tick=False)

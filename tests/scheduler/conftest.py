"""Shared pieces for scheduler tests: a VO school with a group, a VR-trained hero who is free
on Tuesdays and Thursdays with a valid VOG, a kit, a request for next Tuesday, an offer and a
visit. Every test here runs on Monday 2 November 2026, 09:00 in Amsterdam (tests/clock.py)."""

import datetime as dt

import pytest
from django.utils import translation

from heroes import services as hero_services
from notifications.models import Notification
from tests import factories
from tests.clock import NOW, TUESDAY, at


@pytest.fixture
def vo_school(municipality):
    return factories.SchoolFactory(
        neighbourhood__municipality=municipality, level="vo", name="Zaanlands Lyceum"
    )


@pytest.fixture
def other_vo_school(municipality):
    return factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")


@pytest.fixture
def other_staff(municipality):
    """Staff of another secondary school in the same municipality."""
    return factories.staff(
        factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
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
def other_hero(municipality):
    return make_hero(municipality, name="Samira")


@pytest.fixture
def kit(municipality):
    return factories.KitFactory(municipality=municipality, name="Kit Noord", headsets=15)


def make_request(
    school, group=None, user=None, *, kind="hero", day=TUESDAY, hours=(10, 12), pupils=24, **kw
):
    """An open request of `group` (None: a new group of `school` with `pupils`) asked for by
    `user`, with one preferred time, as request_create leaves it. A test of request_create
    itself (its checks, the matching run it queues) calls the service."""
    group = group or factories.GroupFactory(school=school, pupils=pupils)
    assert group.school == school, "a request's group is of its school"
    return factories.SessionRequestFactory(
        group=group,
        requested_by=user,
        kind=kind,
        windows=[(at(day, hours[0]), at(day, hours[1]))],
        **kw,
    )


@pytest.fixture
def open_request(vo_school, group, vo_staff):
    """The staff member's request for Tuesday 10:00-12:00, waiting for a hero."""
    return make_request(vo_school, group, vo_staff)


@pytest.fixture
def offer(vo_school, group, vo_staff, hero):
    """An offer of the hero for Tuesday 10:00-11:00 (the request's one preferred time)."""
    return factories.OfferFactory(
        request=make_request(vo_school, group, vo_staff, hours=(10, 11)), hero=hero
    )


@pytest.fixture
def visit(vo_school, group, vo_staff, hero):
    """The hero's confirmed visit on Tuesday 10:00-11:00."""
    return factories.VisitFactory(
        request=make_request(vo_school, group, vo_staff, hours=(10, 11)), hero=hero
    )


def kinds(user) -> set[str]:
    """The kinds of message `user` was sent."""
    return set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.fixture
def in_english():
    """For tests that read the messages: they stay English once the Dutch ones exist."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """Every scheduler test runs on Monday 2 November 2026, 09:00 in Amsterdam: background runs
    (queued after a decline) read the clock, and the fixtures' windows lie a week ahead."""
    time_machine.move_to(NOW, tick=False)

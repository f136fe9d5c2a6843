"""adapter.load: the rows of one municipality as the matching engine's instance."""

import datetime as dt

import pytest

from heroes import services as hero_services
from heroes.models import Topic
from scheduler import adapter, errors, services
from scheduler.matching import model as m
from scheduler.models import Offer, SessionRequest, Visit
from tests import factories
from tests.clock import LOCAL_TZ, NOW, THURSDAY, TUESDAY, at
from tests.scheduler.conftest import make_hero, make_request


def engine_hero(loaded, hero) -> m.Hero:
    return next(h for h in loaded.instance.heroes if h.id == str(hero.pk))


def engine_request(loaded, session_request) -> m.Request:
    return next(r for r in loaded.instance.requests if r.id == str(session_request.pk))


def test_open_requests_become_engine_requests(municipality, vo_school, group, vo_staff):
    topic = Topic.objects.create(municipality=municipality, name="Pesten")
    session_request = make_request(vo_school, group, vo_staff, topic=topic, language="en")
    SessionRequest.objects.filter(pk=session_request.pk).update(priority=3)
    session_request.refresh_from_db()

    loaded = adapter.load(municipality.pk, NOW)

    assert list(loaded.requests) == [session_request.pk]
    assert loaded.instance.requests == (
        m.Request(
            id=str(session_request.pk),
            kind=m.HERO,
            school=str(vo_school.pk),
            size=24,
            duration_min=60,
            windows=((at(TUESDAY, 10), at(TUESDAY, 12)),),
            topic=str(topic.pk),
            language="en",
            created_at=session_request.created_at,
            priority=3,
            neighbourhood=str(vo_school.neighbourhood_id),
        ),
    )
    assert loaded.instance.now == NOW
    assert loaded.instance.travel_buffer_min == 30


def test_only_open_requests_of_the_municipality_are_loaded(
    municipality, vo_school, group, vo_staff, kit, other_school
):
    vr = make_request(vo_school, group, vo_staff, kind="vr")
    cancelled = make_request(vo_school)
    services.request_cancel(session_request=cancelled, now=NOW)
    make_request(other_school)  # another municipality
    loaded = adapter.load(municipality.pk, NOW)
    assert list(loaded.requests) == [vr.pk]
    assert [r.kind for r in loaded.instance.requests] == [m.VR]
    assert engine_request(loaded, vr).topic == ""


def test_hero_fields_become_strings_and_sets(municipality, vo_school, hero):
    topic = Topic.objects.create(municipality=municipality, name="Geld")
    home = factories.NeighbourhoodFactory(municipality=municipality)
    hero.topics.add(topic)
    hero.visit_neighbourhoods.add(vo_school.neighbourhood, home)
    hero.languages = ["nl", "en"]
    hero.home_neighbourhood = home
    hero.max_visits_per_month = 6
    hero.save()

    found = engine_hero(adapter.load(municipality.pk, NOW), hero)

    assert found.topics == frozenset({str(topic.pk)})
    assert found.languages == frozenset({"nl", "en"})
    assert found.home_neighbourhood == str(home.pk)
    assert found.neighbourhoods == frozenset({str(home.pk), str(vo_school.neighbourhood_id)})
    assert found.vr_trained is True
    assert found.max_visits_per_month == 6
    assert found.schools_before == frozenset()


def test_heroes_of_another_municipality_are_left_out(municipality, hero, other_school):
    make_hero(other_school.neighbourhood.municipality, name="Elders")
    assert [h.id for h in adapter.load(municipality.pk, NOW).instance.heroes] == [str(hero.pk)]


def test_hero_ids_narrow_the_heroes(municipality, hero):
    other = make_hero(municipality, name="Samira")
    loaded = adapter.load(municipality.pk, NOW, hero_ids=[other.pk])
    assert list(loaded.heroes) == [other.pk]
    assert [h.id for h in loaded.instance.heroes] == [str(other.pk)]


def test_the_current_vog_counts(municipality):
    hero = make_hero(municipality, vog_until=dt.date(2027, 3, 1))
    renewed = make_hero(municipality, name="Samira", vog_until=dt.date(2026, 12, 1))
    renewed.vog_checks.create(
        issued_on=dt.date(2026, 10, 1),
        valid_until=dt.date(2029, 10, 1),
        recorded_at=dt.datetime(2026, 10, 2, tzinfo=dt.UTC),
    )
    without = factories.HeroFactory(municipality=municipality)
    loaded = adapter.load(municipality.pk, NOW)
    assert engine_hero(loaded, hero).vog_valid_until == dt.date(2027, 3, 1)
    assert engine_hero(loaded, renewed).vog_valid_until == dt.date(2029, 10, 1)
    assert engine_hero(loaded, without).vog_valid_until is None
    assert engine_hero(loaded, without).vr_trained is False


def test_availability_is_expanded_over_the_horizon_without_away_days(municipality, vo_school, hero):
    make_request(vo_school, day=TUESDAY + dt.timedelta(days=14))  # the horizon: 24 November
    hero_services.away_period_add(
        hero=hero, starts_on=TUESDAY, ends_on=THURSDAY, note="Vakantie", now=NOW
    )
    found = engine_hero(adapter.load(municipality.pk, NOW), hero)
    # From the first of the month (for the monthly limit) to the last window's day.
    days = [dt.date(2026, 11, d) for d in (3, 5, 17, 19, 24)]
    assert found.available == tuple((at(day, 9), at(day, 16)) for day in days)


def test_until_stretches_the_horizon(municipality, hero):
    found = engine_hero(adapter.load(municipality.pk, NOW), hero)
    assert found.available == (), "nothing open: availability up to today only"
    found = engine_hero(adapter.load(municipality.pk, NOW, until=TUESDAY), hero)
    assert [s.date() for s, _e in found.available] == [
        dt.date(2026, 11, 3),
        dt.date(2026, 11, 5),
        TUESDAY,
    ]


def test_a_past_away_period_does_not_matter(municipality, vo_school, hero):
    make_request(vo_school)
    hero.away_periods.create(starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 10, 31))
    found = engine_hero(adapter.load(municipality.pk, NOW), hero)
    assert [s.date() for s, _e in found.available] == [
        dt.date(2026, 11, 3),
        dt.date(2026, 11, 5),
        dt.date(2026, 11, 10),
    ]


def _one_pm_hero(municipality):
    hero = factories.HeroFactory(municipality=municipality)
    hero_services.availability_window_add(
        hero=hero, weekday=1, start_time=dt.time(13, 0), end_time=dt.time(15, 0)
    )
    return hero


def test_a_one_oclock_window_stays_one_oclock_when_summer_time_ends(municipality, vo_school):
    hero = _one_pm_hero(municipality)
    monday = at(dt.date(2026, 10, 19), 9)
    make_request(vo_school, day=dt.date(2026, 10, 27))
    found = engine_hero(adapter.load(municipality.pk, monday), hero)
    before, after = found.available[-2:]
    assert before[0].date() == dt.date(2026, 10, 20)
    assert before[0].astimezone(dt.UTC).hour == 11  # CEST, UTC+2
    assert after[0].date() == dt.date(2026, 10, 27)
    assert after[0].astimezone(dt.UTC).hour == 12  # CET, UTC+1
    assert all(s.astimezone(LOCAL_TZ).time() == dt.time(13) for s, _e in found.available)
    assert all(e - s == dt.timedelta(hours=2) for s, e in found.available)


def test_a_one_oclock_window_stays_one_oclock_when_summer_time_starts(municipality, vo_school):
    hero = _one_pm_hero(municipality)
    make_request(vo_school, day=dt.date(2027, 3, 30))
    found = engine_hero(adapter.load(municipality.pk, NOW), hero)
    by_day = {s.date(): s for s, _e in found.available}
    assert by_day[dt.date(2027, 3, 23)].astimezone(dt.UTC).hour == 12  # CET
    assert by_day[dt.date(2027, 3, 30)].astimezone(dt.UTC).hour == 11  # CEST
    assert all(s.astimezone(LOCAL_TZ).time() == dt.time(13) for s in by_day.values())
    assert len(by_day) == 22  # every Tuesday from 3 November to 30 March


def test_pending_offers_and_confirmed_visits_are_fixed(
    municipality, vo_school, group, vo_staff, hero, kit
):
    offered = make_request(vo_school, group, vo_staff, kind="vr")
    factories.OfferFactory(request=offered, hero=hero, kit=kit)
    booked = make_request(vo_school, day=THURSDAY)
    factories.VisitFactory(request=booked, hero=hero, starts_at=at(THURSDAY, 11))
    open_one = make_request(vo_school)

    loaded = adapter.load(municipality.pk, NOW)

    assert list(loaded.requests) == [open_one.pk]
    assert set(loaded.instance.fixed) == {
        m.Assignment(str(offered.pk), str(hero.pk), str(kit.pk), at(TUESDAY, 10), at(TUESDAY, 11)),
        m.Assignment(str(booked.pk), str(hero.pk), None, at(THURSDAY, 11), at(THURSDAY, 12)),
    }
    # Fixed requests come along with their one time as window, so the engine knows them.
    assert engine_request(loaded, offered).windows == ((at(TUESDAY, 10), at(TUESDAY, 11)),)
    assert engine_request(loaded, booked).kind == m.HERO
    assert engine_hero(loaded, hero).schools_before == frozenset({str(vo_school.pk)})


def test_answered_and_cancelled_offers_and_visits_are_not_fixed(
    municipality, vo_school, group, vo_staff, hero
):
    session_request = make_request(vo_school, group, vo_staff)
    offer = factories.OfferFactory(request=session_request, hero=hero)
    services.request_cancel(session_request=session_request, now=NOW)
    other = make_request(vo_school, day=THURSDAY)
    factories.VisitFactory(request=other, hero=hero)
    services.request_reschedule(
        session_request=other, windows=[(at(THURSDAY, 13), at(THURSDAY, 15))], now=NOW
    )
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    loaded = adapter.load(municipality.pk, NOW)
    assert loaded.instance.fixed == ()
    assert engine_hero(loaded, hero).schools_before == frozenset()


def test_declined_and_expired_offers_exclude_the_hero(municipality, vo_school, hero, kit):
    other = make_hero(municipality, name="Samira")
    declined, expired, withdrawn, closed = (make_request(vo_school) for _ in range(4))
    services.offer_decline(
        offer=factories.OfferFactory(request=declined, hero=hero), code="time", reason="", now=NOW
    )
    first = factories.OfferFactory(request=expired, hero=other)
    services.offers_expire(now=first.expires_at)
    # Withdrawn (the offer no longer fitted): not the hero's doing, so no exclusion.
    services.kit_block_add(kit=kit, starts_at=at(TUESDAY, 8), ends_at=at(TUESDAY, 17))
    with pytest.raises(errors.NoLongerFits):
        services.offer_accept(
            offer=factories.OfferFactory(request=withdrawn, hero=hero, kit=kit), now=NOW
        )
    services.offer_decline(
        offer=factories.OfferFactory(request=closed, hero=hero), code="time", reason="", now=NOW
    )
    services.request_cancel(session_request=closed, now=NOW)

    loaded = adapter.load(municipality.pk, NOW)

    assert loaded.instance.exclusions == frozenset(
        {(str(declined.pk), str(hero.pk)), (str(expired.pk), str(other.pk))}
    )


def test_kits_in_use_with_their_coming_blocks(municipality, kit):
    factories.KitFactory(municipality=municipality, name="Oud", headsets=8, is_active=False)
    factories.KitFactory(municipality__name="Elders", name="Elders", headsets=8)
    factories.KitBlockFactory(kit=kit, starts_at=at(TUESDAY, 8), ends_at=at(TUESDAY, 17))
    factories.KitBlockFactory(  # past: left out
        kit=kit, starts_at=at(dt.date(2026, 10, 1), 8), ends_at=at(dt.date(2026, 10, 2), 8)
    )
    loaded = adapter.load(municipality.pk, NOW)
    assert list(loaded.kits) == [kit.pk]
    assert loaded.instance.kits == (
        m.Kit(id=str(kit.pk), headsets=15, blocked=((at(TUESDAY, 8), at(TUESDAY, 17)),)),
    )


def _world(municipality, start: int, n: int) -> None:
    """n heroes, kits, schools and requests in every state, with all their related rows."""
    for i in range(start, start + n):
        school = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
        topic = Topic.objects.create(municipality=municipality, name=f"Onderwerp {i}")
        hero = make_hero(municipality, name=f"Held {i}")
        hero.topics.add(topic)
        hero.visit_neighbourhoods.add(school.neighbourhood)
        hero_services.away_period_add(
            hero=hero,
            starts_on=TUESDAY + dt.timedelta(days=7),
            ends_on=TUESDAY + dt.timedelta(days=7),
            now=NOW,
        )
        kit = factories.KitFactory(municipality=municipality, name=f"Kit {i}")
        factories.KitBlockFactory(kit=kit, starts_at=at(THURSDAY, 8), ends_at=at(THURSDAY, 9))
        make_request(school, kind="vr", topic=topic)
        factories.OfferFactory(request=make_request(school), hero=hero, kit=kit)
        factories.VisitFactory(
            request=make_request(school, day=THURSDAY, hours=(13, 15)), hero=hero
        )
        factories.OfferFactory(
            request=make_request(school, hours=(13, 15)), hero=hero, status=Offer.Status.DECLINED
        )


def test_load_runs_the_same_queries_at_any_size(municipality, count_queries):
    _world(municipality, 0, 2)
    small = count_queries(lambda: adapter.load(municipality.pk, NOW))
    _world(municipality, 2, 8)
    loaded = adapter.load(municipality.pk, NOW)
    assert len(loaded.requests) == 20 and len(loaded.instance.fixed) == 20
    assert len(loaded.instance.exclusions) == 10 and len(loaded.kits) == 10
    large = count_queries(lambda: adapter.load(municipality.pk, NOW))
    assert small == large, f"{small} queries for 2 of each, {large} for 10"
    assert large <= 13


@pytest.mark.parametrize(
    "start,minutes,school,clash",
    [
        ((10, 0), 60, "same", True),
        ((11, 0), 60, "same", False),  # back to back at the same school
        ((9, 0), 60, "same", False),
        ((11, 0), 60, "other", True),  # no time to travel
        ((11, 29), 60, "other", True),
        ((11, 30), 60, "other", False),
        ((8, 30), 60, "other", False),
        ((8, 31), 60, "other", True),
    ],
)
def test_busy_clash_keeps_the_travel_buffer_between_schools(
    municipality, vo_school, group, vo_staff, hero, kit, start, minutes, school, clash
):
    """A hero's (or kit's) visit 10:00-11:00 at vo_school against a new time."""
    session_request = make_request(vo_school, group, vo_staff, kind="vr")
    factories.VisitFactory(request=session_request, hero=hero, kit=kit)
    other = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
    begin = at(TUESDAY, *start)

    def clashes(hero_id=None, kit_id=None) -> bool:
        q = adapter.busy_clash(
            hero_id=hero_id,
            kit_id=kit_id,
            school_id=vo_school.pk if school == "same" else other.pk,
            start=begin,
            end=begin + dt.timedelta(minutes=minutes),
        )
        return Visit.objects.filter(q).exists()

    assert clashes(hero_id=hero.pk) is clash
    assert clashes(kit_id=kit.pk) is clash
    assert clashes(hero_id=make_hero(municipality, name="Samira").pk) is False

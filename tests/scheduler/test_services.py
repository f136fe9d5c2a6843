"""The scheduling services one by one: kits, requests, offers, visits.

Every refusal leaves the database as it was; every state change tells the people it concerns.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.refusals import Refusal
from heroes import services as hero_services
from heroes.models import Topic
from notifications.models import Notification
from scheduler import errors, queue, services
from scheduler.models import Kit, KitBlock, MatchingRun, Offer, SessionRequest, Visit
from scheduler.services import runs
from tests import factories
from tests.scheduler.conftest import NOW, TUESDAY, at, make_hero, make_request

THURSDAY = TUESDAY + dt.timedelta(days=2)


def offer_for(request, hero, start, *, minutes=60, kit=None, now=NOW) -> Offer:
    """A pending offer made by hand (as a run or a coordinator would)."""
    return services.offer_create(
        session_request=request,
        hero=hero,
        kit=kit,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        now=now,
    )


def confirmed(request, hero, start, *, minutes=60, kit=None) -> Visit:
    return services.offer_accept(
        offer=offer_for(request, hero, start, minutes=minutes, kit=kit), now=NOW
    )


def another_request(school, user=None, **kw) -> SessionRequest:
    group = factories.GroupFactory(school=school, pupils=kw.pop("pupils", 24))
    return make_request(school, group, user, **kw)


def assert_rematch_queued(callbacks) -> None:
    """The change queued a new matching run for once it commits."""
    assert not MatchingRun.objects.exists()
    for callback in callbacks:
        callback()
    assert MatchingRun.objects.get().trigger == MatchingRun.Trigger.DECLINE


def kinds(user) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.fixture(autouse=True)
def _english():
    """Some tests read the messages; they stay English once the Dutch ones exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def other_vo_school(municipality):
    return factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")


# --- kits -------------------------------------------------------------------------------------


def test_kit_create_tidies_the_name(municipality):
    kit = services.kit_create(municipality=municipality, name="  Kit   Oost ", headsets=10)
    assert kit.name == "Kit Oost" and kit.is_active


@pytest.mark.parametrize("name", ["kit noord", "KIT NOORD", " Kit  Noord "])
def test_kit_name_is_unique_per_municipality_whatever_the_case(municipality, kit, name):
    with pytest.raises(ValidationError) as exc:
        services.kit_create(municipality=municipality, name=name, headsets=10)
    assert "name" in exc.value.message_dict
    assert Kit.objects.count() == 1


def test_another_municipality_may_use_the_same_kit_name(kit, other_school):
    other = other_school.neighbourhood.municipality
    assert services.kit_create(municipality=other, name="Kit Noord", headsets=5).pk


def test_renaming_a_kit_to_its_own_name_is_fine(kit):
    assert services.kit_update(kit=kit, name="kit noord", headsets=15).name == "kit noord"


@pytest.mark.parametrize("headsets", [0, 41, -1, None, "10"])
def test_a_kit_has_between_one_and_forty_headsets(municipality, headsets):
    with pytest.raises(ValidationError) as exc:
        services.kit_create(municipality=municipality, name="Kit", headsets=headsets)
    assert list(exc.value.message_dict) == ["headsets"]
    assert not Kit.objects.exists()


@pytest.mark.parametrize("headsets", [1, 40])
def test_headsets_bounds_are_inclusive(municipality, headsets):
    assert services.kit_create(municipality=municipality, name="K", headsets=headsets).pk


def test_home_venue_must_be_in_the_kits_municipality(municipality, kit, other_school):
    own = factories.VenueFactory(neighbourhood__municipality=municipality)
    foreign = factories.VenueFactory(neighbourhood=other_school.neighbourhood)
    with pytest.raises(ValidationError) as exc:
        services.kit_create(municipality=municipality, name="K2", headsets=5, home_venue=foreign)
    assert "home_venue" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.kit_update(kit=kit, name=kit.name, headsets=15, home_venue=foreign)
    kit.refresh_from_db()
    assert kit.home_venue is None
    assert (
        services.kit_update(kit=kit, name=kit.name, headsets=15, home_venue=own).home_venue == own
    )


def test_a_kit_with_confirmed_visits_ahead_stays_in_use(vo_school, group, vo_staff, hero, kit):
    request = make_request(vo_school, group, vo_staff, kind="vr")
    confirmed(request, hero, at(TUESDAY, 10), kit=kit)
    with pytest.raises(ValidationError) as exc:
        services.kit_update(kit=kit, name="Kit Noord", headsets=15, is_active=False)
    assert "is_active" in exc.value.message_dict
    kit.refresh_from_db()
    assert kit.is_active


def test_a_kit_whose_visits_are_cancelled_may_retire(vo_school, group, vo_staff, hero, kit):
    request = make_request(vo_school, group, vo_staff, kind="vr")
    confirmed(request, hero, at(TUESDAY, 10), kit=kit)
    services.request_cancel(session_request=request, now=NOW)
    assert not services.kit_update(
        kit=kit, name="Kit Noord", headsets=15, is_active=False
    ).is_active


def test_headsets_cannot_drop_below_a_confirmed_class(vo_school, group, vo_staff, hero, kit):
    request = make_request(vo_school, group, vo_staff, kind="vr")  # 24 pupils: 12 headsets
    confirmed(request, hero, at(TUESDAY, 10), kit=kit)
    with pytest.raises(ValidationError) as exc:
        services.kit_update(kit=kit, name="Kit Noord", headsets=11)
    assert "headsets" in exc.value.message_dict
    kit.refresh_from_db()
    assert kit.headsets == 15
    assert services.kit_update(kit=kit, name="Kit Noord", headsets=12).headsets == 12


def test_kit_block_cannot_cover_a_confirmed_visit(vo_school, group, vo_staff, hero, kit):
    request = make_request(vo_school, group, vo_staff, kind="vr")
    confirmed(request, hero, at(TUESDAY, 10), kit=kit)
    with pytest.raises(ValidationError) as exc:
        services.kit_block_add(kit=kit, starts_at=at(TUESDAY, 10, 30), ends_at=at(TUESDAY, 17))
    assert "starts_at" in exc.value.message_dict
    assert not KitBlock.objects.exists()
    # Right after the visit is fine: the block and the visit only touch.
    block = services.kit_block_add(kit=kit, starts_at=at(TUESDAY, 11), ends_at=at(TUESDAY, 17))
    services.kit_block_remove(block=block)
    assert not KitBlock.objects.exists()


@pytest.mark.parametrize("hours", [(12, 12), (12, 11), (None, 12)])
def test_kit_block_must_end_after_it_starts(kit, hours):
    start = at(TUESDAY, hours[0]) if hours[0] else None
    with pytest.raises(ValidationError) as exc:
        services.kit_block_add(kit=kit, starts_at=start, ends_at=at(TUESDAY, hours[1]))
    assert "ends_at" in exc.value.message_dict
    assert not KitBlock.objects.exists()


# --- request_create ---------------------------------------------------------------------------


def _refused(vo_school, group, vo_staff, field, **kw):
    kw.setdefault("kind", "hero")
    kw.setdefault("windows", [(at(TUESDAY, 10), at(TUESDAY, 12))])
    with pytest.raises(ValidationError) as exc:
        services.request_create(school=vo_school, group=group, requested_by=vo_staff, now=NOW, **kw)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert not SessionRequest.objects.exists()
    return exc.value.message_dict[field]


def test_request_create_stores_the_class_size_and_windows(vo_school, group, vo_staff):
    windows = [(at(THURSDAY, 13), at(THURSDAY, 15)), (at(TUESDAY, 10), at(TUESDAY, 12))]
    request = services.request_create(
        school=vo_school,
        group=group,
        requested_by=vo_staff,
        kind="hero",
        language="en",
        duration_min=90,
        notes="  Graag over pesten. ",
        windows=windows,
        now=NOW,
    )
    request.refresh_from_db()
    assert request.class_size == group.pupils == 24
    assert request.status == SessionRequest.Status.OPEN
    assert (request.language, request.duration_min, request.notes) == (
        "en",
        90,
        "Graag over pesten.",
    )
    assert [(w.starts_at, w.ends_at) for w in request.windows.all()] == sorted(windows)


@pytest.mark.parametrize(
    "window",
    [
        (at(dt.date(2026, 11, 2), 8), at(dt.date(2026, 11, 2), 10)),  # started an hour ago
        (at(dt.date(2026, 10, 27), 10), at(dt.date(2026, 10, 27), 12)),  # last week
    ],
)
def test_window_in_the_past_is_refused(vo_school, group, vo_staff, window):
    assert "past" in _refused(vo_school, group, vo_staff, "windows", windows=[window])[0]


def test_window_on_a_municipality_closure_day_is_refused(municipality, vo_school, group, vo_staff):
    factories.ClosureFactory(municipality=municipality, start_date=TUESDAY, end_date=TUESDAY)
    assert "closure" in _refused(vo_school, group, vo_staff, "windows")[0]


def test_window_on_the_schools_own_study_day_is_refused(municipality, vo_school, group, vo_staff):
    factories.ClosureFactory(
        municipality=municipality,
        school=vo_school,
        kind="study_day",
        start_date=TUESDAY - dt.timedelta(days=1),
        end_date=TUESDAY,
    )
    _refused(vo_school, group, vo_staff, "windows")


def test_another_schools_closure_does_not_count(municipality, vo_school, other_vo_school, group):
    factories.ClosureFactory(
        municipality=municipality, school=other_vo_school, start_date=TUESDAY, end_date=TUESDAY
    )
    factories.ClosureFactory(
        municipality=factories.MunicipalityFactory(name="Elders"),
        start_date=TUESDAY,
        end_date=TUESDAY,
    )
    assert make_request(vo_school, group, None).pk


def test_window_in_a_weekend_is_refused(vo_school, group, vo_staff):
    saturday = TUESDAY + dt.timedelta(days=4)
    assert (
        "weekend"
        in _refused(
            vo_school, group, vo_staff, "windows", windows=[(at(saturday, 10), at(saturday, 12))]
        )[0]
    )


def test_window_spanning_two_days_is_refused(vo_school, group, vo_staff):
    window = (at(TUESDAY, 15), at(TUESDAY + dt.timedelta(days=1), 9))
    assert "same day" in _refused(vo_school, group, vo_staff, "windows", windows=[window])[0]


def test_window_shorter_than_the_session_is_refused(vo_school, group, vo_staff):
    window = (at(TUESDAY, 10), at(TUESDAY, 11))
    assert (
        "shorter"
        in _refused(vo_school, group, vo_staff, "windows", windows=[window], duration_min=90)[0]
    )


def test_window_ending_before_it_starts_is_refused(vo_school, group, vo_staff):
    _refused(vo_school, group, vo_staff, "windows", windows=[(at(TUESDAY, 12), at(TUESDAY, 10))])


def test_window_without_an_end_is_refused(vo_school, group, vo_staff):
    _refused(vo_school, group, vo_staff, "windows", windows=[(at(TUESDAY, 12), None)])


def test_window_more_than_a_year_ahead_is_refused(vo_school, group, vo_staff):
    far = dt.date(2027, 11, 9)  # a Tuesday
    assert (
        "year"
        in _refused(vo_school, group, vo_staff, "windows", windows=[(at(far, 10), at(far, 12))])[0]
    )


def test_overlapping_windows_are_refused(vo_school, group, vo_staff):
    windows = [
        (at(TUESDAY, 9), at(TUESDAY, 15)),
        (at(THURSDAY, 10), at(THURSDAY, 12)),
        (at(TUESDAY, 13), at(TUESDAY, 14)),
    ]
    assert "overlap" in _refused(vo_school, group, vo_staff, "windows", windows=windows)[0]


def test_windows_that_only_touch_are_fine(vo_school, group, vo_staff):
    windows = [(at(TUESDAY, 9), at(TUESDAY, 10)), (at(TUESDAY, 10), at(TUESDAY, 11))]
    request = services.request_create(
        school=vo_school, group=group, requested_by=vo_staff, kind="hero", windows=windows, now=NOW
    )
    assert request.windows.count() == 2


def test_no_windows_is_refused(vo_school, group, vo_staff):
    _refused(vo_school, group, vo_staff, "windows", windows=[])


def test_more_than_ten_windows_are_refused(vo_school, group, vo_staff):
    days = [
        TUESDAY + dt.timedelta(days=d)
        for d in range(0, 28)
        if (TUESDAY + dt.timedelta(days=d)).weekday() < 5
    ]
    windows = [(at(day, 10), at(day, 12)) for day in days[:11]]
    _refused(vo_school, group, vo_staff, "windows", windows=windows)
    request = services.request_create(
        school=vo_school,
        group=group,
        requested_by=vo_staff,
        kind="hero",
        windows=windows[:10],
        now=NOW,
    )
    assert request.windows.count() == 10


def test_vr_for_a_class_too_big_for_every_kit_is_refused(municipality, vo_school, vo_staff, kit):
    services.kit_create(municipality=municipality, name="Klein", headsets=5)
    big = factories.GroupFactory(school=vo_school, pupils=31)  # the biggest kit serves 30
    message = _refused(vo_school, big, vo_staff, "group", kind="vr")[0]
    assert "31" in message and "30" in message


def test_vr_ignores_kits_not_in_use(municipality, vo_school, vo_staff, kit):
    services.kit_create(municipality=municipality, name="Groot", headsets=40, is_active=False)
    big = factories.GroupFactory(school=vo_school, pupils=40)
    _refused(vo_school, big, vo_staff, "group", kind="vr")


def test_vr_without_any_kit_in_use_is_refused(municipality, vo_school, group, vo_staff):
    services.kit_create(municipality=municipality, name="Oud", headsets=20, is_active=False)
    # A kit of another municipality does not help either.
    services.kit_create(
        municipality=factories.MunicipalityFactory(name="Elders"), name="Elders", headsets=20
    )
    _refused(vo_school, group, vo_staff, "kind", kind="vr")


def test_vr_at_a_primary_school_is_refused(school, staff, kit):
    group = factories.GroupFactory(school=school)
    with pytest.raises(ValidationError) as exc:
        make_request(school, group, staff, kind="vr")
    assert "kind" in exc.value.message_dict
    assert not SessionRequest.objects.exists()


def test_a_group_of_another_school_is_refused(vo_school, other_vo_school, vo_staff):
    foreign = factories.GroupFactory(school=other_vo_school)
    _refused(vo_school, foreign, vo_staff, "group")


def test_a_topic_of_another_municipality_is_refused(vo_school, group, vo_staff, other_school):
    topic = Topic.objects.create(municipality=other_school.neighbourhood.municipality, name="Geld")
    _refused(vo_school, group, vo_staff, "topic", topic=topic)


def test_a_topic_of_the_municipality_is_kept(municipality, vo_school, group, vo_staff):
    topic = Topic.objects.create(municipality=municipality, name="Geld")
    assert make_request(vo_school, group, vo_staff, topic=topic).topic == topic


@pytest.mark.parametrize("field,value", [("language", "xx"), ("language", ""), ("kind", "film")])
def test_bad_choices_are_refused(vo_school, group, vo_staff, field, value):
    _refused(vo_school, group, vo_staff, field, **{field: value})


@pytest.mark.parametrize("duration", [30, 0, None, "60", 61])
def test_a_duration_off_the_list_is_refused(vo_school, group, vo_staff, duration):
    _refused(vo_school, group, vo_staff, "duration_min", duration_min=duration)


# --- cancel and reschedule --------------------------------------------------------------------


def test_cancel_withdraws_the_pending_offer_and_tells_the_hero(vo_school, group, vo_staff, hero):
    request = make_request(vo_school, group, vo_staff)
    offer = offer_for(request, hero, at(TUESDAY, 10))
    services.request_cancel(session_request=request, reason="De klas is op excursie", now=NOW)
    request.refresh_from_db()
    offer.refresh_from_db()
    assert request.status == SessionRequest.Status.CANCELLED
    assert (offer.status, offer.responded_at) == (Offer.Status.WITHDRAWN, NOW)
    assert "scheduler:offer_withdrawn" in kinds(hero.user)


def test_cancel_cancels_the_confirmed_visit_and_tells_the_hero(vo_school, group, vo_staff, hero):
    request = make_request(vo_school, group, vo_staff)
    visit = confirmed(request, hero, at(TUESDAY, 10))
    services.request_cancel(session_request=request, now=NOW)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
    assert visit.sequence == 1
    assert visit.cancel_reason  # the default reason
    note = Notification.objects.get(recipient=hero.user, kind="scheduler:visit_cancelled")
    assert note.idempotency_key == f"visit:{visit.pk}:visit_cancelled:1"


def test_cancel_twice_is_refused(vo_school, group, vo_staff):
    request = make_request(vo_school, group, vo_staff)
    services.request_cancel(session_request=request, now=NOW)
    with pytest.raises(errors.RequestClosed):
        services.request_cancel(session_request=request, now=NOW)


def test_a_request_that_took_place_cannot_be_cancelled(vo_school, group, vo_staff, hero):
    request = make_request(vo_school, group, vo_staff)
    visit = confirmed(request, hero, at(TUESDAY, 10))
    services.visits_complete(now=visit.ends_at)
    with pytest.raises(errors.RequestClosed):
        services.request_cancel(session_request=request, now=visit.ends_at)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED


def test_reschedule_gives_new_windows_and_cancels_the_visit(vo_school, group, vo_staff, hero):
    request = make_request(vo_school, group, vo_staff)
    visit = confirmed(request, hero, at(TUESDAY, 10))
    new = [(at(THURSDAY, 13), at(THURSDAY, 15))]
    services.request_reschedule(session_request=request, windows=new, now=NOW)
    request.refresh_from_db()
    visit.refresh_from_db()
    assert request.status == SessionRequest.Status.OPEN
    assert request.reschedule_count == 1
    assert [(w.starts_at, w.ends_at) for w in request.windows.all()] == new
    assert (visit.status, visit.sequence) == (Visit.Status.CANCELLED, 1)
    assert "scheduler:visit_cancelled" in kinds(hero.user)


def test_reschedule_with_bad_windows_changes_nothing(vo_school, group, vo_staff, hero):
    request = make_request(vo_school, group, vo_staff)
    visit = confirmed(request, hero, at(TUESDAY, 10))
    saturday = TUESDAY + dt.timedelta(days=4)
    with pytest.raises(ValidationError):
        services.request_reschedule(
            session_request=request, windows=[(at(saturday, 10), at(saturday, 12))], now=NOW
        )
    request.refresh_from_db()
    visit.refresh_from_db()
    assert (request.status, request.reschedule_count) == (SessionRequest.Status.CONFIRMED, 0)
    assert visit.status == Visit.Status.CONFIRMED
    assert request.windows.get().starts_at == at(TUESDAY, 10)


def test_a_cancelled_request_cannot_be_rescheduled(vo_school, group, vo_staff):
    request = make_request(vo_school, group, vo_staff)
    services.request_cancel(session_request=request, now=NOW)
    with pytest.raises(errors.RequestClosed):
        services.request_reschedule(
            session_request=request, windows=[(at(THURSDAY, 13), at(THURSDAY, 15))], now=NOW
        )


# --- offer_deadline ---------------------------------------------------------------------------


def test_deadline_is_48_hours_for_a_visit_far_ahead():
    start = NOW + dt.timedelta(days=8)
    assert services.offer_deadline(start=start, now=NOW) == NOW + dt.timedelta(hours=48)


def test_deadline_is_half_the_time_left_for_a_visit_soon():
    start = NOW + dt.timedelta(hours=60)
    assert services.offer_deadline(start=start, now=NOW) == NOW + dt.timedelta(hours=30)


def test_deadline_is_at_least_an_hour():
    start = NOW + dt.timedelta(minutes=90)
    assert services.offer_deadline(start=start, now=NOW) == NOW + dt.timedelta(hours=1)


@pytest.mark.parametrize("minutes", [40, 1, 0, -30])
def test_deadline_is_never_after_the_start(minutes):
    start = NOW + dt.timedelta(minutes=minutes)
    assert services.offer_deadline(start=start, now=NOW) == start


@pytest.mark.parametrize("hours", [1.5, 2, 10, 60, 96, 97, 200, 24 * 300])
def test_deadline_lies_between_now_and_the_start(hours):
    start = NOW + dt.timedelta(hours=hours)
    deadline = services.offer_deadline(start=start, now=NOW)
    assert NOW + dt.timedelta(hours=1) <= deadline <= min(start, NOW + dt.timedelta(hours=48))


def test_an_offer_gets_the_deadline(vo_school, group, vo_staff, hero):
    request = make_request(vo_school, group, vo_staff)
    offer = offer_for(request, hero, at(TUESDAY, 10))
    assert offer.expires_at == NOW + dt.timedelta(hours=48)


# --- offer_accept -----------------------------------------------------------------------------


def test_accept_confirms_and_tells_hero_and_school(vo_school, group, vo_staff, hero):
    request = make_request(vo_school, group, vo_staff)
    visit = confirmed(request, hero, at(TUESDAY, 10))
    request.refresh_from_db()
    assert request.status == SessionRequest.Status.CONFIRMED
    assert (visit.hero, visit.starts_at, visit.sequence) == (hero, at(TUESDAY, 10), 0)
    assert visit.offer.status == Offer.Status.ACCEPTED
    assert "scheduler:visit_confirmed" in kinds(hero.user)
    assert "scheduler:school_visit_confirmed" in kinds(vo_staff)


def test_school_contacts_hear_when_the_requester_left(vo_school, group, hero):
    contact = factories.staff(vo_school)
    contact.staff_memberships.update(role="contact")
    teacher = factories.staff(vo_school)
    request = make_request(vo_school, group, None)
    confirmed(request, hero, at(TUESDAY, 10))
    assert "scheduler:school_visit_confirmed" in kinds(contact)
    assert not kinds(teacher)


def test_an_expired_offer_cannot_be_accepted(vo_school, group, vo_staff, hero):
    request = make_request(vo_school, group, vo_staff)
    offer = offer_for(request, hero, at(TUESDAY, 10))
    with pytest.raises(errors.OfferExpired):
        services.offer_accept(offer=offer, now=offer.expires_at)
    offer.refresh_from_db()
    request.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    assert request.status == SessionRequest.Status.OFFERED
    assert not Visit.objects.exists()


def test_a_declined_offer_cannot_be_accepted(vo_school, group, vo_staff, hero):
    request = make_request(vo_school, group, vo_staff)
    offer = offer_for(request, hero, at(TUESDAY, 10))
    services.offer_decline(offer=offer, reason="Ziek", now=NOW)
    with pytest.raises(errors.OfferNotPending):
        services.offer_accept(offer=offer, now=NOW)
    offer.refresh_from_db()
    assert (offer.status, offer.decline_reason) == (Offer.Status.DECLINED, "Ziek")
    assert not Visit.objects.exists()


def _refused_as_no_longer_fits(offer, capture):
    request = offer.request
    with capture(execute=False) as callbacks, pytest.raises(errors.NoLongerFits):
        services.offer_accept(offer=offer, now=NOW)
    offer.refresh_from_db()
    request.refresh_from_db()
    assert (offer.status, offer.responded_at) == (Offer.Status.WITHDRAWN, NOW)
    assert request.status == SessionRequest.Status.OPEN
    assert not Visit.objects.filter(offer=offer).exists()
    assert_rematch_queued(callbacks)


@pytest.mark.parametrize(
    "start,minutes",
    [
        ((10, 30), 60),  # overlaps
        ((11, 15), 60),  # 15 minutes to travel to the other school
        ((8, 45), 60),  # ends 09:45, the offer starts 10:00
        ((9, 0), 180),  # around the whole offer
    ],
)
def test_accept_refused_when_the_hero_is_booked_elsewhere_then(
    vo_school,
    group,
    vo_staff,
    hero,
    other_vo_school,
    django_capture_on_commit_callbacks,
    start,
    minutes,
):
    request = make_request(vo_school, group, vo_staff)
    offer = offer_for(request, hero, at(TUESDAY, 10))
    other = another_request(other_vo_school, hours=(8, 16))
    confirmed(other, hero, at(TUESDAY, *start), minutes=minutes)
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("start", [(8, 30), (11, 30)])
def test_thirty_minutes_between_schools_is_enough(
    vo_school, group, vo_staff, hero, other_vo_school, start
):
    request = make_request(vo_school, group, vo_staff)
    offer = offer_for(request, hero, at(TUESDAY, 10))
    confirmed(another_request(other_vo_school, hours=(8, 16)), hero, at(TUESDAY, *start))
    assert services.offer_accept(offer=offer, now=NOW).pk


@pytest.mark.parametrize("start", [9, 11])
def test_back_to_back_at_the_same_school_is_fine(vo_school, group, vo_staff, hero, start):
    request = make_request(vo_school, group, vo_staff)
    offer = offer_for(request, hero, at(TUESDAY, 10))
    confirmed(another_request(vo_school, hours=(8, 16)), hero, at(TUESDAY, start))
    assert services.offer_accept(offer=offer, now=NOW).pk


def test_overlap_at_the_same_school_is_refused(
    vo_school, group, vo_staff, hero, django_capture_on_commit_callbacks
):
    request = make_request(vo_school, group, vo_staff)
    offer = offer_for(request, hero, at(TUESDAY, 10))
    confirmed(another_request(vo_school, hours=(8, 16)), hero, at(TUESDAY, 10, 45))
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


def test_another_heros_visit_at_the_same_time_is_no_problem(
    municipality, vo_school, group, vo_staff, hero, other_vo_school
):
    request = make_request(vo_school, group, vo_staff)
    offer = offer_for(request, hero, at(TUESDAY, 10))
    confirmed(another_request(other_vo_school), make_hero(municipality), at(TUESDAY, 10))
    assert services.offer_accept(offer=offer, now=NOW).pk


def test_accept_refused_when_the_kit_is_booked_elsewhere_then(
    municipality,
    vo_school,
    group,
    vo_staff,
    hero,
    kit,
    other_vo_school,
    django_capture_on_commit_callbacks,
):
    request = make_request(vo_school, group, vo_staff, kind="vr")
    offer = offer_for(request, hero, at(TUESDAY, 10), kit=kit)
    other = another_request(other_vo_school, kind="vr", hours=(8, 16))
    confirmed(other, make_hero(municipality, name="Samira"), at(TUESDAY, 11, 15), kit=kit)
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


def test_accept_refused_when_the_vog_ends_before_the_visit(
    municipality, vo_school, group, vo_staff, django_capture_on_commit_callbacks
):
    hero = make_hero(municipality, vog_until=TUESDAY - dt.timedelta(days=1))
    request = make_request(vo_school, group, vo_staff)
    offer = offer_for(request, hero, at(TUESDAY, 10))
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


def test_a_vog_valid_until_the_visit_day_is_enough(municipality, vo_school, group, vo_staff):
    hero = make_hero(municipality, vog_until=TUESDAY)
    offer = offer_for(make_request(vo_school, group, vo_staff), hero, at(TUESDAY, 10))
    assert services.offer_accept(offer=offer, now=NOW).pk


def test_accept_refused_when_the_hero_is_away_that_day(
    vo_school, group, vo_staff, hero, django_capture_on_commit_callbacks
):
    offer = offer_for(make_request(vo_school, group, vo_staff), hero, at(TUESDAY, 10))
    hero_services.away_period_add(
        hero=hero, starts_on=TUESDAY, ends_on=TUESDAY + dt.timedelta(days=3), now=NOW
    )
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


def test_being_away_another_day_is_no_problem(vo_school, group, vo_staff, hero):
    offer = offer_for(make_request(vo_school, group, vo_staff), hero, at(TUESDAY, 10))
    hero_services.away_period_add(
        hero=hero, starts_on=NOW.date(), ends_on=TUESDAY - dt.timedelta(days=1), now=NOW
    )
    assert services.offer_accept(offer=offer, now=NOW).pk


def test_accept_refused_when_the_kit_is_blocked(
    vo_school, group, vo_staff, hero, kit, django_capture_on_commit_callbacks
):
    request = make_request(vo_school, group, vo_staff, kind="vr")
    offer = offer_for(request, hero, at(TUESDAY, 10), kit=kit)
    services.kit_block_add(kit=kit, starts_at=at(TUESDAY, 10, 59), ends_at=at(TUESDAY, 17))
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


def test_accept_refused_when_the_kit_went_out_of_use(
    vo_school, group, vo_staff, hero, kit, django_capture_on_commit_callbacks
):
    request = make_request(vo_school, group, vo_staff, kind="vr")
    offer = offer_for(request, hero, at(TUESDAY, 10), kit=kit)
    services.kit_update(kit=kit, name=kit.name, headsets=15, is_active=False)
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


def test_accept_refused_when_the_kit_became_too_small(
    vo_school, group, vo_staff, hero, kit, django_capture_on_commit_callbacks
):
    request = make_request(vo_school, group, vo_staff, kind="vr")  # 24 pupils
    offer = offer_for(request, hero, at(TUESDAY, 10), kit=kit)
    services.kit_update(kit=kit, name=kit.name, headsets=10)
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


# --- decline, expiry, completion --------------------------------------------------------------


def test_decline_opens_the_request_and_queues_a_run(
    vo_school, group, vo_staff, hero, django_capture_on_commit_callbacks
):
    request = make_request(vo_school, group, vo_staff)
    offer = offer_for(request, hero, at(TUESDAY, 10))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.offer_decline(offer=offer, reason="  Ik   kan niet ", now=NOW)
    offer.refresh_from_db()
    request.refresh_from_db()
    assert (offer.status, offer.decline_reason) == (Offer.Status.DECLINED, "Ik kan niet")
    assert request.status == SessionRequest.Status.OPEN
    assert_rematch_queued(callbacks)


def test_decline_reason_too_long_changes_nothing(vo_school, group, vo_staff, hero):
    offer = offer_for(make_request(vo_school, group, vo_staff), hero, at(TUESDAY, 10))
    with pytest.raises(ValidationError) as exc:
        services.offer_decline(offer=offer, reason="x" * 301, now=NOW)
    assert "reason" in exc.value.message_dict
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_expired_offer_opens_the_request_and_the_next_run_skips_that_hero(
    municipality, vo_school, group, vo_staff, hero
):
    request = make_request(vo_school, group, vo_staff)
    run, _created = queue.run_request(municipality_id=municipality.pk, trigger="manual")
    runs.run_execute(run.pk, now=NOW)
    offer = Offer.objects.get(request=request)
    assert offer.hero == hero

    assert services.offers_expire(now=offer.expires_at - dt.timedelta(seconds=1)) == 0
    later = offer.expires_at
    assert services.offers_expire(now=later) == 1
    assert services.offers_expire(now=later) == 0, "safe to run twice"
    offer.refresh_from_db()
    request.refresh_from_db()
    assert (offer.status, offer.responded_at) == (Offer.Status.EXPIRED, later)
    assert request.status == SessionRequest.Status.OPEN
    assert "scheduler:offer_expired" in kinds(hero.user)

    run, created = queue.run_request(municipality_id=municipality.pk, trigger="decline")
    assert created
    run = runs.run_execute(run.pk, now=later)
    assert run.status == MatchingRun.Status.DONE, run.error
    request.refresh_from_db()
    assert request.status == SessionRequest.Status.OPEN
    assert request.unmatched_reason == "all_candidates_excluded"
    assert not Offer.objects.filter(status=Offer.Status.PENDING).exists()


def test_visits_complete_marks_requests_done_once_the_visit_ended(vo_school, group, vo_staff, hero):
    request = make_request(vo_school, group, vo_staff)
    visit = confirmed(request, hero, at(TUESDAY, 10))
    open_one = another_request(vo_school)
    assert services.visits_complete(now=visit.ends_at - dt.timedelta(minutes=1)) == 0
    assert services.visits_complete(now=visit.ends_at) == 1
    assert services.visits_complete(now=visit.ends_at) == 0
    request.refresh_from_db()
    open_one.refresh_from_db()
    assert request.status == SessionRequest.Status.DONE
    assert open_one.status == SessionRequest.Status.OPEN


def test_a_cancelled_visit_never_completes(vo_school, group, vo_staff, hero):
    request = make_request(vo_school, group, vo_staff)
    visit = confirmed(request, hero, at(TUESDAY, 10))
    services.request_reschedule(
        session_request=request, windows=[(at(THURSDAY, 13), at(THURSDAY, 15))], now=NOW
    )
    assert services.visits_complete(now=visit.ends_at) == 0


# --- visit_withdraw ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_withdraw_needs_a_reason(vo_school, group, vo_staff, hero, reason):
    visit = confirmed(make_request(vo_school, group, vo_staff), hero, at(TUESDAY, 10))
    with pytest.raises(ValidationError) as exc:
        services.visit_withdraw(visit=visit, reason=reason, now=NOW)
    assert "reason" in exc.value.message_dict
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED


def test_withdraw_cancels_reopens_and_excludes_the_hero(
    municipality, vo_school, group, vo_staff, hero, django_capture_on_commit_callbacks
):
    request = make_request(vo_school, group, vo_staff)
    visit = confirmed(request, hero, at(TUESDAY, 10))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.visit_withdraw(visit=visit, reason="Mijn auto is kapot", now=NOW)
    assert_rematch_queued(callbacks)
    visit.refresh_from_db()
    request.refresh_from_db()
    assert (visit.status, visit.sequence, visit.cancel_reason) == (
        Visit.Status.CANCELLED,
        1,
        "Mijn auto is kapot",
    )
    assert visit.offer.status == Offer.Status.DECLINED
    assert request.status == SessionRequest.Status.OPEN
    assert "scheduler:school_visit_withdrawn" in kinds(vo_staff)

    run = MatchingRun.objects.get()
    runs.run_execute(run.pk, now=NOW)
    request.refresh_from_db()
    assert request.unmatched_reason == "all_candidates_excluded"
    assert not Offer.objects.filter(status=Offer.Status.PENDING).exists()


def test_withdraw_twice_is_refused(vo_school, group, vo_staff, hero):
    visit = confirmed(make_request(vo_school, group, vo_staff), hero, at(TUESDAY, 10))
    services.visit_withdraw(visit=visit, reason="Ziek", now=NOW)
    with pytest.raises(Refusal):
        services.visit_withdraw(visit=visit, reason="Ziek", now=NOW)
    visit.refresh_from_db()
    assert visit.sequence == 1


def test_a_visit_that_started_cannot_be_withdrawn(vo_school, group, vo_staff, hero):
    visit = confirmed(make_request(vo_school, group, vo_staff), hero, at(TUESDAY, 10))
    with pytest.raises(Refusal):
        services.visit_withdraw(visit=visit, reason="Te laat", now=visit.starts_at)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED

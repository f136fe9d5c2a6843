"""The request services: request_create with its checks, request_cancel and request_reschedule.
A refusal leaves the database as it was; a cancelled offer or visit is told to the hero."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from heroes.models import Topic
from notifications.models import Notification
from scheduler import errors, services
from scheduler.adapter import engine_request
from scheduler.models import Offer, SessionRequest, Visit
from tests import factories
from tests.clock import NOW, THURSDAY, TUESDAY, at
from tests.scheduler.conftest import kinds, make_request

pytestmark = pytest.mark.usefixtures("in_english")  # the tests read the messages

# --- request_create ---------------------------------------------------------------------------


def create(school, group, user, **kw):
    """request_create for a Local Hero visit on Tuesday 10:00-12:00, unless told otherwise."""
    kw.setdefault("kind", "hero")
    kw.setdefault("windows", [(at(TUESDAY, 10), at(TUESDAY, 12))])
    return services.request_create(school=school, group=group, requested_by=user, now=NOW, **kw)


def _refused(vo_school, group, vo_staff, field, **kw):
    with pytest.raises(ValidationError) as exc:
        create(vo_school, group, vo_staff, **kw)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert not SessionRequest.objects.exists()
    return exc.value.message_dict[field]


def test_request_create_stores_the_class_size_and_windows(vo_school, group, vo_staff):
    windows = [(at(THURSDAY, 13), at(THURSDAY, 15)), (at(TUESDAY, 10), at(TUESDAY, 12))]
    session_request = services.request_create(
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
    session_request.refresh_from_db()
    assert session_request.class_size == group.pupils == 24
    assert session_request.status == SessionRequest.Status.OPEN
    assert (session_request.language, session_request.duration_min, session_request.notes) == (
        "en",
        90,
        "Graag over pesten.",
    )
    assert [(w.starts_at, w.ends_at) for w in session_request.windows.all()] == sorted(windows)


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
    assert create(vo_school, group, None).pk


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
    session_request = services.request_create(
        school=vo_school, group=group, requested_by=vo_staff, kind="hero", windows=windows, now=NOW
    )
    assert session_request.windows.count() == 2


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
    session_request = services.request_create(
        school=vo_school,
        group=group,
        requested_by=vo_staff,
        kind="hero",
        windows=windows[:10],
        now=NOW,
    )
    assert session_request.windows.count() == 10


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
        create(school, group, staff, kind="vr")
    assert "kind" in exc.value.message_dict
    assert not SessionRequest.objects.exists()


def test_a_group_of_another_school_is_refused(vo_school, other_vo_school, vo_staff):
    foreign = factories.GroupFactory(school=other_vo_school)
    _refused(vo_school, foreign, vo_staff, "group")


def test_a_topic_of_another_municipality_is_refused(vo_school, group, vo_staff, other_school):
    topic = Topic.objects.create(municipality=other_school.neighbourhood.municipality, name="Geld")
    _refused(vo_school, group, vo_staff, "topic", topic=topic)


def test_a_required_topic_needs_a_topic(vo_school, group, vo_staff):
    _refused(vo_school, group, vo_staff, "topic", topic_required=True)


def test_a_required_topic_is_kept_for_matching(municipality, vo_school, group, vo_staff):
    topic = Topic.objects.create(municipality=municipality, name="Geld")
    made = create(vo_school, group, vo_staff, topic=topic, topic_required=True)
    assert made.topic_required is True
    assert engine_request(made, made.windows.all()).topic_required is True
    wish = create(vo_school, factories.GroupFactory(school=vo_school), vo_staff, topic=topic)
    assert engine_request(wish, wish.windows.all()).topic_required is False


def test_a_topic_of_the_municipality_is_kept(municipality, vo_school, group, vo_staff):
    topic = Topic.objects.create(municipality=municipality, name="Geld")
    assert create(vo_school, group, vo_staff, topic=topic).topic == topic


@pytest.mark.parametrize("field,value", [("language", "xx"), ("language", ""), ("kind", "film")])
def test_bad_choices_are_refused(vo_school, group, vo_staff, field, value):
    _refused(vo_school, group, vo_staff, field, **{field: value})


@pytest.mark.parametrize("duration", [30, 0, None, "60", 61])
def test_a_duration_off_the_list_is_refused(vo_school, group, vo_staff, duration):
    _refused(vo_school, group, vo_staff, "duration_min", duration_min=duration)


# --- cancel and reschedule --------------------------------------------------------------------


def test_cancel_withdraws_the_pending_offer_and_tells_the_hero(vo_school, group, vo_staff, hero):
    session_request = make_request(vo_school, group, vo_staff)
    offer = factories.OfferFactory(request=session_request, hero=hero)
    services.request_cancel(
        session_request=session_request, reason="De klas is op excursie", now=NOW
    )
    session_request.refresh_from_db()
    offer.refresh_from_db()
    assert session_request.status == SessionRequest.Status.CANCELLED
    assert (offer.status, offer.responded_at) == (Offer.Status.WITHDRAWN, NOW)
    assert "scheduler:offer_withdrawn" in kinds(hero.user)


def test_cancel_cancels_the_confirmed_visit_and_tells_the_hero(vo_school, group, vo_staff, hero):
    session_request = make_request(vo_school, group, vo_staff)
    visit = factories.VisitFactory(request=session_request, hero=hero)
    services.request_cancel(session_request=session_request, now=NOW)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
    assert visit.sequence == 1
    assert visit.cancel_reason  # the default reason
    note = Notification.objects.get(recipient=hero.user, kind="scheduler:visit_cancelled")
    assert note.idempotency_key == f"visit:{visit.pk}:visit_cancelled:1"


def test_cancel_twice_is_refused(vo_school, group, vo_staff):
    session_request = make_request(vo_school, group, vo_staff)
    services.request_cancel(session_request=session_request, now=NOW)
    with pytest.raises(errors.RequestClosed):
        services.request_cancel(session_request=session_request, now=NOW)


def test_a_request_that_took_place_cannot_be_cancelled(vo_school, group, vo_staff, hero):
    session_request = make_request(vo_school, group, vo_staff)
    visit = factories.VisitFactory(request=session_request, hero=hero)
    services.visits_complete(now=visit.ends_at)
    with pytest.raises(errors.RequestClosed):
        services.request_cancel(session_request=session_request, now=visit.ends_at)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED


def test_reschedule_gives_new_windows_and_cancels_the_visit(vo_school, group, vo_staff, hero):
    session_request = make_request(vo_school, group, vo_staff)
    visit = factories.VisitFactory(request=session_request, hero=hero)
    new = [(at(THURSDAY, 13), at(THURSDAY, 15))]
    services.request_reschedule(session_request=session_request, windows=new, now=NOW)
    session_request.refresh_from_db()
    visit.refresh_from_db()
    assert session_request.status == SessionRequest.Status.OPEN
    assert session_request.reschedule_count == 1
    assert [(w.starts_at, w.ends_at) for w in session_request.windows.all()] == new
    assert (visit.status, visit.sequence) == (Visit.Status.CANCELLED, 1)
    assert "scheduler:visit_cancelled" in kinds(hero.user)


def test_reschedule_with_bad_windows_changes_nothing(vo_school, group, vo_staff, hero):
    session_request = make_request(vo_school, group, vo_staff)
    visit = factories.VisitFactory(request=session_request, hero=hero)
    saturday = TUESDAY + dt.timedelta(days=4)
    with pytest.raises(ValidationError):
        services.request_reschedule(
            session_request=session_request, windows=[(at(saturday, 10), at(saturday, 12))], now=NOW
        )
    session_request.refresh_from_db()
    visit.refresh_from_db()
    assert (session_request.status, session_request.reschedule_count) == (
        SessionRequest.Status.CONFIRMED,
        0,
    )
    assert visit.status == Visit.Status.CONFIRMED
    assert session_request.windows.get().starts_at == at(TUESDAY, 10)


def test_a_cancelled_request_cannot_be_rescheduled(vo_school, group, vo_staff):
    session_request = make_request(vo_school, group, vo_staff)
    services.request_cancel(session_request=session_request, now=NOW)
    with pytest.raises(errors.RequestClosed):
        services.request_reschedule(
            session_request=session_request, windows=[(at(THURSDAY, 13), at(THURSDAY, 15))], now=NOW
        )

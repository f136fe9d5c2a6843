"""The offer and visit services: the answer deadline, offer_accept with the rules it checks
again, decline, expiry, completion and visit_withdraw. A refusal leaves the offer as it was
and queues a new matching run; every change tells the people it concerns."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.refusals import Refusal
from heroes import services as hero_services
from scheduler import errors, queue, services
from scheduler.models import MatchingRun, Offer, SessionRequest, Visit
from scheduler.services import runs
from tests import factories
from tests.clock import NOW, THURSDAY, TUESDAY, at
from tests.scheduler.conftest import kinds, make_hero, make_request

pytestmark = pytest.mark.usefixtures("in_english")


def assert_rematch_queued(callbacks) -> None:
    """The change queued a new matching run for once it commits."""
    assert not MatchingRun.objects.exists()
    for callback in callbacks:
        callback()
    assert MatchingRun.objects.get().trigger == MatchingRun.Trigger.DECLINE


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
    offer = services.offer_create(
        session_request=make_request(vo_school, group, vo_staff),
        hero=hero,
        kit=None,
        starts_at=at(TUESDAY, 10),
        ends_at=at(TUESDAY, 11),
        now=NOW,
    )
    assert offer.expires_at == NOW + dt.timedelta(hours=48)


# --- offer_accept -----------------------------------------------------------------------------


def test_accept_confirms_and_tells_hero_and_school(vo_school, group, vo_staff, hero):
    session_request = make_request(vo_school, group, vo_staff)
    offer = factories.OfferFactory(request=session_request, hero=hero)
    visit = services.offer_accept(offer=offer, now=NOW)
    session_request.refresh_from_db()
    assert session_request.status == SessionRequest.Status.CONFIRMED
    assert (visit.hero, visit.starts_at, visit.sequence) == (hero, at(TUESDAY, 10), 0)
    assert visit.offer.status == Offer.Status.ACCEPTED
    assert "scheduler:visit_confirmed" in kinds(hero.user)
    assert "scheduler:school_visit_confirmed" in kinds(vo_staff)


def test_school_contacts_hear_when_the_requester_left(vo_school, group, hero):
    contact = factories.staff(vo_school)
    contact.staff_memberships.update(role="contact")
    teacher = factories.staff(vo_school)
    session_request = make_request(vo_school, group, None)
    services.offer_accept(offer=factories.OfferFactory(request=session_request, hero=hero), now=NOW)
    assert "scheduler:school_visit_confirmed" in kinds(contact)
    assert not kinds(teacher)


def test_an_expired_offer_cannot_be_accepted(vo_school, group, vo_staff, hero):
    session_request = make_request(vo_school, group, vo_staff)
    offer = factories.OfferFactory(request=session_request, hero=hero)
    with pytest.raises(errors.OfferExpired):
        services.offer_accept(offer=offer, now=offer.expires_at)
    offer.refresh_from_db()
    session_request.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    assert session_request.status == SessionRequest.Status.OFFERED
    assert not Visit.objects.exists()


def test_a_declined_offer_cannot_be_accepted(vo_school, group, vo_staff, hero):
    session_request = make_request(vo_school, group, vo_staff)
    offer = factories.OfferFactory(request=session_request, hero=hero)
    services.offer_decline(offer=offer, code="personal", reason="Ziek", now=NOW)
    with pytest.raises(errors.OfferNotPending):
        services.offer_accept(offer=offer, now=NOW)
    offer.refresh_from_db()
    assert (offer.status, offer.decline_reason) == (Offer.Status.DECLINED, "Ziek")
    assert not Visit.objects.exists()


def _refused_as_no_longer_fits(offer, capture):
    session_request = offer.request
    with capture(execute=False) as callbacks, pytest.raises(errors.NoLongerFits):
        services.offer_accept(offer=offer, now=NOW)
    offer.refresh_from_db()
    session_request.refresh_from_db()
    assert (offer.status, offer.responded_at) == (Offer.Status.WITHDRAWN, NOW)
    assert session_request.status == SessionRequest.Status.OPEN
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
    session_request = make_request(vo_school, group, vo_staff)
    offer = factories.OfferFactory(request=session_request, hero=hero)
    begin = at(TUESDAY, *start)
    factories.VisitFactory(  # at another school
        request=make_request(other_vo_school, hours=(8, 16)),
        hero=hero,
        starts_at=begin,
        ends_at=begin + dt.timedelta(minutes=minutes),
    )
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("start", [(8, 30), (11, 30)])
def test_thirty_minutes_between_schools_is_enough(
    vo_school, group, vo_staff, hero, other_vo_school, start
):
    session_request = make_request(vo_school, group, vo_staff)
    offer = factories.OfferFactory(request=session_request, hero=hero)
    factories.VisitFactory(
        request=make_request(other_vo_school, hours=(8, 16)),
        hero=hero,
        starts_at=at(TUESDAY, *start),
    )
    assert services.offer_accept(offer=offer, now=NOW).pk


@pytest.mark.parametrize("start", [9, 11])
def test_back_to_back_at_the_same_school_is_fine(vo_school, group, vo_staff, hero, start):
    session_request = make_request(vo_school, group, vo_staff)
    offer = factories.OfferFactory(request=session_request, hero=hero)
    factories.VisitFactory(
        request=make_request(vo_school, hours=(8, 16)),
        hero=hero,
        starts_at=at(TUESDAY, start),
    )
    assert services.offer_accept(offer=offer, now=NOW).pk


def test_overlap_at_the_same_school_is_refused(
    vo_school, group, vo_staff, hero, django_capture_on_commit_callbacks
):
    session_request = make_request(vo_school, group, vo_staff)
    offer = factories.OfferFactory(request=session_request, hero=hero)
    factories.VisitFactory(
        request=make_request(vo_school, hours=(8, 16)),
        hero=hero,
        starts_at=at(TUESDAY, 10, 45),
    )
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


def test_another_heros_visit_at_the_same_time_is_no_problem(
    municipality, vo_school, group, vo_staff, hero, other_vo_school
):
    session_request = make_request(vo_school, group, vo_staff)
    offer = factories.OfferFactory(request=session_request, hero=hero)
    factories.VisitFactory(request=make_request(other_vo_school), hero=make_hero(municipality))
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
    session_request = make_request(vo_school, group, vo_staff, kind="vr")
    offer = factories.OfferFactory(request=session_request, hero=hero, kit=kit)
    factories.VisitFactory(
        request=make_request(other_vo_school, kind="vr", hours=(8, 16)),
        hero=make_hero(municipality, name="Samira"),
        kit=kit,
        starts_at=at(TUESDAY, 11, 15),
    )
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


def test_accept_refused_when_the_vog_ends_before_the_visit(
    municipality, vo_school, group, vo_staff, django_capture_on_commit_callbacks
):
    hero = make_hero(municipality, vog_until=TUESDAY - dt.timedelta(days=1))
    session_request = make_request(vo_school, group, vo_staff)
    offer = factories.OfferFactory(request=session_request, hero=hero)
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


def test_a_vog_valid_until_the_visit_day_is_enough(municipality, vo_school, group, vo_staff):
    hero = make_hero(municipality, vog_until=TUESDAY)
    offer = factories.OfferFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
    assert services.offer_accept(offer=offer, now=NOW).pk


def test_accept_refused_when_the_hero_is_away_that_day(
    vo_school, group, vo_staff, hero, django_capture_on_commit_callbacks
):
    offer = factories.OfferFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
    hero_services.away_period_add(
        hero=hero, starts_on=TUESDAY, ends_on=TUESDAY + dt.timedelta(days=3), now=NOW
    )
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


def test_being_away_another_day_is_no_problem(vo_school, group, vo_staff, hero):
    offer = factories.OfferFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
    hero_services.away_period_add(
        hero=hero, starts_on=NOW.date(), ends_on=TUESDAY - dt.timedelta(days=1), now=NOW
    )
    assert services.offer_accept(offer=offer, now=NOW).pk


def test_accept_refused_when_the_kit_is_blocked(
    vo_school, group, vo_staff, hero, kit, django_capture_on_commit_callbacks
):
    session_request = make_request(vo_school, group, vo_staff, kind="vr")
    offer = factories.OfferFactory(request=session_request, hero=hero, kit=kit)
    # Made directly: kit_block_add would withdraw the offer itself (test_kit_blocks.py).
    factories.KitBlockFactory(kit=kit, starts_at=at(TUESDAY, 10, 59), ends_at=at(TUESDAY, 17))
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


def test_accept_refused_when_the_kit_went_out_of_use(
    vo_school, group, vo_staff, hero, kit, django_capture_on_commit_callbacks
):
    session_request = make_request(vo_school, group, vo_staff, kind="vr")
    offer = factories.OfferFactory(request=session_request, hero=hero, kit=kit)
    services.kit_update(kit=kit, name=kit.name, headsets=15, is_active=False)
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


def test_accept_refused_when_the_kit_became_too_small(
    vo_school, group, vo_staff, hero, kit, django_capture_on_commit_callbacks
):
    session_request = make_request(vo_school, group, vo_staff, kind="vr")  # 24 pupils
    offer = factories.OfferFactory(request=session_request, hero=hero, kit=kit)
    services.kit_update(kit=kit, name=kit.name, headsets=10)
    _refused_as_no_longer_fits(offer, django_capture_on_commit_callbacks)


# --- decline, expiry, completion --------------------------------------------------------------


def test_decline_opens_the_request_and_queues_a_run(
    vo_school, group, vo_staff, hero, django_capture_on_commit_callbacks
):
    session_request = make_request(vo_school, group, vo_staff)
    offer = factories.OfferFactory(request=session_request, hero=hero)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.offer_decline(offer=offer, code="time", reason="  Ik   kan niet ", now=NOW)
    offer.refresh_from_db()
    session_request.refresh_from_db()
    assert (offer.status, offer.decline_reason) == (Offer.Status.DECLINED, "Ik kan niet")
    assert offer.decline_code == Offer.DeclineCode.TIME
    assert session_request.status == SessionRequest.Status.OPEN
    assert_rematch_queued(callbacks)


@pytest.mark.parametrize("code", ["", "holiday", "TIME", None])
def test_decline_without_a_known_reason_is_refused_naming_code(
    vo_school, group, vo_staff, hero, code, django_capture_on_commit_callbacks
):
    offer = factories.OfferFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as exc:
        services.offer_decline(offer=offer, code=code, reason="Op vakantie", now=NOW)
    assert list(exc.value.message_dict) == ["code"]
    offer.refresh_from_db()
    assert (offer.status, offer.decline_code, offer.decline_reason) == (
        Offer.Status.PENDING,
        "",
        "",
    )
    assert not MatchingRun.objects.exists()


def test_only_a_declined_offer_can_hold_a_known_reason_in_the_database(
    vo_school, group, vo_staff, hero
):
    offer = factories.OfferFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
    pending = Offer.objects.filter(pk=offer.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        pending.update(decline_code=Offer.DeclineCode.TIME)
    with pytest.raises(IntegrityError), transaction.atomic():
        pending.update(status=Offer.Status.DECLINED, decline_code="holiday")
    pending.update(status=Offer.Status.DECLINED, decline_code=Offer.DeclineCode.TIME)


def test_reports_name_every_reason_and_a_missing_one():
    assert Offer.DeclineCode.label_for("distance") == "The school is too far away for me"
    assert Offer.DeclineCode.label_for("") == "No reason chosen"


def test_decline_reason_too_long_changes_nothing(vo_school, group, vo_staff, hero):
    offer = factories.OfferFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
    with pytest.raises(ValidationError) as exc:
        services.offer_decline(offer=offer, code="time", reason="x" * 301, now=NOW)
    assert "reason" in exc.value.message_dict
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_expired_offer_opens_the_request_and_the_next_run_skips_that_hero(
    municipality, vo_school, group, vo_staff, hero
):
    session_request = make_request(vo_school, group, vo_staff)
    run, _created = queue.run_request(municipality_id=municipality.pk, trigger="manual")
    runs.run_execute(run.pk, now=NOW)
    offer = Offer.objects.get(request=session_request)
    assert offer.hero == hero

    assert services.offers_expire(now=offer.expires_at - dt.timedelta(seconds=1)) == 0
    later = offer.expires_at
    assert services.offers_expire(now=later) == 1
    assert services.offers_expire(now=later) == 0, "safe to run twice"
    offer.refresh_from_db()
    session_request.refresh_from_db()
    assert (offer.status, offer.responded_at) == (Offer.Status.EXPIRED, later)
    assert session_request.status == SessionRequest.Status.OPEN
    assert "scheduler:offer_expired" in kinds(hero.user)

    run, created = queue.run_request(municipality_id=municipality.pk, trigger="decline")
    assert created
    run = runs.run_execute(run.pk, now=later)
    assert run.status == MatchingRun.Status.DONE, run.error
    session_request.refresh_from_db()
    assert session_request.status == SessionRequest.Status.OPEN
    assert session_request.unmatched_reason == "all_candidates_excluded"
    assert not Offer.objects.filter(status=Offer.Status.PENDING).exists()


def test_visits_complete_marks_requests_done_once_the_visit_ended(vo_school, group, vo_staff, hero):
    session_request = make_request(vo_school, group, vo_staff)
    visit = factories.VisitFactory(request=session_request, hero=hero)
    open_one = make_request(vo_school)
    assert services.visits_complete(now=visit.ends_at - dt.timedelta(minutes=1)) == 0
    assert services.visits_complete(now=visit.ends_at) == 1
    assert services.visits_complete(now=visit.ends_at) == 0
    session_request.refresh_from_db()
    open_one.refresh_from_db()
    assert session_request.status == SessionRequest.Status.DONE
    assert open_one.status == SessionRequest.Status.OPEN


def test_a_cancelled_visit_never_completes(vo_school, group, vo_staff, hero):
    session_request = make_request(vo_school, group, vo_staff)
    visit = factories.VisitFactory(request=session_request, hero=hero)
    services.request_reschedule(
        session_request=session_request, windows=[(at(THURSDAY, 13), at(THURSDAY, 15))], now=NOW
    )
    assert services.visits_complete(now=visit.ends_at) == 0


# --- visit_withdraw ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_withdraw_needs_a_reason(vo_school, group, vo_staff, hero, reason):
    visit = factories.VisitFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
    with pytest.raises(ValidationError) as exc:
        services.visit_withdraw(visit=visit, reason=reason, now=NOW)
    assert "reason" in exc.value.message_dict
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED


def test_withdraw_cancels_reopens_and_excludes_the_hero(
    municipality, vo_school, group, vo_staff, hero, django_capture_on_commit_callbacks
):
    session_request = make_request(vo_school, group, vo_staff)
    visit = factories.VisitFactory(request=session_request, hero=hero)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.visit_withdraw(visit=visit, reason="Mijn auto is kapot", now=NOW)
    assert_rematch_queued(callbacks)
    visit.refresh_from_db()
    session_request.refresh_from_db()
    assert (visit.status, visit.sequence, visit.cancel_reason) == (
        Visit.Status.CANCELLED,
        1,
        "Mijn auto is kapot",
    )
    assert visit.offer.status == Offer.Status.DECLINED
    # The hero told the school why in words; no counted reason is made up for them.
    assert (visit.offer.decline_code, visit.offer.decline_reason) == ("", "Mijn auto is kapot")
    assert session_request.status == SessionRequest.Status.OPEN
    assert "scheduler:school_visit_withdrawn" in kinds(vo_staff)

    run = MatchingRun.objects.get()
    runs.run_execute(run.pk, now=NOW)
    session_request.refresh_from_db()
    assert session_request.unmatched_reason == "all_candidates_excluded"
    assert not Offer.objects.filter(status=Offer.Status.PENDING).exists()


def test_withdraw_twice_is_refused(vo_school, group, vo_staff, hero):
    visit = factories.VisitFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
    services.visit_withdraw(visit=visit, reason="Ziek", now=NOW)
    with pytest.raises(Refusal):
        services.visit_withdraw(visit=visit, reason="Ziek", now=NOW)
    visit.refresh_from_db()
    assert visit.sequence == 1


def test_a_visit_that_started_cannot_be_withdrawn(vo_school, group, vo_staff, hero):
    visit = factories.VisitFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
    with pytest.raises(Refusal):
        services.visit_withdraw(visit=visit, reason="Te laat", now=visit.starts_at)

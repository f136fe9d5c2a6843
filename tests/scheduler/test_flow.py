"""The whole path through the services: request, matching run, offer, accept or decline."""

import pytest

from notifications.models import Notification
from scheduler import errors, queue, services
from scheduler.models import MatchingRun, Offer, SessionRequest, Visit
from scheduler.services import runs
from tests.clock import NOW, TUESDAY, at
from tests.scheduler.conftest import make_hero

TUESDAY_MORNING = [(at(TUESDAY, 10), at(TUESDAY, 12))]


def run_now(municipality):
    run, created = queue.run_request(
        municipality_id=municipality.pk, trigger=MatchingRun.Trigger.MANUAL
    )
    assert created
    return runs.run_execute(run.pk, now=NOW)


def test_request_is_matched_offered_and_accepted(
    municipality, vo_school, group, vo_staff, hero, kit
):
    session_request = services.request_create(
        school=vo_school,
        group=group,
        requested_by=vo_staff,
        kind="vr",
        windows=TUESDAY_MORNING,
        now=NOW,
    )
    run = run_now(municipality)
    assert run.status == "done", run.error
    assert run.offers_made == 1
    offer = Offer.objects.get(request=session_request)
    assert offer.hero == hero and offer.kit == kit
    assert offer.status == Offer.Status.PENDING
    session_request.refresh_from_db()
    assert session_request.status == SessionRequest.Status.OFFERED
    assert Notification.objects.filter(kind="scheduler:offer_new", recipient=hero.user).exists()

    visit = services.offer_accept(offer=offer, now=NOW)
    session_request.refresh_from_db()
    assert session_request.status == SessionRequest.Status.CONFIRMED
    assert visit.sequence == 0 and visit.kit == kit
    assert Notification.objects.filter(
        kind="scheduler:school_visit_confirmed", recipient=vo_staff
    ).exists()
    with pytest.raises(errors.OfferNotPending):
        services.offer_accept(offer=offer, now=NOW)


def test_decline_rematches_to_someone_else(
    municipality, vo_school, group, vo_staff, hero, django_capture_on_commit_callbacks
):
    other = make_hero(municipality, name="Samira")
    session_request = services.request_create(
        school=vo_school,
        group=group,
        requested_by=vo_staff,
        kind="hero",
        windows=TUESDAY_MORNING,
        now=NOW,
    )
    run_now(municipality)
    first = Offer.objects.get(request=session_request)
    # The decline queues a new run once it commits (tasks run eagerly in tests).
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_decline(offer=first, code="time", reason="Ik ben dan op vakantie", now=NOW)
    second = Offer.objects.get(request=session_request, status=Offer.Status.PENDING)
    assert second.hero != first.hero
    assert {first.hero, second.hero} == {hero, other}
    assert MatchingRun.objects.filter(trigger="decline", status="done").exists()


def test_nobody_fits_records_the_reason(municipality, vo_school, group, vo_staff):
    make_hero(municipality, languages=("tr",))
    session_request = services.request_create(
        school=vo_school,
        group=group,
        requested_by=vo_staff,
        kind="hero",
        windows=TUESDAY_MORNING,
        now=NOW,
    )
    run_now(municipality)
    session_request.refresh_from_db()
    assert session_request.status == SessionRequest.Status.OPEN
    assert session_request.unmatched_reason == "no_hero_available"
    assert not Visit.objects.exists()

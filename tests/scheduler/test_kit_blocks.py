"""A maintenance block over a kit's pending offers and confirmed visits: named first, and on
confirmation withdrawn and cancelled in one go (heroes and schools told why, calendars
cancelled), the requests open and matched again. A block wholly in the past is refused."""

import pytest
from django.core.exceptions import ValidationError

from notifications import ical
from notifications.models import Notification
from scheduler import errors, services
from scheduler.models import KitBlock, MatchingRun, Offer, SessionRequest, Visit
from tests import factories
from tests.clock import HOUR, NOW, TUESDAY, WEDNESDAY, at
from tests.scheduler.conftest import kinds, make_hero, make_request

pytestmark = pytest.mark.usefixtures("in_english")

MAINTENANCE = "The VR kit is in maintenance at that time."


@pytest.fixture
def booked(vo_school, group, vo_staff, hero, municipality, kit):
    """On Tuesday the kit has a confirmed visit (10:00-11:00) with `hero` and a pending offer
    (13:00-14:00) to another hero at another class."""
    visit = factories.VisitFactory(
        request=make_request(vo_school, group, vo_staff, kind="vr", hours=(10, 11)),
        hero=hero,
        kit=kit,
    )
    offer = factories.OfferFactory(
        request=make_request(vo_school, None, vo_staff, kind="vr", hours=(13, 14)),
        hero=make_hero(municipality, name="Samira"),
        kit=kit,
    )
    return visit, offer


def block_tuesday(kit, **kw) -> KitBlock:
    return services.kit_block_add(
        kit=kit, starts_at=at(TUESDAY, 8), ends_at=at(TUESDAY, 18), now=NOW, **kw
    )


def test_a_block_over_visits_and_offers_names_them_and_changes_nothing(booked, kit):
    visit, offer = booked

    with pytest.raises(errors.BlockAffectsVisits) as exc:
        block_tuesday(kit, reason="Nieuwe lenzen")

    assert exc.value.visits == [visit] and exc.value.offers == [offer]
    [listed_offer, listed_visit] = exc.value.body()["affected"]
    assert (listed_visit["kind"], listed_visit["hero"]) == ("visit", visit.hero.display_name)
    assert listed_visit["group"] == visit.request.group.name
    assert (listed_offer["kind"], listed_offer["hero"]) == ("offer", "Samira")
    assert not KitBlock.objects.exists()
    assert not Notification.objects.exists()
    assert Visit.objects.get().status == "confirmed"
    assert Offer.objects.get(pk=offer.pk).status == "pending"


def test_confirming_withdraws_and_cancels_them_and_opens_the_requests(
    booked, kit, django_capture_on_commit_callbacks
):
    visit, offer = booked

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        block = block_tuesday(kit, confirm=True)

    assert block.released == [offer, visit]
    visit.refresh_from_db()
    offer.refresh_from_db()
    assert (visit.status, visit.cancel_reason, visit.sequence) == ("cancelled", MAINTENANCE, 1)
    assert offer.status == "withdrawn"
    assert set(SessionRequest.objects.values_list("status", flat=True)) == {"open"}
    assert not MatchingRun.objects.exists()
    for callback in callbacks:
        callback()
    assert MatchingRun.objects.get().trigger == MatchingRun.Trigger.DECLINE


def test_confirming_tells_heroes_and_school_why_with_a_calendar_cancel(booked, kit, hero, vo_staff):
    _visit, offer = booked

    block_tuesday(kit, confirm=True, reason="Nieuwe lenzen")

    assert {"scheduler:visit_cancelled"} <= kinds(hero.user)
    assert "scheduler:offer_withdrawn" in kinds(offer.hero.user)
    assert "scheduler:school_visit_cancelled" in kinds(vo_staff)
    for user in (hero.user, vo_staff):
        [cancel] = Notification.objects.filter(recipient=user, ics_method=ical.CANCEL)
        assert f"{MAINTENANCE} (Nieuwe lenzen)" in cancel.body_text
    withdrawn = Notification.objects.get(kind="scheduler:offer_withdrawn")
    assert MAINTENANCE in withdrawn.body_text


def test_the_hero_of_a_cancelled_visit_may_be_matched_to_the_request_again(booked, kit):
    visit, _offer = booked

    block_tuesday(kit, confirm=True)

    # Not declined or expired: the engine only shuts out those pairs.
    assert not Offer.objects.filter(
        request=visit.request, hero=visit.hero, status__in=["declined", "expired"]
    ).exists()


def test_other_kits_other_times_and_started_visits_are_left_alone(
    vo_school, group, vo_staff, hero, municipality, kit
):
    other_kit = factories.KitFactory(municipality=municipality, name="Kit Zuid", headsets=15)
    elsewhere = factories.VisitFactory(
        request=make_request(vo_school, group, vo_staff, kind="vr"), hero=hero, kit=other_kit
    )
    wednesday = factories.VisitFactory(
        request=make_request(vo_school, None, vo_staff, kind="vr", day=WEDNESDAY),
        hero=hero,
        kit=kit,
    )

    block = block_tuesday(kit)

    assert block.released == []
    assert set(Visit.objects.values_list("status", flat=True)) == {"confirmed"}
    assert {elsewhere.pk, wednesday.pk} == set(Visit.objects.values_list("pk", flat=True))


def test_a_visit_under_way_is_not_cancelled(booked, kit):
    visit, _offer = booked
    during = visit.starts_at + HOUR / 2

    block = services.kit_block_add(kit=kit, starts_at=during, ends_at=at(TUESDAY, 12), now=during)

    assert block.released == []
    visit.refresh_from_db()
    assert visit.status == "confirmed"


def test_a_block_wholly_in_the_past_is_refused(kit):
    with pytest.raises(ValidationError) as exc:
        services.kit_block_add(
            kit=kit, starts_at=NOW - 3 * HOUR, ends_at=NOW - HOUR, now=NOW, confirm=True
        )

    assert exc.value.message_dict["ends_at"] == ["This period is already over."]
    assert not KitBlock.objects.exists()


def test_a_block_overlapping_another_of_the_kit_is_refused_naming_it(kit):
    first = block_tuesday(kit)

    with pytest.raises(errors.BlockOverlaps) as exc:
        services.kit_block_add(
            kit=kit, starts_at=at(TUESDAY, 17), ends_at=at(WEDNESDAY, 9), now=NOW
        )

    assert exc.value.body()["existing"] == first.pk
    assert "already blocked from" in str(exc.value.message)
    assert KitBlock.objects.get() == first
    other_kit = factories.KitFactory(municipality=kit.municipality)
    assert services.kit_block_add(
        kit=other_kit, starts_at=at(TUESDAY, 8), ends_at=at(TUESDAY, 18), now=NOW
    )

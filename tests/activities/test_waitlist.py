import datetime as dt

import pytest

from activities import errors, services, waitlist
from activities.models import Activity, Enrolment
from notifications.models import Notification

from .. import factories
from ..clock import ENROLLING as NOW
from ..clock import HOUR, MINUTE
from .helpers import assert_seats_match, enrol, enrol_siblings, told

pytestmark = pytest.mark.django_db


def statuses(*enrolments: Enrolment) -> list[str]:
    return [Enrolment.objects.get(pk=e.pk).status for e in enrolments]


@pytest.fixture
def full():
    """One place, taken; two children waiting, in order."""
    activity = factories.ActivityFactory(capacity=1, offer_hours=24)
    placed = enrol(activity)
    first = enrol(activity, now=NOW + MINUTE)
    second = enrol(activity, now=NOW + 2 * MINUTE)
    assert_seats_match(activity)
    return activity, placed, first, second


def test_a_freed_place_is_offered_to_the_head_with_a_deadline(full):
    activity, placed, first, second = full

    services.enrolment_cancel(enrolment=placed, now=NOW + HOUR)

    first.refresh_from_db()
    assert first.status == "offered"
    assert first.offer_expires_at == NOW + HOUR + dt.timedelta(hours=24)
    assert statuses(second) == ["waitlisted"]
    assert services.waitlist_position(second) == 1
    assert told("offered", first) == 1
    assert_seats_match(activity)


def test_accepting_an_offer_confirms_the_place(full):
    activity, placed, first, _ = full
    services.enrolment_cancel(enrolment=placed, now=NOW + HOUR)

    accepted = waitlist.place_offer_accept(enrolment=first, now=NOW + 2 * HOUR)

    assert (accepted.status, accepted.offer_expires_at) == ("confirmed", None)
    assert accepted.decided_at == NOW + 2 * HOUR
    assert told("confirmed", first) == 1
    assert_seats_match(activity)


def test_declining_passes_the_offer_to_the_next_child(full):
    activity, placed, first, second = full
    services.enrolment_cancel(enrolment=placed, now=NOW + HOUR)

    declined = waitlist.place_offer_decline(enrolment=first, now=NOW + 2 * HOUR)

    assert (declined.status, declined.offer_expires_at) == ("declined", None)
    assert statuses(second) == ["offered"]
    assert Enrolment.objects.get(pk=second.pk).offer_expires_at == NOW + 26 * HOUR
    assert_seats_match(activity)


def test_declining_the_last_offer_leaves_the_place_free(full):
    activity, placed, first, second = full
    services.enrolment_cancel(enrolment=placed, now=NOW + HOUR)
    waitlist.place_offer_decline(enrolment=first, now=NOW + 2 * HOUR)

    waitlist.place_offer_decline(enrolment=second, now=NOW + 3 * HOUR)

    assert Activity.objects.get(pk=activity.pk).seats_taken == 0
    assert_seats_match(activity)


@pytest.mark.parametrize("late", [dt.timedelta(0), MINUTE], ids=["at-deadline", "after"])
def test_an_offer_cannot_be_accepted_after_its_deadline(full, late):
    activity, placed, first, _ = full
    services.enrolment_cancel(enrolment=placed, now=NOW)
    deadline = Enrolment.objects.get(pk=first.pk).offer_expires_at

    with pytest.raises(errors.PlaceOfferNotOpen):
        waitlist.place_offer_accept(enrolment=first, now=deadline + late)
    with pytest.raises(errors.PlaceOfferNotOpen):
        waitlist.place_offer_decline(enrolment=first, now=deadline + late)

    assert statuses(first) == ["offered"]
    assert_seats_match(activity)


def test_only_an_open_offer_can_be_answered(full):
    activity, placed, first, second = full
    services.enrolment_cancel(enrolment=placed, now=NOW)
    waitlist.place_offer_accept(enrolment=first, now=NOW + MINUTE)

    for enrolment in (first, second, placed):  # confirmed, waiting, cancelled
        with pytest.raises(errors.PlaceOfferNotOpen):
            waitlist.place_offer_accept(enrolment=enrolment, now=NOW + 2 * MINUTE)
        with pytest.raises(errors.PlaceOfferNotOpen):
            waitlist.place_offer_decline(enrolment=enrolment, now=NOW + 2 * MINUTE)

    assert statuses(placed, first, second) == ["cancelled", "confirmed", "waitlisted"]
    assert_seats_match(activity)


def test_cancelling_an_offer_passes_it_on(full):
    activity, placed, first, second = full
    services.enrolment_cancel(enrolment=placed, now=NOW)

    services.enrolment_cancel(enrolment=first, now=NOW + MINUTE)

    assert statuses(first, second) == ["cancelled", "offered"]
    assert_seats_match(activity)


def test_expiry_ends_only_due_offers_and_passes_the_place_on():
    activity = factories.ActivityFactory(capacity=2, offer_hours=24)
    early, late = enrol(activity), enrol(activity)
    next_one = enrol(activity, now=NOW + MINUTE)
    last_one = enrol(activity, now=NOW + 2 * MINUTE)
    services.enrolment_cancel(enrolment=early, now=NOW)  # next_one: offer until NOW + 24h
    services.enrolment_cancel(enrolment=late, now=NOW + 2 * HOUR)  # last_one: until NOW + 26h
    assert statuses(next_one, last_one) == ["offered", "offered"]

    expired = waitlist.place_offers_expire(now=NOW + 25 * HOUR)

    assert expired == 1
    assert statuses(next_one, last_one) == ["expired", "offered"]
    assert told("offer_expired", next_one) == 1
    assert Enrolment.objects.get(pk=next_one.pk).offer_expires_at is None
    assert_seats_match(activity)


def test_expiry_offers_the_place_to_the_next_child(full):
    activity, placed, first, second = full
    services.enrolment_cancel(enrolment=placed, now=NOW)

    waitlist.place_offers_expire(now=NOW + 24 * HOUR)

    assert statuses(first, second) == ["expired", "offered"]
    second.refresh_from_db()
    assert second.offer_expires_at == NOW + 48 * HOUR
    assert_seats_match(activity)


def test_expiry_run_twice_changes_nothing_the_second_time(full):
    activity, placed, first, second = full
    services.enrolment_cancel(enrolment=placed, now=NOW)
    assert waitlist.place_offers_expire(now=NOW + 24 * HOUR) == 1
    notifications = Notification.objects.count()

    assert waitlist.place_offers_expire(now=NOW + 24 * HOUR) == 0

    assert statuses(first, second) == ["expired", "offered"]
    assert Notification.objects.count() == notifications
    assert_seats_match(activity)


def test_expiry_with_nothing_due_is_a_no_op(full):
    _, placed, first, _ = full
    services.enrolment_cancel(enrolment=placed, now=NOW)

    assert waitlist.place_offers_expire(now=NOW + 24 * HOUR - MINUTE) == 0
    assert statuses(first) == ["offered"]


def test_siblings_are_offered_together():
    activity = factories.ActivityFactory(capacity=2)
    placed = [enrol(activity), enrol(activity)]
    twins = enrol_siblings(activity, now=NOW + MINUTE)
    single = enrol(activity, now=NOW + 2 * MINUTE)

    services.enrolment_cancel(enrolment=placed[0], now=NOW + HOUR)
    assert statuses(*twins, single) == ["waitlisted", "waitlisted", "offered"]
    assert_seats_match(activity)

    waitlist.place_offer_decline(enrolment=single, now=NOW + 2 * HOUR)
    assert statuses(*twins) == ["waitlisted", "waitlisted"]
    assert_seats_match(activity)

    services.enrolment_cancel(enrolment=placed[1], now=NOW + 3 * HOUR)
    assert statuses(*twins) == ["offered", "offered"]
    deadlines = {e.offer_expires_at for e in Enrolment.objects.filter(pk__in=[t.pk for t in twins])}
    assert deadlines == {NOW + 3 * HOUR + dt.timedelta(hours=48)}
    assert_seats_match(activity)


def test_one_sibling_can_accept_and_the_other_decline():
    activity = factories.ActivityFactory(capacity=2)
    placed = [enrol(activity), enrol(activity)]
    first, second = enrol_siblings(activity, now=NOW + MINUTE)
    services.enrolment_cancel(enrolment=placed[0], now=NOW + HOUR)
    services.enrolment_cancel(enrolment=placed[1], now=NOW + HOUR)
    nxt = enrol(activity, now=NOW + HOUR)

    waitlist.place_offer_accept(enrolment=first, now=NOW + 2 * HOUR)
    waitlist.place_offer_decline(enrolment=second, now=NOW + 2 * HOUR)

    assert statuses(first, second, nxt) == ["confirmed", "declined", "offered"]
    assert_seats_match(activity)


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_no_offers_for_an_unpublished_activity(status):
    activity = factories.ActivityFactory(capacity=1)
    enrol(activity)
    waiting = enrol(activity)
    Activity.objects.filter(pk=activity.pk).update(seats_taken=0, status=status)

    assert waitlist.waitlist_advance(activity=activity, now=NOW) == []
    assert statuses(waiting) == ["waitlisted"]


def test_the_waiting_list_runs_by_tier_then_time():
    activity = factories.ActivityFactory(capacity=1, priority_own_school=True)
    enrol(activity)
    elsewhere = factories.SchoolFactory(neighbourhood=activity.school.neighbourhood)
    outsider_child = factories.ChildFactory(school=elsewhere)
    outsider = services.enrolment_create(
        guardian=outsider_child.guardian, child=outsider_child, activity=activity, now=NOW
    )
    later = enrol(activity, now=NOW + MINUTE)
    own = enrol(activity, now=NOW + 2 * MINUTE)

    assert list(waitlist.waiting_list(activity)) == [later, own, outsider]


def test_seats_stay_right_through_a_busy_afternoon():
    activity = factories.ActivityFactory(capacity=3, offer_hours=2)
    placed = [enrol(activity) for _ in range(3)]
    waiting = [enrol(activity, now=NOW + i * MINUTE) for i in range(1, 5)]
    twins = enrol_siblings(activity, now=NOW + 10 * MINUTE)
    steps = [
        lambda: services.enrolment_cancel(enrolment=placed[0], now=NOW + HOUR),
        lambda: waitlist.place_offer_accept(enrolment=waiting[0], now=NOW + HOUR),
        lambda: services.enrolment_cancel(enrolment=placed[1], now=NOW + HOUR),
        lambda: waitlist.place_offer_decline(enrolment=waiting[1], now=NOW + HOUR),
        lambda: services.enrolment_cancel(enrolment=waiting[3], now=NOW + HOUR),
        lambda: waitlist.place_offers_expire(now=NOW + 4 * HOUR),
        lambda: services.enrolment_cancel(enrolment=placed[2], now=NOW + 5 * HOUR),
        lambda: waitlist.place_offers_expire(now=NOW + 6 * HOUR),  # the twins' offer runs to 7h
        lambda: services.child_delete(child=waiting[0].child, now=NOW + 9 * HOUR),
    ]
    for step in steps:
        step()
        assert_seats_match(activity)

    assert statuses(*waiting[1:3], *twins) == ["declined", "expired", "offered", "offered"]
    assert Activity.objects.get(pk=activity.pk).seats_taken == 2

"""Staff placing a child (enrolment_place) and ending a place or a waiting-list entry
(enrolment_cancel): the seats and the waiting list stay right."""

import datetime as dt

import pytest

from activities import errors, services
from tests import factories
from tests.activities.helpers import (
    assert_seats_match,
    enrol,
    fresh,
    snapshot,
    told,
)
from tests.clock import ENROLLING as NOW
from tests.clock import MINUTE

pytestmark = pytest.mark.django_db


# enrolment_place


def test_staff_place_a_child_when_a_place_is_free_even_after_closing():
    activity = factories.ActivityFactory(capacity=2)
    staff = factories.staff(activity.school)
    child = factories.ChildFactory(school=activity.school)
    after = factories.CLOSES + dt.timedelta(days=3)

    enrolment = services.enrolment_place(activity=activity, child=child, placed_by=staff, now=after)

    assert (enrolment.status, enrolment.placed_by, enrolment.decided_at) == (
        "confirmed",
        staff,
        after,
    )
    assert told("confirmed", enrolment) == 1
    assert_seats_match(activity)


def test_staff_cannot_place_a_child_in_a_full_activity():
    activity = factories.ActivityFactory(capacity=1)
    enrol(activity)
    child = factories.ChildFactory(school=activity.school)
    before = snapshot(activity)

    with pytest.raises(errors.Full):
        services.enrolment_place(activity=activity, child=child, placed_by=None, now=NOW)

    assert snapshot(activity) == before


def test_staff_placing_a_waiting_child_replaces_its_waiting_list_entry():
    activity = factories.ActivityFactory(capacity=2)
    enrol(activity)
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)
    waiting = services.enrolments_create(
        guardian=guardian, child_ids=[c.pk for c in twins], activity=activity, now=NOW
    )

    placed = services.enrolment_place(
        activity=activity, child=twins[0], placed_by=None, now=NOW + MINUTE
    )

    waiting[0].refresh_from_db()
    assert waiting[0].status == "cancelled"
    assert placed.status == "confirmed"
    assert fresh(activity).seats_taken == 2
    assert_seats_match(activity)


def test_staff_placing_a_lottery_applicant_replaces_the_application():
    activity = factories.LotteryActivityFactory()
    applied = enrol(activity)

    placed = services.enrolment_place(
        activity=activity, child=applied.child, placed_by=None, now=NOW
    )

    applied.refresh_from_db()
    assert (applied.status, placed.status) == ("cancelled", "confirmed")
    assert_seats_match(activity)


def test_staff_cannot_place_a_child_who_has_a_place():
    activity = factories.ActivityFactory()
    enrolment = enrol(activity)

    with pytest.raises(errors.AlreadyEnrolled):
        services.enrolment_place(activity=activity, child=enrolment.child, placed_by=None, now=NOW)


def test_staff_cannot_place_in_a_draft():
    activity = factories.ActivityFactory(status="draft")

    with pytest.raises(errors.NotPublished):
        services.enrolment_place(
            activity=activity, child=factories.ChildFactory(), placed_by=None, now=NOW
        )


def test_a_refused_overlapping_placement_keeps_the_waiting_list_entry():
    activity = factories.ActivityFactory(capacity=2)
    enrol(activity)
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)
    waiting = services.enrolments_create(
        guardian=guardian, child_ids=[c.pk for c in twins], activity=activity, now=NOW
    )
    # Set up by hand: the waiting-list entry would itself refuse this enrolment as an overlap.
    other = factories.ActivityFactory(school=activity.school, start_time=dt.time(15), seats_taken=1)
    factories.EnrolmentFactory(activity=other, child=twins[0])
    before = snapshot(activity)

    with pytest.raises(errors.Overlap):
        services.enrolment_place(activity=activity, child=twins[0], placed_by=None, now=NOW)

    assert snapshot(activity) == before
    waiting[0].refresh_from_db()
    assert waiting[0].status == "waitlisted"


# enrolment_cancel


def test_cancelling_a_waiting_place_frees_no_seat():
    activity = factories.ActivityFactory(capacity=1)
    enrol(activity)
    waiting = enrol(activity)

    cancelled = services.enrolment_cancel(enrolment=waiting, now=NOW)

    assert (cancelled.status, cancelled.decided_at) == ("cancelled", NOW)
    assert fresh(activity).seats_taken == 1
    assert told("cancelled", waiting) == 1


def test_cancelling_twice_is_refused():
    enrolment = enrol(factories.ActivityFactory())
    services.enrolment_cancel(enrolment=enrolment, now=NOW)

    with pytest.raises(errors.NotActive):
        services.enrolment_cancel(enrolment=enrolment, now=NOW)

    assert told("cancelled") == 1


def test_when_one_waiting_sibling_leaves_the_other_gets_the_free_place():
    activity = factories.ActivityFactory(capacity=2)
    enrol(activity)
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)
    first, second = services.enrolments_create(
        guardian=guardian, child_ids=[c.pk for c in twins], activity=activity, now=NOW
    )

    services.enrolment_cancel(enrolment=first, now=NOW + MINUTE)

    second.refresh_from_db()
    assert second.status == "offered"

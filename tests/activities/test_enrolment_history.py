"""An enrolment remembers when the child first held a place and first joined the waiting
list, also after it ends: the steering figures (waiting times, drop-out) read those."""

import datetime as dt

import pytest

from activities import services, waitlist
from activities.lottery import lottery_draw
from activities.models import Enrolment

from .. import factories
from ..clock import ENROLLING as NOW
from ..clock import HOUR, MINUTE
from .helpers import enrol

pytestmark = pytest.mark.django_db


def test_a_free_place_is_placed_at_once_and_never_waited_for():
    enrolment = enrol(factories.ActivityFactory(capacity=2))

    assert (enrolment.placed_at, enrolment.waitlisted_at) == (NOW, None)


def test_a_child_who_waited_keeps_both_moments_after_cancelling():
    activity = factories.ActivityFactory(capacity=1, offer_hours=24)
    first = enrol(activity)
    waiting = enrol(activity, now=NOW + MINUTE)
    assert (waiting.status, waiting.waitlisted_at, waiting.placed_at) == (
        "waitlisted",
        NOW + MINUTE,
        None,
    )

    services.enrolment_cancel(enrolment=first, now=NOW + HOUR)
    waitlist.place_offer_accept(enrolment=waiting, now=NOW + 3 * HOUR)
    services.enrolment_cancel(enrolment=waiting, now=NOW + 5 * HOUR)

    waiting.refresh_from_db()
    first.refresh_from_db()
    assert waiting.status == "cancelled"
    assert (waiting.waitlisted_at, waiting.placed_at) == (NOW + MINUTE, NOW + 3 * HOUR)
    assert waiting.decided_at == NOW + 5 * HOUR
    assert first.placed_at == NOW


def test_staff_placing_a_child_records_the_place():
    activity = factories.ActivityFactory(capacity=1)
    child = factories.ChildFactory(school=activity.school)

    enrolment = services.enrolment_place(
        activity=activity, child=child, placed_by=factories.staff(activity.school), now=NOW
    )

    assert enrolment.placed_at == NOW


def test_the_draw_places_some_and_puts_the_rest_on_the_list_from_the_close():
    school = factories.SchoolFactory()
    round_ = factories.LotteryRoundFactory(school=school)
    activity = factories.LotteryActivityFactory(school=school, lottery_round=round_, capacity=2)
    applications = [
        factories.EnrolmentFactory(
            activity=activity,
            child=factories.ChildFactory(school=school),
            status=Enrolment.Status.APPLIED,
            applied_at=NOW + i * MINUTE,
        )
        for i in range(5)
    ]
    drawn_at = round_.closes_at + dt.timedelta(minutes=5)

    lottery_draw(round=round_, now=drawn_at, seed=3)

    rows = Enrolment.objects.filter(pk__in=[e.pk for e in applications])
    placed = [row for row in rows if row.status == "confirmed"]
    waiting = [row for row in rows if row.status == "waitlisted"]
    assert len(placed) == 2 and len(waiting) == 3
    assert {row.placed_at for row in placed} == {drawn_at}
    assert {row.waitlisted_at for row in waiting} == {round_.closes_at}
    assert {row.placed_at for row in waiting} == {None}

"""enrolments_create: first come (siblings together), lottery applications, priority tiers, and
every refusal, which leaves seats, enrolments and messages as they were."""

import datetime as dt

import pytest
from django.db import IntegrityError

from activities import errors, services
from activities.models import Enrolment
from core.refusals import Busy, Refusal
from tests import factories
from tests.activities.helpers import (
    assert_seats_match,
    enrol,
    enrol_siblings,
    fresh,
    snapshot,
    told,
)
from tests.clock import ENROLLING as NOW
from tests.clock import MINUTE

pytestmark = pytest.mark.django_db


# enrolments_create: first come


def test_first_come_confirms_until_full_then_waitlists_in_order():
    activity = factories.ActivityFactory(capacity=2)

    enrolments = [enrol(activity, now=NOW + i * MINUTE) for i in range(4)]

    assert [e.status for e in enrolments] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [services.waitlist_position(e) for e in enrolments] == [None, None, 1, 2]
    assert enrolments[0].decided_at == NOW
    assert enrolments[2].decided_at is None
    assert told("confirmed") == 2
    assert told("waitlisted") == 2
    assert_seats_match(activity)


def test_siblings_both_get_a_place_when_two_are_free():
    activity = factories.ActivityFactory(capacity=3)
    enrol(activity)
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)

    enrolments = services.enrolments_create(
        guardian=guardian, child_ids=[c.pk for c in twins], activity=activity, now=NOW
    )

    assert [e.status for e in enrolments] == ["confirmed", "confirmed"]
    assert enrolments[0].sibling_group == enrolments[1].sibling_group is not None
    assert fresh(activity).seats_taken == 3


def test_siblings_both_wait_when_only_one_place_is_free():
    activity = factories.ActivityFactory(capacity=2)
    enrol(activity)
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)

    enrolments = services.enrolments_create(
        guardian=guardian, child_ids=[c.pk for c in twins], activity=activity, now=NOW
    )

    assert [e.status for e in enrolments] == ["waitlisted", "waitlisted"]
    assert [services.waitlist_position(e) for e in enrolments] == [1, 2]
    assert fresh(activity).seats_taken == 1


def test_new_siblings_wait_behind_siblings_already_waiting():
    activity = factories.ActivityFactory(capacity=2)
    enrol(activity)
    waiting = enrol_siblings(activity, now=NOW)

    newcomers = enrol_siblings(activity, now=NOW + MINUTE)

    assert [e.status for e in newcomers] == ["waitlisted", "waitlisted"]
    assert [services.waitlist_position(e) for e in waiting + newcomers] == [1, 2, 3, 4]
    assert_seats_match(activity)


def test_a_place_the_siblings_cannot_use_is_offered_to_a_newcomer():
    activity = factories.ActivityFactory(capacity=2)
    enrol(activity)
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)
    services.enrolments_create(
        guardian=guardian, child_ids=[c.pk for c in twins], activity=activity, now=NOW
    )

    newcomer = enrol(activity, now=NOW + MINUTE)

    newcomer.refresh_from_db()
    assert newcomer.status == "offered"
    assert_seats_match(activity)


def test_a_lottery_activity_takes_applications():
    activity = factories.LotteryActivityFactory(capacity=1)

    enrolments = [enrol(activity) for _ in range(3)]

    assert {e.status for e in enrolments} == {"applied"}
    assert fresh(activity).seats_taken == 0
    assert told("applied") == 3


def test_the_choice_rank_is_kept():
    activity = factories.LotteryActivityFactory()
    child = factories.ChildFactory(school=activity.school)

    enrolment = services.enrolment_create(
        guardian=child.guardian, child=child, activity=activity, now=NOW, choice_rank=2
    )

    assert enrolment.choice_rank == 2


def test_a_child_can_enrol_again_after_cancelling():
    activity = factories.ActivityFactory()
    first = enrol(activity)
    services.enrolment_cancel(enrolment=first, now=NOW)

    again = enrol(activity, first.child, now=NOW + MINUTE)

    assert again.status == "confirmed"
    assert_seats_match(activity)


# enrolments_create: priority


def test_priority_tiers_follow_own_school_and_neighbourhood():
    activity = factories.ActivityFactory(priority_own_school=True)
    wijk = factories.NeighbourhoodFactory()
    activity.priority_neighbourhoods.add(wijk)
    other_school = factories.SchoolFactory()
    ids = {wijk.pk}

    def tier(**kwargs):
        child = factories.ChildFactory(**kwargs)
        return services.priority_tier(activity, child, child.neighbourhood_id in ids)

    assert tier(school=activity.school, neighbourhood=wijk) == 0
    assert tier(school=activity.school) == 1
    assert tier(school=other_school, neighbourhood=wijk) == 1
    assert tier(school=other_school) == 2
    assert services.priority_tier(activity, factories.ChildFactory(), False) == 2


def test_no_priority_rules_put_everybody_in_one_tier():
    activity = factories.ActivityFactory(priority_own_school=False)

    assert (
        services.priority_tier(activity, factories.ChildFactory(school=activity.school), False) == 2
    )


def test_own_pupils_and_chosen_neighbourhoods_go_ahead_on_the_waiting_list():
    activity = factories.ActivityFactory(capacity=1, priority_own_school=True)
    wijk = factories.NeighbourhoodFactory()
    activity.priority_neighbourhoods.add(wijk)
    municipality = activity.school.neighbourhood.municipality
    elsewhere = factories.SchoolFactory(neighbourhood__municipality=municipality)
    filler = enrol(activity)
    outsider = enrol(activity, factories.ChildFactory(school=elsewhere), now=NOW + MINUTE)
    local = enrol(
        activity, factories.ChildFactory(school=elsewhere, neighbourhood=wijk), now=NOW + 2 * MINUTE
    )
    own = enrol(
        activity,
        factories.ChildFactory(school=activity.school, neighbourhood=wijk),
        now=NOW + 3 * MINUTE,
    )

    assert [services.waitlist_position(e) for e in (own, local, outsider)] == [1, 2, 3]
    services.enrolment_cancel(enrolment=filler, now=NOW + 4 * MINUTE)
    own.refresh_from_db()
    assert own.status == "offered"


# enrolments_create: refusals


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_an_unpublished_activity_refuses(status):
    activity = factories.ActivityFactory(status=status)
    child = factories.ChildFactory(school=activity.school)
    before = snapshot(activity)

    with pytest.raises(errors.NotPublished):
        enrol(activity, child)

    assert snapshot(activity) == before


@pytest.mark.parametrize(
    "now",
    [factories.OPENS - MINUTE, factories.CLOSES, factories.CLOSES + dt.timedelta(days=1)],
    ids=["before", "at-closing", "after"],
)
def test_enrolment_outside_the_window_is_refused(now):
    activity = factories.ActivityFactory()
    child = factories.ChildFactory(school=activity.school)
    before = snapshot(activity)

    with pytest.raises(errors.WindowClosed):
        enrol(activity, child, now=now)

    assert snapshot(activity) == before


def test_enrolment_opens_on_the_minute():
    activity = factories.ActivityFactory()

    assert enrol(activity, now=factories.OPENS).status == "confirmed"


@pytest.mark.parametrize(
    ("level", "grade"), [("vo", 5), ("po", 2), ("po", 8)], ids=["vo", "too-young", "too-old"]
)
def test_the_wrong_school_type_or_grade_is_refused(level, grade):
    activity = factories.ActivityFactory(grade_min=3, grade_max=7)
    child = factories.ChildFactory(school=factories.SchoolFactory(level=level), grade=grade)
    before = snapshot(activity)

    with pytest.raises(errors.WrongGrade):
        enrol(activity, child)

    assert snapshot(activity) == before


@pytest.mark.parametrize("grade", [3, 7])
def test_the_ends_of_the_grade_range_are_welcome(grade):
    activity = factories.ActivityFactory(grade_min=3, grade_max=7)

    assert enrol(activity, factories.ChildFactory(grade=grade)).status == "confirmed"


def test_a_child_enrolled_twice_is_refused():
    activity = factories.ActivityFactory(capacity=1)
    enrol(activity)
    waiting = enrol(activity)
    before = snapshot(activity)

    with pytest.raises(errors.AlreadyEnrolled):
        enrol(activity, waiting.child)

    assert snapshot(activity) == before


def test_the_same_child_twice_in_one_request_is_refused():
    activity = factories.ActivityFactory()
    child = factories.ChildFactory(school=activity.school)

    with pytest.raises(errors.AlreadyEnrolled):
        try:
            services.enrolments_create(
                guardian=child.guardian, child_ids=[child.pk, child.pk], activity=activity, now=NOW
            )
        except IntegrityError as exc:
            raise AssertionError("IntegrityError, not an ActivityError") from exc


def overlapping_setup(**other):
    """A child with a place in the Wednesday 14:00-15:30 activity, and a second activity."""
    first = factories.ActivityFactory()
    child = enrol(first).child
    return child, factories.ActivityFactory(school=first.school, **other)


@pytest.mark.parametrize(
    "other",
    [
        {"start_time": dt.time(15), "end_time": dt.time(16)},
        {"start_time": dt.time(13), "end_time": dt.time(17)},
        {"first_date": dt.date(2027, 3, 31), "last_date": dt.date(2027, 6, 30)},
    ],
    ids=["later-start", "around", "last-week"],
)
def test_an_overlapping_activity_is_refused(other):
    child, second = overlapping_setup(**other)
    before = snapshot(second)

    with pytest.raises(errors.Overlap):
        enrol(second, child)

    assert snapshot(second) == before


def test_a_place_on_the_waiting_list_also_counts_as_overlap():
    first = factories.ActivityFactory(capacity=1)
    enrol(first)
    child = enrol(first).child
    second = factories.ActivityFactory(school=first.school)

    with pytest.raises(errors.Overlap):
        enrol(second, child)


@pytest.mark.parametrize(
    "other",
    [
        {"weekday": 3},
        {"first_date": dt.date(2027, 4, 7), "last_date": dt.date(2027, 6, 30)},
        {"start_time": dt.time(15, 30), "end_time": dt.time(16, 30)},
        {"start_time": dt.time(12, 30), "end_time": dt.time(14)},
    ],
    ids=["other-weekday", "later-dates", "right-after", "right-before"],
)
def test_activities_that_do_not_overlap_are_fine(other):
    child, second = overlapping_setup(**other)

    assert enrol(second, child).status == "confirmed"


def test_a_cancelled_enrolment_or_activity_does_not_overlap():
    child, second = overlapping_setup()
    services.enrolment_cancel(enrolment=child.enrolments.get(), now=NOW)
    third = factories.ActivityFactory(school=second.school)
    enrol(third, child)
    services.activity_cancel(activity=third, now=NOW)
    child.refresh_from_db()

    assert enrol(second, child).status == "confirmed"


def test_another_guardians_child_is_refused():
    activity = factories.ActivityFactory()
    child = factories.ChildFactory(school=activity.school)
    before = snapshot(activity)

    with pytest.raises(errors.NotYourChild):
        services.enrolment_create(
            guardian=factories.parent(), child=child, activity=activity, now=NOW
        )

    assert snapshot(activity) == before


def test_siblings_with_one_stranger_are_refused_together():
    activity = factories.ActivityFactory()
    guardian = factories.parent()
    own = factories.ChildFactory(guardian=guardian, school=activity.school)
    stranger = factories.ChildFactory(school=activity.school)

    with pytest.raises(errors.NotYourChild):
        services.enrolments_create(
            guardian=guardian, child_ids=[own.pk, stranger.pk], activity=activity, now=NOW
        )

    assert not Enrolment.objects.exists()


def test_siblings_are_refused_together_when_one_does_not_fit():
    activity = factories.ActivityFactory(grade_min=5, grade_max=8)
    guardian = factories.parent()
    older = factories.ChildFactory(guardian=guardian, school=activity.school, grade=6)
    younger = factories.ChildFactory(guardian=guardian, school=activity.school, grade=3)
    before = snapshot(activity)

    with pytest.raises(errors.WrongGrade):
        services.enrolments_create(
            guardian=guardian, child_ids=[older.pk, younger.pk], activity=activity, now=NOW
        )

    assert snapshot(activity) == before


def test_errors_carry_a_code_a_status_and_a_message():
    for error in (
        errors.NotPublished,
        errors.WindowClosed,
        errors.WrongGrade,
        errors.AlreadyEnrolled,
        errors.Overlap,
        errors.NotYourChild,
        errors.PlaceOfferNotOpen,
        errors.NotActive,
        errors.Full,
        Busy,
    ):
        raised = error()
        assert issubclass(error, Refusal)
        assert raised.code != Refusal.code
        assert 400 <= raised.status < 600
        assert str(raised) == str(error.message)

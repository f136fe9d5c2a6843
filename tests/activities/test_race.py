"""Enrolment under a rush, on PostgreSQL: many parents press "enrol" at the same moment.

Each thread has its own database connection, so these are real concurrent transactions. The
control runs remove the row lock and show that the race is real, so the guarded runs prove
something.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import IntegrityError

from activities import errors, services
from activities.models import Activity, Child, Enrolment
from core.prepared import Bound, Prepared
from tests.concurrency import at_once

from .. import factories
from ..clock import ENROLLING as NOW
from ..conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

THREADS = 50
CONTROL_ROUNDS = 5


def _activity_with_one_place_left(capacity: int = 3) -> Activity:
    activity = factories.ActivityFactory(capacity=capacity)
    factories.EnrolmentFactory.create_batch(
        capacity - 1, activity=activity, child__school=activity.school
    )
    Activity.objects.filter(pk=activity.pk).update(seats_taken=capacity - 1)
    activity.refresh_from_db()
    return activity


def _children(activity: Activity, n: int) -> list[Child]:
    factories.ChildFactory.create_batch(n, school=activity.school)
    return list(
        Child.objects.filter(school=activity.school, enrolments=None).select_related("guardian")
    )


def _enrol(child: Child, activity: Activity):
    return lambda: services.enrolment_create(
        guardian=child.guardian, child=child, activity=activity, now=NOW
    )


def test_fifty_parents_for_the_last_place_get_one_place_and_forty_nine_waiting():
    activity = _activity_with_one_place_left()
    children = _children(activity, THREADS)

    results = at_once([_enrol(child, activity) for child in children])

    failures = [r for r in results if isinstance(r, Exception)]
    assert failures == [], f"no parent should see an error: {failures!r}"
    statuses = Counter(r.status for r in results)
    assert statuses == {Enrolment.Status.CONFIRMED: 1, Enrolment.Status.WAITLISTED: THREADS - 1}
    rows = Enrolment.objects.filter(child__in=children, activity=activity)
    assert rows.count() == THREADS, "an application was lost"
    activity.refresh_from_db()
    assert activity.seats_taken == activity.capacity
    assert activity.enrolments.filter(status=Enrolment.Status.CONFIRMED).count() == (
        activity.capacity
    )
    positions = sorted(
        services.waitlist_position(e) for e in rows.filter(status=Enrolment.Status.WAITLISTED)
    )
    assert positions == list(range(1, THREADS))


def read_without_lock(*targets):
    """`core.locking.lock` without FOR UPDATE: the rows as a plain read gives them."""
    return [_read_unlocked(target) for target in targets]


def _read_unlocked(target):
    if not isinstance(target, Bound):
        return list(target)

    def build(size):  # the prepared statement without its FOR UPDATE
        queryset = target.statement.build(size)
        queryset.query.select_for_update = False
        return queryset

    return Prepared(build).instances(target.size, **target.values)


def test_without_the_row_lock_the_last_place_is_taken_twice(monkeypatch):
    """Control: read the row without FOR UPDATE (as many shops do) and the race shows, either
    as more confirmations than places or as the check constraint refusing the second one."""

    monkeypatch.setattr(services, "lock", read_without_lock)
    raced = []
    for _round in range(CONTROL_ROUNDS):
        activity = _activity_with_one_place_left()
        children = _children(activity, THREADS)
        results = at_once([_enrol(child, activity) for child in children])
        refused = [r for r in results if isinstance(r, IntegrityError)]
        confirmed = [r for r in results if getattr(r, "status", None) == "confirmed"]
        others = [r for r in results if isinstance(r, Exception) and r not in refused]
        assert others == [], others
        assert all("activity_never_oversold" in str(r) for r in refused), refused
        if refused or len(confirmed) > 1:
            raced.append((len(refused), len(confirmed)))
            break
    assert raced, f"no race in {CONTROL_ROUNDS} rounds of {THREADS} threads"
    activity.refresh_from_db()
    # The database constraint still held: the race cost errors, not an oversold activity.
    assert activity.seats_taken <= activity.capacity


def test_one_child_sent_twice_at_once_holds_one_enrolment():
    activity = factories.ActivityFactory(capacity=5)
    child = _children(activity, 1)[0]

    results = at_once([_enrol(child, activity) for _ in range(10)])

    made = [r for r in results if isinstance(r, Enrolment)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(made) == 1
    assert all(isinstance(r, errors.AlreadyEnrolled) for r in refused), refused
    assert Enrolment.objects.filter(child=child, status__in=Enrolment.ACTIVE).count() == 1
    activity.refresh_from_db()
    assert activity.seats_taken == 1


def test_without_any_check_the_unique_index_stops_a_double_enrolment(monkeypatch):
    """Control for the constraint `enrolment_one_active_per_child`: with the lock and the
    duplicate check both gone, the partial unique index alone refuses the second row."""
    monkeypatch.setattr(services, "lock", read_without_lock)
    monkeypatch.setattr(services, "_check_can_enrol", lambda child, activity: None)
    activity = factories.ActivityFactory(capacity=50)
    child = _children(activity, 1)[0]

    results = at_once([_enrol(child, activity) for _ in range(10)])

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 9
    assert all("enrolment_one_active_per_child" in str(r) for r in refused), refused
    assert Enrolment.objects.filter(child=child, status__in=Enrolment.ACTIVE).count() == 1


def test_one_child_rushed_into_two_overlapping_activities_gets_one():
    """Two activities at the same time lock different rows; the child's row lock is what
    keeps the overlap check honest."""
    school = factories.SchoolFactory()
    first, second = factories.ActivityFactory.create_batch(2, school=school, capacity=5)
    child = _children(first, 1)[0]

    results = at_once([_enrol(child, first), _enrol(child, second)] * 5)

    made = [r for r in results if isinstance(r, Enrolment)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(made) == 1
    assert all(isinstance(r, errors.AlreadyEnrolled | errors.Overlap) for r in refused), refused
    assert Enrolment.objects.filter(child=child, status__in=Enrolment.ACTIVE).count() == 1


def test_two_people_saving_one_register_at_once_write_each_mark_once():
    """A teacher and a colleague (or two tabs) save the same session's register together: the
    session's row lock makes the second wait, so no mark is written twice (the unique
    constraint would otherwise turn the second into an error)."""
    from activities.models import Attendance

    activity = factories.ActivityFactory(capacity=30)
    services.occurrences_regenerate(activity=activity, today=activity.first_date)
    session = activity.occurrences.order_by("date").first()
    children = _children(activity, 20)
    enrolments = [
        services.enrolment_place(activity=activity, child=child, placed_by=None, now=NOW)
        for child in children
    ]
    marks = {e.pk: "present" for e in enrolments}

    def save():
        return services.attendance_record(
            occurrence=session, marks=marks, recorded_by=None, now=session.starts_at
        )

    results = at_once([save for _ in range(8)])

    assert results == [len(marks)] * 8, [r for r in results if isinstance(r, Exception)]
    assert Attendance.objects.filter(occurrence=session).count() == len(marks)

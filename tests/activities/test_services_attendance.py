"""attendance_record: marks for the children with a place, at a session of their activity."""

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import Attendance
from tests import factories
from tests.activities.helpers import (
    enrol,
    session_with,
)
from tests.clock import ENROLLING as NOW

pytestmark = pytest.mark.django_db


# attendance_record


def test_attendance_is_saved_and_updated():
    activity = factories.ActivityFactory()
    one, two = enrol(activity), enrol(activity)
    session = session_with(activity)
    staff = factories.staff(activity.school)

    written = services.attendance_record(
        occurrence=session,
        marks={one.pk: "present", two.pk: "absent"},
        recorded_by=staff,
        now=session.starts_at,
    )
    services.attendance_record(
        occurrence=session, marks={two.pk: "excused"}, recorded_by=None, now=session.starts_at
    )

    assert written == 2
    marks = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert marks == {one.pk: "present", two.pk: "excused"}
    assert Attendance.objects.get(enrolment=one).recorded_by == staff


@pytest.mark.parametrize("status", ["waitlisted", "cancelled", "offered", "applied"])
def test_only_confirmed_children_can_be_marked(status):
    activity = factories.ActivityFactory()
    confirmed = enrol(activity)
    other = factories.EnrolmentFactory(
        activity=activity, status=status, offer_expires_at=NOW if status == "offered" else None
    )
    session = session_with(activity)

    with pytest.raises(ValidationError) as caught:
        services.attendance_record(
            occurrence=session,
            marks={confirmed.pk: "present", other.pk: "present"},
            recorded_by=None,
            now=session.starts_at,
        )

    assert "marks" in caught.value.message_dict
    assert not Attendance.objects.exists()


def test_a_child_of_another_activity_cannot_be_marked():
    activity = factories.ActivityFactory()
    stranger = enrol(factories.ActivityFactory(weekday=4))

    with pytest.raises(ValidationError):
        session = session_with(activity)
        services.attendance_record(
            occurrence=session,
            marks={stranger.pk: "present"},
            recorded_by=None,
            now=session.starts_at,
        )

    assert not Attendance.objects.exists()


@pytest.mark.parametrize("status", ["late", "", "PRESENT"])
def test_an_unknown_mark_is_refused(status):
    activity = factories.ActivityFactory()
    one, two = enrol(activity), enrol(activity)

    with pytest.raises(ValidationError) as caught:
        session = session_with(activity)
        services.attendance_record(
            occurrence=session,
            marks={one.pk: "present", two.pk: status},
            recorded_by=None,
            now=session.starts_at,
        )

    assert "marks" in caught.value.message_dict

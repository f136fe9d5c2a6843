import datetime as dt

import pytest

from activities import errors, services
from activities.models import Activity, Enrolment

from .. import factories
from ..clock import ENROLLING as NOW

pytestmark = pytest.mark.django_db


def test_the_last_place_is_confirmed_and_the_next_child_waits():
    activity = factories.ActivityFactory(capacity=1)
    first, second = factories.ChildFactory.create_batch(2, school=activity.school)

    one = services.enrolment_create(
        guardian=first.guardian, child=first, activity=activity, now=NOW
    )
    two = services.enrolment_create(
        guardian=second.guardian, child=second, activity=activity, now=NOW
    )

    assert one.status == Enrolment.Status.CONFIRMED
    assert two.status == Enrolment.Status.WAITLISTED
    assert services.waitlist_position(two) == 1
    assert Activity.objects.get(pk=activity.pk).seats_taken == 1


def test_a_cancelled_place_is_offered_to_the_head_of_the_waiting_list():
    activity = factories.ActivityFactory(capacity=1)
    first, second = factories.ChildFactory.create_batch(2, school=activity.school)
    one = services.enrolment_create(
        guardian=first.guardian, child=first, activity=activity, now=NOW
    )
    two = services.enrolment_create(
        guardian=second.guardian, child=second, activity=activity, now=NOW
    )

    services.enrolment_cancel(enrolment=one, now=NOW)

    two.refresh_from_db()
    assert two.status == Enrolment.Status.OFFERED
    assert two.offer_expires_at == NOW + dt.timedelta(hours=48)
    assert Activity.objects.get(pk=activity.pk).seats_taken == 1


def test_a_child_cannot_enrol_twice():
    activity = factories.ActivityFactory()
    child = factories.ChildFactory(school=activity.school)
    services.enrolment_create(guardian=child.guardian, child=child, activity=activity, now=NOW)

    with pytest.raises(errors.AlreadyEnrolled):
        services.enrolment_create(guardian=child.guardian, child=child, activity=activity, now=NOW)
    assert Enrolment.objects.count() == 1

"""The child services: consent, grade and group checked against the school; deleting a child
ends its places and offers them to the waiting list."""

import pytest
from django.core.exceptions import ValidationError

from activities import consent, services
from activities.models import Child, Enrolment
from tests import factories
from tests.activities.helpers import (
    enrol,
    fresh,
    told,
)
from tests.clock import ENROLLING as NOW

pytestmark = pytest.mark.django_db


# Children


def child_data(school, **overrides) -> dict:
    return {"first_name": "Noor", "school": school, "grade": 5, **overrides}


def test_a_child_needs_consent():
    guardian = factories.UserFactory()

    with pytest.raises(ValidationError) as caught:
        services.child_register(
            guardian=guardian, data=child_data(factories.SchoolFactory()), consent=False, now=NOW
        )

    assert "consent" in caught.value.message_dict
    assert not Child.objects.exists()
    guardian.refresh_from_db()
    assert not guardian.is_parent


def test_registering_a_child_records_consent_and_makes_a_parent():
    guardian = factories.UserFactory()

    child = services.child_register(
        guardian=guardian, data=child_data(factories.SchoolFactory()), consent=True, now=NOW
    )

    assert (child.guardian, child.consent_at) == (guardian, NOW)
    assert child.consent_version == consent.CURRENT
    assert guardian.is_parent
    guardian.refresh_from_db()
    assert guardian.is_parent


def test_a_child_with_a_bad_grade_is_not_saved():
    guardian = factories.UserFactory()

    with pytest.raises(ValidationError) as caught:
        services.child_register(
            guardian=guardian,
            data=child_data(factories.SchoolFactory(), grade=9),
            consent=True,
            now=NOW,
        )

    assert "grade" in caught.value.message_dict
    assert not Child.objects.exists()
    guardian.refresh_from_db()
    assert not guardian.is_parent


def test_a_secondary_pupil_cannot_be_in_grade_seven():
    vo = factories.SchoolFactory(level="vo")

    with pytest.raises(ValidationError) as caught:
        services.child_register(
            guardian=factories.UserFactory(), data=child_data(vo, grade=7), consent=True, now=NOW
        )

    assert "grade" in caught.value.message_dict
    assert not Child.objects.exists()


def test_a_secondary_pupil_can_be_in_grade_six():
    vo = factories.SchoolFactory(level="vo")

    child = services.child_register(
        guardian=factories.UserFactory(), data=child_data(vo, grade=6), consent=True, now=NOW
    )

    assert child.grade == 6


def test_a_child_cannot_be_in_a_group_of_another_school():
    school = factories.SchoolFactory()
    group = factories.GroupFactory(grade=5)

    with pytest.raises(ValidationError) as caught:
        services.child_register(
            guardian=factories.UserFactory(),
            data=child_data(school, group=group),
            consent=True,
            now=NOW,
        )

    assert "group" in caught.value.message_dict
    assert not Child.objects.exists()


def test_a_child_can_be_in_a_group_of_its_school():
    group = factories.GroupFactory(grade=5)

    child = services.child_register(
        guardian=factories.UserFactory(),
        data=child_data(group.school, group=group),
        consent=True,
        now=NOW,
    )

    assert child.group == group


def test_child_update_validates_and_saves():
    child = factories.ChildFactory()

    services.child_update(child=child, data={"grade": 6})
    with pytest.raises(ValidationError):
        services.child_update(child=child, data={"grade": 0})

    assert Child.objects.get(pk=child.pk).grade == 6


def test_deleting_a_child_ends_its_places_and_offers_them_to_the_waiting_list():
    activity = factories.ActivityFactory(capacity=1)
    leaving = enrol(activity).child
    waiting = enrol(activity)
    other = factories.ActivityFactory(school=activity.school, weekday=4)
    enrol(other, leaving)

    services.child_delete(child=leaving, now=NOW)

    # Erased, not deleted: nothing personal stays, the counts do.
    assert not Child.objects.filter(pk=leaving.pk, erased_at=None).exists()
    assert Child.objects.get(pk=leaving.pk).first_name == ""
    assert set(Enrolment.objects.filter(child_id=leaving.pk).values_list("status", flat=True)) == {
        "cancelled"
    }
    waiting.refresh_from_db()
    assert waiting.status == "offered"
    assert (fresh(activity).seats_taken, fresh(other).seats_taken) == (1, 0)
    assert told("cancelled") == 0

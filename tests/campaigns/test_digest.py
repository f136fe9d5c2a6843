"""The monthly digest: new activities that fit a child, for parents who asked, once a month."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from campaigns import digest, services
from notifications.models import Notification
from tests import factories

from .helpers import NOW, family, town

pytestmark = pytest.mark.django_db

OPEN = {"enrolment_opens_at": NOW, "enrolment_closes_at": NOW + dt.timedelta(days=20)}


def _activity(school, **fields):
    fields = {"grade_min": 4, "grade_max": 6, **OPEN, **fields}
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        return factories.ActivityFactory(school=school, status="published", **fields)


def test_a_parent_who_asked_gets_the_activities_that_fit_once_a_month():
    t = town()
    asked = family(t.school, neighbourhood=t.west, language="tr", grade=5)
    services.message_preference_set(user_pk=asked.pk, digest=True)
    family(t.school, grade=5)  # did not ask
    near = _activity(t.school, title="Voetbal")
    _activity(t.school, title="Kleuterdans", grade_min=1, grade_max=2)  # another grade
    _activity(t.other_school, title="Schaken")  # another school, but in the child's area
    far = _activity(factories.SchoolFactory(neighbourhood=t.east), title="Ver weg")
    assert digest.fits(near, asked.children.get()) and not digest.fits(far, asked.children.get())

    assert digest.digests_send(now=NOW) == 1
    (sent,) = Notification.objects.all()
    assert sent.to_email == asked.email and sent.language == "tr"
    assert "Voetbal" in sent.body_text and "Schaken" in sent.body_text
    assert "Kleuterdans" not in sent.body_text and "Ver weg" not in sent.body_text
    assert digest.digests_send(now=NOW + dt.timedelta(days=1)) == 0  # same month: not again


def test_nothing_new_sends_nothing():
    t = town()
    asked = family(t.school)
    services.message_preference_set(user_pk=asked.pk, digest=True)
    assert digest.digests_send(now=NOW) == 0
    assert not Notification.objects.exists()

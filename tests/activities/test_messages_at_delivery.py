"""A new enrolment's message is written when it is delivered (notifications.composers), so a
rush of parents renders no template inside the locked transaction. What the family reads is the
same: the day, the time, the place, the waiting-list position as it was at enrolment, and the
invite."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from activities import services
from notifications.models import Notification
from notifications.services import notification_deliver
from tests import factories
from tests.activities.helpers import enrol
from tests.clock import ENROLLING as NOW
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


def make_activity(**kwargs):
    activity = factories.ActivityFactory(
        title="Judo", venue=factories.VenueFactory(name="Sporthal De Bank"), **kwargs
    )
    services.occurrences_regenerate(activity=activity, today=NOW.date())
    return activity


def english_child(activity):
    guardian = factories.parent(language="en")
    return factories.ChildFactory(guardian=guardian, first_name="Noor", school=activity.school)


def test_the_row_waits_without_text_and_delivery_writes_what_the_family_reads():
    activity = make_activity(capacity=1)
    child = english_child(activity)
    guardian = child.guardian

    enrolment = services.enrolment_create(
        guardian=guardian, child=child, activity=activity, now=NOW
    )

    note = Notification.objects.get(kind="activity:confirmed")
    assert (note.subject, note.body_text, note.ics) == ("", "", "")
    assert note.compose and note.compose_args["enrolment"] == enrolment.pk
    assert note.to_email == guardian.email and note.language == "en"

    assert notification_deliver(notification_id=note.pk, now=NOW)

    note.refresh_from_db()
    assert note.status == Notification.Status.SENT
    assert "Noor" in note.subject and "Judo" in note.subject
    assert "Noor has a place at Judo" in note.body_text
    assert "Sporthal De Bank" in note.body_text
    assert note.ics_method == "REQUEST" and "BEGIN:VEVENT" in note.ics
    [sent] = mail.outbox
    assert (sent.subject, sent.body) == (note.subject, note.body_text)


def test_the_waiting_list_position_is_the_one_at_enrolment():
    activity = make_activity(capacity=1)
    enrol(activity)
    first = enrol(activity, now=NOW + dt.timedelta(minutes=1))
    second = enrol(activity, english_child(activity), now=NOW + dt.timedelta(minutes=2))
    services.enrolment_cancel(enrolment=first, now=NOW + dt.timedelta(minutes=3))  # moves up

    note = Notification.objects.get(kind="activity:waitlisted", compose_args__enrolment=second.pk)
    assert notification_deliver(notification_id=note.pk, now=NOW)

    note.refresh_from_db()
    assert "is number 2 on the waiting list" in note.body_text


@pytest.mark.parametrize("gone", ["child erased", "enrolment deleted"])
def test_a_message_about_a_child_erased_before_delivery_is_not_sent(gone):
    activity = make_activity()
    enrolment = enrol(activity)
    note = Notification.objects.get(kind="activity:confirmed")

    if gone == "child erased":
        services.child_erase(child=enrolment.child, now=NOW)  # the enrolment stays, anonymous
    else:
        enrolment.delete()

    assert not notification_deliver(notification_id=note.pk, now=NOW)
    note.refresh_from_db()
    assert note.status == Notification.Status.FAILED
    assert "no longer exists" in note.last_error
    assert mail.outbox == []


def test_the_outbox_shows_a_waiting_message_as_it_will_be_written(
    client, settings, coordinator, school
):
    settings.DEBUG = True  # the outbox is a development aid
    activity = make_activity(school=school)
    enrol(activity, english_child(activity))
    note = Notification.objects.get(kind="activity:confirmed")

    page = login(client, coordinator).get(reverse("notifications:outbox"))
    detail = client.get(reverse("notifications:outbox_detail", args=[note.pk]))

    assert "Written when it is sent" in page.content.decode()
    assert "has a place at Judo" in detail.content.decode()
    note.refresh_from_db()
    assert note.subject == ""  # shown, not saved: delivery keeps what it sends

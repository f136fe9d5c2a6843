import datetime as dt

import pytest
from django.utils import translation

from activities import messages, services
from activities.models import Enrolment, Occurrence
from notifications.models import Notification

from .. import factories

pytestmark = pytest.mark.django_db

DEADLINE = dt.datetime(2027, 1, 6, 13, 0, tzinfo=dt.UTC)  # Wednesday 6 January, 14:00 local
EVENTS = sorted(messages.EVENTS)


def enrolment_for(language: str, **kwargs) -> Enrolment:
    guardian = factories.parent(name="Ilse Jansen", language=language)
    activity = factories.ActivityFactory(title="Judo", venue=factories.VenueFactory())
    child = factories.ChildFactory(guardian=guardian, first_name="Noor", school=activity.school)
    return factories.EnrolmentFactory(child=child, activity=activity, **kwargs)


def context_for(event: str, enrolment: Enrolment) -> dict:
    """What the services pass along with each event."""
    if event in {"waitlisted", "not_placed"}:
        return {"position": 3}
    if event == "session_cancelled":
        occurrence = Occurrence.objects.create(
            activity=enrolment.activity,
            date=DEADLINE.date(),
            starts_at=DEADLINE,
            ends_at=DEADLINE + dt.timedelta(hours=1),
            cancel_reason="De gymzaal is dicht.",
        )
        return {"occurrence": occurrence, "key_suffix": f":{occurrence.pk}"}
    return {}


def tell(event: str, language: str) -> Notification:
    enrolment = enrolment_for(language, status="offered", offer_expires_at=DEADLINE)
    messages.tell_family(enrolment=enrolment, event=event, **context_for(event, enrolment))
    return Notification.objects.get()


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("event", EVENTS)
def test_every_event_renders_a_full_message_in_the_guardians_language(event, language):
    sent = tell(event, language)

    assert sent.language == language
    assert sent.kind == f"activity:{event}"
    assert sent.to_email == sent.recipient.email
    assert sent.subject.strip() and "{" not in sent.subject
    assert sent.body_text.strip() and "{%" not in sent.body_text
    assert sent.body_html.startswith("<!DOCTYPE html>")
    assert "Judo" in sent.subject + sent.body_text
    link = "/activities/\n" if event in {"offer_expired", "activity_cancelled"} else "/mine/"
    assert link in sent.body_text
    assert "\n" not in sent.subject


# These three are about the activity, not one child: a family with two children in it gets
# the same words twice (see the report).
ABOUT_THE_ACTIVITY = {"activity_cancelled", "schedule_changed", "session_cancelled"}


@pytest.mark.parametrize("event", [e for e in EVENTS if e not in ABOUT_THE_ACTIVITY])
def test_the_message_names_the_child(event):
    assert "Noor" in tell(event, "en").body_text


def test_the_html_mail_declares_the_guardians_language():
    assert '<html lang="en" dir="ltr">' in tell("confirmed", "en").body_html


def test_an_offer_names_its_deadline_in_local_time_and_in_the_language():
    assert "Wednesday 6 January, 14:00" in tell("offered", "en").body_text
    Notification.objects.all().delete()
    assert "woensdag 6 januari, 14:00" in tell("offered", "nl").body_text


def test_the_waiting_list_message_gives_the_position():
    assert "number 3 on the waiting list" in tell("waitlisted", "en").body_text


def test_a_cancelled_session_gives_its_date_and_reason():
    sent = tell("session_cancelled", "en")

    assert "6 January" in sent.subject
    assert "De gymzaal is dicht." in sent.body_text


def test_a_schedule_change_gives_the_new_times():
    body = tell("schedule_changed", "en").body_text

    assert "every Wednesday from 14:00 to 15:30" in body


def test_the_message_says_where():
    enrolment = enrolment_for("en")
    messages.tell_family(enrolment=enrolment, event="confirmed")

    venue = enrolment.activity.venue
    assert f"Where: {venue.name}, {venue.address}" in Notification.objects.get().body_text


def test_dutch_text_is_dutch():
    with translation.override("nl"):
        translated = translation.gettext("Good news: %(child)s has a place at %(activity)s.")
    if "Good news" in translated:
        pytest.skip("the Dutch catalogue has no activity mails yet")
    enrolment = enrolment_for("nl")
    messages.tell_family(enrolment=enrolment, event="confirmed")

    assert "Good news" not in Notification.objects.get().body_text


def test_the_same_event_twice_writes_one_notification():
    enrolment = enrolment_for("nl")

    messages.tell_family(enrolment=enrolment, event="confirmed")
    messages.tell_family(enrolment=enrolment, event="confirmed")

    assert Notification.objects.count() == 1


def test_other_events_or_suffixes_write_their_own_notification():
    enrolment = enrolment_for("nl")

    messages.tell_family(enrolment=enrolment, event="confirmed")
    messages.tell_family(enrolment=enrolment, event="schedule_changed", key_suffix=":1")
    messages.tell_family(enrolment=enrolment, event="schedule_changed", key_suffix=":2")

    assert sorted(Notification.objects.values_list("idempotency_key", flat=True)) == [
        f"enrolment:{enrolment.pk}:confirmed",
        f"enrolment:{enrolment.pk}:schedule_changed:1",
        f"enrolment:{enrolment.pk}:schedule_changed:2",
    ]


def test_an_unknown_event_is_a_programming_error():
    with pytest.raises((AssertionError, ValueError)):
        messages.tell_family(enrolment=enrolment_for("nl"), event="party")


def test_session_cancellation_reaches_families_with_a_place_once():
    activity = factories.ActivityFactory(capacity=2)
    services.occurrences_regenerate(activity=activity, today=dt.date(2026, 12, 1))
    session = activity.occurrences.earliest("date")
    confirmed = factories.EnrolmentFactory(activity=activity)
    offered = factories.EnrolmentFactory(
        activity=activity, status="offered", offer_expires_at=DEADLINE
    )
    for status in ("waitlisted", "cancelled", "applied"):
        factories.EnrolmentFactory(activity=activity, status=status)

    messages.tell_families_session_cancelled(occurrence=session)
    messages.tell_families_session_cancelled(occurrence=session)

    keys = set(Notification.objects.values_list("idempotency_key", flat=True))
    assert keys == {
        f"enrolment:{confirmed.pk}:session_cancelled:{session.pk}",
        f"enrolment:{offered.pk}:session_cancelled:{session.pk}",
    }

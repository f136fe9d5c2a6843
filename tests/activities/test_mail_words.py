"""What every family mail tells: what, where, on which day and at what time (in words, in the
reader's language, Amsterdam time), what to bring and what to do next; in an HTML part that
reads well on a phone and with a screen reader."""

import datetime as dt

import pytest
from django.utils import translation
from icalendar import Calendar

from activities import messages, services
from core.time import DASH
from notifications.models import Notification
from notifications.reminders import reminders_send_due

from .. import factories
from ..clock import ENROLLING
from ..mail_html import assert_accessible
from .test_invites import enrol, invites, make_activity
from .test_messages import EVENTS, enrolment_for, tell

pytestmark = pytest.mark.django_db

# The factory's activity: Wednesdays 14:00-15:30 from 6 January 2027.
SERIES = {"nl": ("woensdag", "6 januari"), "en": ("Wednesday", "6 January")}
# The cancelled session in test_messages: Wednesday 6 January, 14:00-15:00 local.
SESSION = {"nl": "woensdag 6 januari, 14:00", "en": "Wednesday 6 January, 14:00"}

NEXT_STEP = {
    "confirmed": "Report it on the website before it starts.",
    "waitlisted": "We send you an email when a place becomes free.",
    "not_placed": "We send you an email when a place becomes free.",
    "applied": "You do not need to do anything now.",
    "offered": "Go to the website and choose: a place for Noor, yes or no.",
    "offer_expired": "On the website you can look for another activity.",
    "activity_cancelled": "On the website you can look for another activity.",
    "cancelled": "Was this a mistake? Ask the school.",
    "schedule_changed": "Cancel the place on the website, so another child can have it.",
    "session_cancelled": "The other sessions take place as planned.",
}


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("event", EVENTS)
def test_every_family_mail_says_the_day_and_the_time_in_words(event, language):
    sent = tell(event, language)

    for body in (sent.body_text, sent.body_html):
        if event == "session_cancelled":
            assert f"{SESSION[language]}{DASH}15:00" in body
        else:
            weekday, first = SERIES[language]
            assert f"{weekday} 14:00{DASH}15:30" in body
            assert first in body


@pytest.mark.parametrize("event", EVENTS)
def test_every_family_mail_says_what_to_do_next(event):
    sent = tell(event, "en")

    assert NEXT_STEP[event] in sent.body_text
    assert NEXT_STEP[event] in sent.body_html
    assert "What: Judo" in sent.body_text


def test_what_to_bring_is_in_the_mail_when_the_activity_says_so():
    enrolment = enrolment_for("en")
    enrolment.activity.bring = "Sports clothes and a bottle of water"
    enrolment.activity.save()

    messages.tell_family(enrolment=enrolment, event="confirmed")

    sent = Notification.objects.get()
    assert "What to bring: Sports clothes and a bottle of water" in sent.body_text
    assert "Sports clothes and a bottle of water" in sent.body_html


def test_no_bring_line_when_the_activity_says_nothing():
    assert "What to bring" not in tell("confirmed", "en").body_text


def test_the_offer_links_to_its_answer_by_name():
    html = tell("offered", "en").body_html

    assert "Answer the offer for Noor</a>" in html


@pytest.mark.parametrize(
    ("language", "words"), [("nl", "woensdag 6 januari"), ("en", "Wednesday 6 January")]
)
def test_the_subject_is_in_the_readers_language(language, words):
    assert words in tell("session_cancelled", language).subject


# HTML


@pytest.mark.parametrize("language", ["nl", "en", "ar"])
@pytest.mark.parametrize("event", EVENTS)
def test_every_family_mail_has_an_accessible_html_part(event, language):
    assert_accessible(tell(event, language).body_html, language)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_session_reminder_has_an_accessible_html_part(language):
    activity = make_activity()
    enrolment = enrol(activity)
    enrolment.child.guardian.language = language
    enrolment.child.guardian.save()
    first = activity.occurrences.order_by("starts_at").first()

    reminders_send_due(now=first.starts_at - dt.timedelta(hours=1))

    sent = Notification.objects.get(kind="reminder:parent_session")
    assert_accessible(sent.body_html, language)
    assert DASH in sent.body_text


# Invites


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "See all enrolments of your children:"),
        ("nl", "Bekijk alle inschrijvingen van je kinderen:"),
    ],
)
def test_the_invite_is_in_the_guardians_language(language, line):
    activity = make_activity(bring="Sportkleren")
    child = factories.ChildFactory(
        school=activity.school, first_name="Noor", guardian__language=language
    )
    # Whatever language the request that placed the child was in.
    with translation.override("en" if language == "nl" else "nl"):
        services.enrolment_create(
            guardian=child.guardian, child=child, activity=activity, now=ENROLLING
        )

    (invite,) = invites(child.enrolments.get())
    (event,) = Calendar.from_ical(invite.ics).walk("VEVENT")
    description = str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == "Judo (Noor)"
    assert line in description
    assert "Sportkleren" in description
    assert activity.description in description


def test_an_invite_in_english_says_what_to_do_when_the_child_cannot_come():
    enrolment = enrol(make_activity())
    enrolment.child.guardian.language = "en"
    enrolment.child.guardian.save()
    Notification.objects.all().delete()

    messages.tell_family_confirmed(enrolment=enrolment, now=ENROLLING)

    (event,) = Calendar.from_ical(Notification.objects.get().ics).walk("VEVENT")
    assert "Can Noor not come? Report it on the website" in str(event["DESCRIPTION"])


def test_names_with_ampersands_read_as_typed_in_text_and_escaped_in_html():
    enrolment = enrolment_for("en")
    enrolment.activity.title = "Koken & bakken <samen>"
    enrolment.activity.bring = "Schort & 'muts'"
    enrolment.activity.save()

    messages.tell_family(enrolment=enrolment, event="confirmed")

    sent = Notification.objects.get()
    assert sent.subject == "Noor has a place at Koken & bakken <samen>"
    assert "What: Koken & bakken <samen>" in sent.body_text
    assert "What to bring: Schort & 'muts'" in sent.body_text
    assert "Koken &amp; bakken &lt;samen&gt;" in sent.body_html
    assert "<samen>" not in sent.body_html

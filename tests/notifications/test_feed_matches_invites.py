"""A subscribed calendar and the invites in the mail describe the same events: per UID, the
feed carries the SEQUENCE of the latest invite sent for it. A feed at a lower SEQUENCE than
an invite the calendar already holds is ignored by calendar programs (RFC 5546), so the feed
would never show a change again."""

import datetime as dt

import pytest
from icalendar import Calendar

from activities import services as activity_services
from notifications import ical
from notifications.calendar import feed_render
from notifications.models import Notification
from scheduler import services as scheduler_services
from tests import factories
from tests.activities.test_invites import enrol, make_activity
from tests.clock import ENROLLING, NOW, TUESDAY, at
from tests.scheduler.conftest import make_hero, make_request

pytestmark = pytest.mark.django_db


def latest_invite_sequences(user) -> dict[str, int]:
    """Per UID, the SEQUENCE of the last invite mailed to the person."""
    latest: dict[str, int] = {}
    for note in Notification.objects.filter(recipient=user).exclude(ics="").order_by("pk"):
        for event in Calendar.from_ical(note.ics).walk("VEVENT"):
            latest[str(event["UID"])] = int(event["SEQUENCE"])
    return latest


def feed_sequences(user, now) -> dict[str, int]:
    events = Calendar.from_ical(feed_render(user, now)).walk("VEVENT")
    return {str(event["UID"]): int(event["SEQUENCE"]) for event in events}


def test_a_familys_feed_has_the_sequence_of_the_last_invite():
    activity = make_activity()
    enrolment = enrol(activity)
    guardian = enrolment.child.guardian
    first, second = list(activity.occurrences.order_by("starts_at")[:2])
    # Two sessions off: each raises the series' sequence and mails a CANCEL at it.
    for session in (first, second):
        activity_services.occurrence_cancel(occurrence=session, reason="Ziek", now=ENROLLING)

    invited = latest_invite_sequences(guardian)
    in_feed = feed_sequences(guardian, ENROLLING)

    assert invited == {ical.uid("enrolment", enrolment.pk): 2}
    assert in_feed == invited


def test_a_heros_and_a_schools_feed_have_the_sequence_of_the_last_invite(municipality):
    school = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
    staff = factories.staff(school)
    hero = make_hero(municipality)
    visits = []
    for hours in ((10, 11), (13, 14)):
        offer = factories.OfferFactory(
            request=make_request(school, None, staff, day=TUESDAY, hours=hours),
            hero=hero,
            starts_at=at(TUESDAY, hours[0]),
            ends_at=at(TUESDAY, hours[1]),
        )
        visits.append(scheduler_services.offer_accept(offer=offer, now=NOW))
    # One is withdrawn: its CANCEL goes out at a higher sequence and it leaves the feed.
    scheduler_services.visit_withdraw(visit=visits[0], reason="Ziek", now=NOW)

    for user in (hero.user, staff):
        invited = latest_invite_sequences(user)
        in_feed = feed_sequences(user, NOW + dt.timedelta(minutes=1))
        assert in_feed, "the second visit is in the feed"
        assert all(in_feed[uid] == invited[uid] for uid in in_feed)
        assert set(in_feed) == {ical.uid("visit", visits[1].pk)}

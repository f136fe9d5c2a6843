"""Calendar invites on the visit mails: the hero and the staff member who asked get a REQUEST
when a visit is confirmed and a CANCEL (same UID, higher SEQUENCE) when it is cancelled,
rescheduled, withdrawn or given to another hero. The clock is frozen at Monday 2 November
2026 09:00; the visit is Tuesday 10 November 10:00-12:00."""

import datetime as dt
from email import message_from_bytes

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext as _
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from heroes.models import Topic
from notifications import ical
from notifications.models import Notification
from notifications.services import _build_message, notification_deliver
from scheduler import services
from scheduler.models import Visit
from scheduler.services import runs
from tests import factories
from tests.clock import NOW, TUESDAY, at
from tests.scheduler.conftest import make_hero, make_request

pytestmark = pytest.mark.django_db

START = at(TUESDAY, 10)


def accept(session_request, hero, *, kit=None, start=START) -> Visit:
    """The hero accepts an offer of two hours from `start`: offer_accept sends the invites."""
    offer = factories.OfferFactory(
        request=session_request,
        hero=hero,
        kit=kit,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    return services.offer_accept(offer=offer, now=NOW)


@pytest.fixture
def topic(municipality):
    return Topic.objects.create(municipality=municipality, name="Online veiligheid")


@pytest.fixture
def visit(vo_school, group, vo_staff, hero, kit, topic):
    session_request = make_request(vo_school, group, vo_staff, kind="vr", topic=topic)
    return accept(session_request, hero, kit=kit)


def invites(user, method: str | None = None) -> list[Notification]:
    sent = Notification.objects.filter(recipient=user).exclude(ics="").order_by("pk")
    return [n for n in sent if method is None or n.ics_method == method]


def vevent(notification: Notification):
    """The one VEVENT of the invite, after checking both parsers read it."""
    IcsCalendarStream.calendar_from_ics(notification.ics)
    cal = Calendar.from_ical(notification.ics)
    assert str(cal["METHOD"]) == notification.ics_method
    (event,) = cal.walk("VEVENT")
    return event


def attendee(event) -> str:
    value = event["ATTENDEE"]
    assert not isinstance(value, list)  # only the recipient
    return str(value)


# --- confirmed ------------------------------------------------------------------------------


def test_accept_sends_a_request_to_the_hero_and_the_staff_member(visit, hero, vo_staff):
    (to_hero,) = invites(hero.user, ical.REQUEST)
    (to_staff,) = invites(vo_staff, ical.REQUEST)
    assert to_hero.kind == "scheduler:visit_confirmed"
    assert to_staff.kind == "scheduler:school_visit_confirmed"
    for note, user in ((to_hero, hero.user), (to_staff, vo_staff)):
        event = vevent(note)
        assert str(event["UID"]) == ical.uid("visit", visit.pk)
        assert int(event["SEQUENCE"]) == 0
        assert event.decoded("DTSTART") == START
        assert event.decoded("DTEND") == START + dt.timedelta(hours=2)
        assert str(event["ORGANIZER"]) == f"mailto:{ical.organizer().email}"
        assert attendee(event) == f"mailto:{user.email}"
        assert event["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"
        assert event["ATTENDEE"].params["RSVP"] == "FALSE"


def test_the_invite_says_where_and_what(visit, vo_school, hero, vo_staff):
    for note in (*invites(hero.user), *invites(vo_staff)):
        event = vevent(note)
        assert str(event["LOCATION"]) == f"{vo_school.name}, {vo_school.address}"
        description = str(event["DESCRIPTION"])
        for text in ("Online veiligheid", "Kit Noord", visit.request.group.name, "Dennis"):
            assert text in description


def test_the_invite_is_in_the_recipients_language(visit, vo_school, group, hero, vo_staff):
    hero.user.language = "en"
    hero.user.save(update_fields=["language"])
    vo_staff.language = "nl"
    vo_staff.save(update_fields=["language"])
    Notification.objects.all().delete()
    services.request_cancel(session_request=visit.request, now=NOW)

    (to_hero,) = invites(hero.user)
    (to_staff,) = invites(vo_staff)
    hero_summary = str(vevent(to_hero)["SUMMARY"])
    assert hero_summary == f"VR game session: {vo_school.name}"
    assert "Topic: Online veiligheid" in str(vevent(to_hero)["DESCRIPTION"])
    with translation.override("nl"):
        kind = str(visit.request.get_kind_display())
        expected = _("%(kind)s: %(school)s (%(group)s)") % {
            "kind": kind,
            "school": vo_school.name,
            "group": group.name,
        }
    assert str(vevent(to_staff)["SUMMARY"]) == expected


def test_the_mail_is_text_html_and_calendar(visit, hero):
    (note,) = invites(hero.user, ical.REQUEST)

    message = _build_message(note)
    assert ("text/html" in [kind for _body, kind in message.alternatives]) and message.body
    assert (note.ics, "text/calendar; method=REQUEST") in [
        (body, kind) for body, kind in message.alternatives
    ]
    assert [(name, kind) for name, _body, kind in message.attachments] == [
        ("invite.ics", "application/ics")
    ]

    assert notification_deliver(notification_id=note.pk, now=NOW)
    parsed = message_from_bytes(mail.outbox[-1].message().as_bytes())
    parts = {part.get_content_type(): part for part in parsed.walk()}
    assert {"text/plain", "text/html", "text/calendar", "application/ics"} <= parts.keys()
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    assert parts["application/ics"].get_filename() == "invite.ics"


def test_the_feed_and_the_invite_describe_the_visit_alike(visit, hero):
    from scheduler.calendar import visit_event

    (note,) = invites(hero.user, ical.REQUEST)
    with translation.override(hero.user.language):
        feed = visit_event(Visit.objects.get(pk=visit.pk), audience="hero")
    event = vevent(note)
    assert (str(event["UID"]), str(event["SUMMARY"]), str(event["DESCRIPTION"])) == (
        feed.uid,
        feed.summary,
        feed.description,
    )


# --- cancelled ------------------------------------------------------------------------------


def assert_cancelled_for_both(visit, hero, staff, *, staff_kind="scheduler:school_visit_cancelled"):
    visit.refresh_from_db()
    assert visit.sequence == 1
    uid = ical.uid("visit", visit.pk)
    (hero_request,) = invites(hero.user, ical.REQUEST)
    (hero_cancel,) = invites(hero.user, ical.CANCEL)
    (staff_cancel,) = invites(staff, ical.CANCEL)
    assert hero_cancel.kind == "scheduler:visit_cancelled"
    assert staff_cancel.kind == staff_kind
    before = int(vevent(hero_request)["SEQUENCE"])
    for note, user in ((hero_cancel, hero.user), (staff_cancel, staff)):
        event = vevent(note)
        assert str(event["UID"]) == uid
        assert int(event["SEQUENCE"]) == 1 > before
        assert str(event["STATUS"]) == "CANCELLED"
        assert attendee(event) == f"mailto:{user.email}"
        assert "ORGANIZER" in event
    return hero_cancel, staff_cancel


def test_cancelling_the_request_cancels_the_invites(visit, hero, vo_staff):
    services.request_cancel(session_request=visit.request, reason="Excursie", now=NOW)

    hero_cancel, staff_cancel = assert_cancelled_for_both(visit, hero, vo_staff)
    assert hero_cancel.idempotency_key == f"visit:{visit.pk}:visit_cancelled:1"
    assert staff_cancel.idempotency_key == (
        f"visit:{visit.pk}:school_visit_cancelled:1:{vo_staff.pk}"
    )
    assert "Excursie" in staff_cancel.body_text


def test_rescheduling_cancels_the_invites(visit, hero, vo_staff):
    windows = [(at(TUESDAY + dt.timedelta(days=2), 10), at(TUESDAY + dt.timedelta(days=2), 13))]
    services.request_reschedule(session_request=visit.request, windows=windows, now=NOW)

    assert_cancelled_for_both(visit, hero, vo_staff)


def test_a_withdrawal_cancels_the_invites(visit, hero, vo_staff):
    services.visit_withdraw(visit=visit, reason="Ik ben ziek", now=NOW)

    _hero_cancel, staff_cancel = assert_cancelled_for_both(
        visit, hero, vo_staff, staff_kind="scheduler:school_visit_withdrawn"
    )
    assert "Ik ben ziek" in staff_cancel.body_text


def test_another_hero_chosen_by_hand_cancels_the_first_ones_invite(
    visit, hero, vo_staff, municipality, kit
):
    other = make_hero(municipality, name="Sanne")
    coordinator = factories.coordinator(municipality)
    runs.offer_assign_manually(
        session_request=visit.request,
        hero=other,
        kit=kit,
        starts_at=at(TUESDAY + dt.timedelta(days=2), 10),
        by=coordinator,
        force=True,
        now=NOW,
    )

    assert_cancelled_for_both(visit, hero, vo_staff)
    assert invites(other.user) == []  # an offer is no invite yet


def test_a_new_visit_after_a_reschedule_is_a_new_event(visit, hero, vo_staff, kit):
    session_request = visit.request
    day = TUESDAY + dt.timedelta(days=2)
    services.request_reschedule(
        session_request=session_request, windows=[(at(day, 10), at(day, 13))], now=NOW
    )
    second = accept(session_request, hero, kit=kit, start=at(day, 10))

    requests = invites(hero.user, ical.REQUEST)
    assert [str(vevent(n)["UID"]) for n in requests] == [
        ical.uid("visit", visit.pk),
        ical.uid("visit", second.pk),
    ]
    assert len(invites(vo_staff, ical.REQUEST)) == 2
    keys = list(Notification.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys))


def test_the_programme_contacts_get_the_invites_when_the_requester_left(
    vo_school, group, vo_staff, hero
):
    contact = factories.staff(vo_school)
    contact.staff_memberships.update(role="contact")
    session_request = make_request(vo_school, group, None)  # the requester left
    visit = accept(session_request, hero)
    services.request_cancel(session_request=session_request, now=NOW)

    assert [n.ics_method for n in invites(contact)] == [ical.REQUEST, ical.CANCEL]
    assert str(vevent(invites(contact)[1])["UID"]) == ical.uid("visit", visit.pk)


def test_offers_carry_no_invite(vo_school, group, vo_staff, hero):
    session_request = make_request(vo_school, group, vo_staff)
    services.offer_create(
        session_request=session_request,
        hero=hero,
        kit=None,
        starts_at=START,
        ends_at=START + dt.timedelta(hours=1),
        now=NOW,
    )
    services.request_cancel(session_request=session_request, now=NOW)

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"scheduler:offer_new", "scheduler:offer_withdrawn"} <= kinds
    assert not Notification.objects.exclude(ics="").exists()

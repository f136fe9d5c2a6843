"""Calendar invites on the family mails: a confirmed place (first come, lottery, waiting list,
placed by staff) brings a REQUEST for the series of sessions still to come; a new schedule a
REQUEST at a higher sequence; a cancelled session a CANCEL of that RECURRENCE-ID; the end of
the place a CANCEL of the series. Families without a confirmed place get no invite.

The activity: Wednesdays 14:00-15:30 from 6 January to 31 March 2027, without the spring
holiday (22-26 February)."""

import datetime as dt
from email import message_from_bytes

import pytest
from django.core import mail
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from activities import lottery, services, waitlist
from activities.models import Activity, Enrolment
from notifications import ical
from notifications.models import Notification
from notifications.services import _build_message

from .. import factories
from ..clock import ENROLLING as NOW
from ..clock import FEB_1, LOCAL_TZ, at
from .helpers import deliver_outbox

pytestmark = pytest.mark.django_db

HOLIDAY = dt.date(2027, 2, 24)


def wednesdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days = []
    while first <= last:
        if first != HOLIDAY:
            days.append(first)
        first += dt.timedelta(days=7)
    return days


def make_activity(**kw) -> Activity:
    school = factories.SchoolFactory()
    factories.ClosureFactory(
        municipality=school.neighbourhood.municipality,
        name="Voorjaarsvakantie",
        start_date=dt.date(2027, 2, 20),
        end_date=dt.date(2027, 2, 28),
    )
    factory = factories.LotteryActivityFactory if kw.pop("lottery", False) else None
    factory = factory or factories.ActivityFactory
    activity = factory(school=school, venue=factories.VenueFactory(), title="Judo", **kw)
    services.occurrences_regenerate(activity=activity, today=NOW.date())
    return activity


@pytest.fixture
def activity():
    return make_activity()


def enrol(activity: Activity, now=NOW) -> Enrolment:
    child = factories.ChildFactory(school=activity.school, first_name="Noor")
    enrolment = services.enrolment_create(
        guardian=child.guardian, child=child, activity=activity, now=now
    )
    deliver_outbox(now)  # the worker writes and sends the family's message right away
    return enrolment


def invites(enrolment: Enrolment, method: str | None = None) -> list[Notification]:
    deliver_outbox()  # a new enrolment's message and invite are written when delivered
    sent = Notification.objects.filter(
        idempotency_key__startswith=f"enrolment:{enrolment.pk}:"
    ).exclude(ics="")
    return [n for n in sent.order_by("pk") if method is None or n.ics_method == method]


def vevent(notification: Notification):
    """The one VEVENT of the invite, after checking both parsers read it."""
    IcsCalendarStream.calendar_from_ics(notification.ics)
    cal = Calendar.from_ical(notification.ics)
    assert str(cal["METHOD"]) == notification.ics_method
    (event,) = cal.walk("VEVENT")
    return event


def starts(notification: Notification) -> list[dt.datetime]:
    """Every session of the invite's series, expanded by the strict parser."""
    strict = IcsCalendarStream.calendar_from_ics(notification.ics)
    return [item.dtstart for item in strict.timeline_tz(LOCAL_TZ)]


def assert_series_request(note: Notification, enrolment: Enrolment, *, sequence: int) -> None:
    assert note.ics_method == ical.REQUEST
    event = vevent(note)
    guardian = enrolment.child.guardian
    assert str(event["UID"]) == ical.uid("enrolment", enrolment.pk)
    assert int(event["SEQUENCE"]) == sequence
    assert str(event["SUMMARY"]) == "Judo (Noor)"
    assert str(event["ATTENDEE"]) == f"mailto:{guardian.email}"
    assert event["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"
    assert str(event["ORGANIZER"]) == f"mailto:{ical.organizer().email}"
    venue = enrolment.activity.venue
    assert str(event["LOCATION"]) == f"{venue.name}, {venue.address}"


# --- confirmed ------------------------------------------------------------------------------


def test_a_confirmed_place_gets_the_whole_series(activity):
    enrolment = enrol(activity)

    (note,) = invites(enrolment)
    assert note.kind == "activity:confirmed"
    assert_series_request(note, enrolment, sequence=0)
    event = vevent(note)
    assert "RRULE" in event
    assert [d.dt for d in event["EXDATE"].dts] == [at(HOLIDAY, 14)]
    expected = wednesdays(dt.date(2027, 1, 6), dt.date(2027, 3, 31))
    assert starts(note) == [at(day, 14) for day in expected]


def test_a_place_confirmed_mid_term_gets_the_sessions_still_to_come(activity):
    child = factories.ChildFactory(school=activity.school, first_name="Noor")
    staff = factories.staff(activity.school)
    enrolment = services.enrolment_place(activity=activity, child=child, placed_by=staff, now=FEB_1)

    (note,) = invites(enrolment)
    assert_series_request(note, enrolment, sequence=0)
    assert starts(note)[0] == at(dt.date(2027, 2, 3), 14)


def test_accepting_a_waiting_list_offer_sends_the_series():
    activity = make_activity(capacity=1)
    first, second = enrol(activity), enrol(activity)
    assert invites(second) == []
    services.enrolment_cancel(enrolment=first, now=NOW)
    second.refresh_from_db()
    assert second.status == Enrolment.Status.OFFERED
    assert invites(second) == []  # an offer is no invite yet

    waitlist.place_offer_accept(enrolment=second, now=NOW + dt.timedelta(hours=1))

    (note,) = invites(second)
    assert note.kind == "activity:confirmed"
    assert_series_request(note, second, sequence=0)


def test_a_lottery_place_sends_the_series_and_the_others_get_none():
    activity = make_activity(lottery=True, capacity=1)
    applied = [
        factories.EnrolmentFactory(
            activity=activity,
            child=factories.ChildFactory(school=activity.school, first_name="Noor"),
            status=Enrolment.Status.APPLIED,
        )
        for _ in range(2)
    ]
    assert not Notification.objects.exclude(ics="").exists()

    lottery.lottery_draw(round=activity.lottery_round, now=factories.CLOSES, seed=1)

    placed = Enrolment.objects.get(pk__in=[e.pk for e in applied], status="confirmed")
    waiting = Enrolment.objects.get(pk__in=[e.pk for e in applied], status="waitlisted")
    (note,) = invites(placed)
    assert_series_request(note, placed, sequence=0)
    assert starts(note)[0] == at(dt.date(2027, 2, 3), 14)  # after the draw on 1 February
    assert invites(waiting) == []


def test_waiting_and_applying_families_get_no_invite():
    activity = make_activity(capacity=1)
    enrol(activity)
    waiting = enrol(activity)
    lottery_activity = make_activity(lottery=True)
    applied = enrol(lottery_activity)

    assert invites(waiting) == [] and invites(applied) == []


def test_the_mail_is_text_html_and_calendar(activity):
    (note,) = invites(enrol(activity))

    message = _build_message(note)
    kinds = [kind for _body, kind in message.alternatives]
    assert message.body and "text/html" in kinds and "text/calendar; method=REQUEST" in kinds
    assert [(name, kind) for name, _body, kind in message.attachments] == [
        ("invite.ics", "application/ics")
    ]
    assert note.status == Notification.Status.SENT  # delivered as it was written
    parts = {
        part.get_content_type(): part
        for part in message_from_bytes(mail.outbox[-1].message().as_bytes()).walk()
    }
    assert {"text/plain", "text/html", "text/calendar", "application/ics"} <= parts.keys()
    assert parts["text/calendar"].get_param("method") == "REQUEST"


# --- changes --------------------------------------------------------------------------------


def test_a_schedule_change_sends_the_new_series_at_a_higher_sequence(activity):
    enrolment = enrol(activity)

    services.activity_update(
        activity=activity, data={"weekday": 3, "start_time": dt.time(15, 0)}, now=FEB_1
    )

    first, changed = invites(enrolment)
    assert changed.kind == "activity:schedule_changed"
    assert changed.idempotency_key == f"enrolment:{enrolment.pk}:schedule_changed:1"
    assert_series_request(changed, enrolment, sequence=1)
    assert int(vevent(changed)["SEQUENCE"]) > int(vevent(first)["SEQUENCE"])
    thursdays = [
        at(d + dt.timedelta(days=1), 15)
        for d in wednesdays(dt.date(2027, 2, 3), dt.date(2027, 3, 24))
    ]
    assert starts(changed) == thursdays
    enrolment.refresh_from_db()
    assert enrolment.calendar_sequence == 1


def test_a_second_schedule_change_sends_a_second_update(activity):
    enrolment = enrol(activity)

    services.activity_update(activity=activity, data={"weekday": 3}, now=FEB_1)
    services.activity_update(activity=activity, data={"weekday": 4}, now=FEB_1)

    assert [int(vevent(n)["SEQUENCE"]) for n in invites(enrolment, ical.REQUEST)] == [0, 1, 2]


def test_a_family_with_an_open_offer_hears_of_the_new_times_without_an_invite():
    activity = make_activity(capacity=1)
    first, second = enrol(activity), enrol(activity)
    services.enrolment_cancel(enrolment=first, now=NOW)

    services.activity_update(activity=activity, data={"weekday": 3}, now=FEB_1)

    assert Notification.objects.filter(
        kind="activity:schedule_changed", idempotency_key__startswith=f"enrolment:{second.pk}:"
    ).exists()
    assert invites(second) == []


def test_a_cancelled_session_is_a_cancel_of_that_occurrence_alone(activity):
    enrolment = enrol(activity)
    session = activity.occurrences.get(date=dt.date(2027, 2, 10))

    services.occurrence_cancel(occurrence=session, reason="Gymzaal dicht", now=FEB_1)

    (series_request,) = invites(enrolment, ical.REQUEST)
    (cancel,) = invites(enrolment, ical.CANCEL)
    assert cancel.kind == "activity:session_cancelled"
    event = vevent(cancel)
    assert str(event["UID"]) == str(vevent(series_request)["UID"])
    assert int(event["SEQUENCE"]) == 1 > int(vevent(series_request)["SEQUENCE"])
    assert event.decoded("RECURRENCE-ID") == at(dt.date(2027, 2, 10), 14)
    assert event.decoded("RECURRENCE-ID") in starts(series_request)
    assert "RRULE" not in event
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["ATTENDEE"]) == f"mailto:{enrolment.child.guardian.email}"


def test_after_a_cancelled_session_the_next_update_leaves_it_out_at_a_higher_sequence(activity):
    enrolment = enrol(activity)
    session = activity.occurrences.get(date=dt.date(2027, 2, 10))
    services.occurrence_cancel(occurrence=session, reason="Gymzaal dicht", now=FEB_1)

    services.activity_update(activity=activity, data={"end_time": dt.time(16, 0)}, now=FEB_1)

    update = invites(enrolment, ical.REQUEST)[-1]
    assert int(vevent(update)["SEQUENCE"]) == 2
    assert at(dt.date(2027, 2, 10), 14) not in starts(update)
    assert starts(update)[0] == at(dt.date(2027, 2, 3), 14)


def test_a_session_cancelled_for_a_family_with_an_offer_carries_no_invite():
    activity = make_activity(capacity=1)
    first, second = enrol(activity), enrol(activity)
    services.enrolment_cancel(enrolment=first, now=NOW)
    session = activity.occurrences.get(date=dt.date(2027, 2, 10))

    services.occurrence_cancel(occurrence=session, reason="Gymzaal dicht", now=FEB_1)

    assert Notification.objects.filter(
        kind="activity:session_cancelled", idempotency_key__startswith=f"enrolment:{second.pk}:"
    ).exists()
    assert invites(second) == []


# --- the place ends -------------------------------------------------------------------------


def test_cancelling_the_enrolment_cancels_the_series(activity):
    enrolment = enrol(activity)

    services.enrolment_cancel(enrolment=enrolment, now=FEB_1)

    (series_request,) = invites(enrolment, ical.REQUEST)
    (cancel,) = invites(enrolment, ical.CANCEL)
    assert cancel.kind == "activity:cancelled"
    event = vevent(cancel)
    assert str(event["UID"]) == ical.uid("enrolment", enrolment.pk)
    assert int(event["SEQUENCE"]) == 1 > int(vevent(series_request)["SEQUENCE"])
    assert "RECURRENCE-ID" not in event
    assert str(event["STATUS"]) == "CANCELLED"
    assert "ORGANIZER" in event and "ATTENDEE" in event


def test_cancelling_the_activity_cancels_every_series(activity):
    placed = [enrol(activity), enrol(activity)]

    services.activity_cancel(activity=activity, now=FEB_1)

    for enrolment in placed:
        (cancel,) = invites(enrolment, ical.CANCEL)
        assert cancel.kind == "activity:activity_cancelled"
        assert int(vevent(cancel)["SEQUENCE"]) == 1
        assert str(vevent(cancel)["UID"]) == ical.uid("enrolment", enrolment.pk)


def test_leaving_the_waiting_list_sends_no_cancel():
    activity = make_activity(capacity=1)
    enrol(activity)
    waiting = enrol(activity)

    services.enrolment_cancel(enrolment=waiting, now=NOW)

    assert Notification.objects.filter(
        kind="activity:cancelled", idempotency_key__startswith=f"enrolment:{waiting.pk}:"
    ).exists()
    assert invites(waiting) == []


def test_every_change_writes_its_own_mail(activity):
    enrolment = enrol(activity)
    services.activity_update(activity=activity, data={"weekday": 3}, now=FEB_1)
    session = activity.occurrences.filter(date__gt=FEB_1.date()).earliest("date")
    services.occurrence_cancel(occurrence=session, reason="Ziek", now=FEB_1)
    services.activity_update(activity=activity, data={"weekday": 4}, now=FEB_1)
    services.enrolment_cancel(enrolment=enrolment, now=FEB_1)

    sent = invites(enrolment)
    assert [(n.ics_method, int(vevent(n)["SEQUENCE"])) for n in sent] == [
        ("REQUEST", 0),
        ("REQUEST", 1),
        ("CANCEL", 2),
        ("REQUEST", 3),
        ("CANCEL", 4),
    ]
    assert len({n.idempotency_key for n in sent}) == 5

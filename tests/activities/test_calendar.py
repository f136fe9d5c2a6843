"""Activities in calendar feeds (a parent's enrolments, a school's activities) and the
reminders to parents before each session."""

import datetime as dt

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from activities import services
from activities.models import Activity, Enrolment
from notifications import ical
from notifications.calendar import events_for, feed_render
from notifications.models import Notification
from notifications.reminders import reminder_preferences_update, reminders_send_due
from tests import factories
from tests.clock import FIRST_SESSION as FIRST
from tests.clock import LOCAL_TZ

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=LOCAL_TZ)


def scheduled(activity: Activity) -> Activity:
    services.occurrences_regenerate(activity=activity, today=NOW.date())
    return activity


@pytest.fixture
def activity(school):
    factories.ClosureFactory(
        municipality=school.neighbourhood.municipality,
        name="Voorjaarsvakantie",
        start_date=dt.date(2027, 2, 13),
        end_date=dt.date(2027, 2, 21),
    )
    venue = factories.VenueFactory(
        neighbourhood=school.neighbourhood, name="jongerenHUB Poelenburg"
    )
    return scheduled(factories.ActivityFactory(school=school, venue=venue, title="Voetbal"))


@pytest.fixture
def enrolment(activity, parent, school):
    child = factories.ChildFactory(guardian=parent, school=school, first_name="Ayla")
    return factories.EnrolmentFactory(child=child, activity=activity)


def vevents(user, now=NOW):
    return Calendar.from_ical(feed_render(user, now)).walk("VEVENT")


def sent():
    return list(Notification.objects.filter(kind="reminder:parent_session").order_by("pk"))


# --- a parent's feed --------------------------------------------------------------------------


def test_a_parent_sees_one_series_per_enrolment_with_the_childs_name(enrolment, parent):
    (event,) = vevents(parent)
    assert str(event["UID"]) == ical.uid("enrolment", enrolment.pk)
    assert str(event["SUMMARY"]) == "Voetbal (Ayla)"
    assert str(event["LOCATION"]) == "jongerenHUB Poelenburg, Hubplein 2, 1506 CD Zaandam"
    assert event.decoded("DTSTART") == FIRST
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert str(event["URL"]).endswith("/activities/mine/")


def test_holidays_and_cancelled_sessions_are_left_out_of_the_series(enrolment, parent, activity):
    session = activity.occurrences.get(date=dt.date(2027, 3, 10))
    services.occurrence_cancel(occurrence=session, reason="Sportdag", now=NOW)
    (event,) = vevents(parent)
    exdates = event["EXDATE"] if isinstance(event["EXDATE"], list) else [event["EXDATE"]]
    excluded = {d.dt.date() for exdate in exdates for d in exdate.dts}
    assert excluded == {dt.date(2027, 2, 17), dt.date(2027, 3, 10)}


def test_only_confirmed_places_of_the_parents_own_children_show(activity, parent, school):
    child = factories.ChildFactory(guardian=parent, school=school)
    factories.EnrolmentFactory(child=child, activity=activity, status=Enrolment.Status.WAITLISTED)
    other = factories.ChildFactory(guardian=factories.parent(), school=school)
    factories.EnrolmentFactory(child=other, activity=activity)
    cancelled = scheduled(factories.ActivityFactory(school=school))
    factories.EnrolmentFactory(child=child, activity=cancelled)
    services.activity_cancel(activity=cancelled, now=NOW)
    assert events_for(parent, NOW) == []


def test_the_series_parses_strictly(enrolment, parent):
    text = feed_render(parent, NOW)
    calendar = IcsCalendarStream.calendar_from_ics(text)
    (event,) = calendar.events
    assert event.uid == ical.uid("enrolment", enrolment.pk)
    assert event.dtstart == FIRST


def test_a_parent_feed_costs_the_same_queries_for_one_child_or_four(
    count_queries, parent, school, activity
):
    def enrol(count):
        for _ in range(count):
            child = factories.ChildFactory(guardian=parent, school=school)
            other = scheduled(factories.ActivityFactory(school=school))
            factories.EnrolmentFactory(child=child, activity=other)

    enrol(1)
    one = count_queries(lambda: feed_render(parent, NOW))
    enrol(3)
    assert len(events_for(parent, NOW)) == 4
    assert count_queries(lambda: feed_render(parent, NOW)) == one


# --- a school's feed --------------------------------------------------------------------------


def test_staff_see_their_schools_published_activities(activity, staff, school, outsider_staff):
    factories.ActivityFactory(school=school, status=Activity.Status.DRAFT)
    (event,) = vevents(staff)
    assert str(event["UID"]) == ical.uid("activity", activity.pk)
    assert str(event["SUMMARY"]) == "Voetbal"
    assert str(event["URL"]).endswith(f"/activities/manage/{activity.pk}/")
    assert events_for(outsider_staff, NOW) == []


def test_a_staff_feed_costs_the_same_queries_for_one_activity_or_four(count_queries, staff, school):
    scheduled(factories.ActivityFactory(school=school))
    one = count_queries(lambda: feed_render(staff, NOW))
    for _ in range(3):
        scheduled(factories.ActivityFactory(school=school))
    assert len(events_for(staff, NOW)) == 4
    assert count_queries(lambda: feed_render(staff, NOW)) == one


# --- reminders ----------------------------------------------------------------------------------


def test_a_parent_hears_24_hours_before_a_session_and_not_a_minute_earlier(enrolment, parent):
    assert reminders_send_due(now=FIRST - dt.timedelta(hours=24, minutes=1)) == 0
    assert reminders_send_due(now=FIRST - dt.timedelta(hours=24)) == 1
    (reminder,) = sent()
    assert reminder.recipient == parent
    assert f":child{enrolment.child_id}:24h:20270106T1300Z:user{parent.pk}" in (
        reminder.idempotency_key
    )


def test_running_the_scan_twice_sends_once(enrolment):
    moment = FIRST - dt.timedelta(hours=3)
    assert reminders_send_due(now=moment) == 1
    assert reminders_send_due(now=moment) == 0
    assert reminders_send_due(now=moment + dt.timedelta(minutes=5)) == 0


def test_nothing_after_the_session_began(enrolment):
    assert reminders_send_due(now=FIRST) == 0
    assert reminders_send_due(now=FIRST + dt.timedelta(minutes=10)) == 0


def test_each_session_gets_its_own_reminder(enrolment):
    reminders_send_due(now=FIRST - dt.timedelta(hours=1))
    reminders_send_due(now=FIRST + dt.timedelta(days=7, hours=-1))
    assert len(sent()) == 2


def test_cancelled_sessions_and_places_get_no_reminder(enrolment, activity):
    services.occurrence_cancel(occurrence=activity.occurrences.first(), reason="Ziek", now=NOW)
    assert reminders_send_due(now=FIRST - dt.timedelta(hours=1)) == 0
    second = FIRST + dt.timedelta(days=7)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.CANCELLED)
    assert reminders_send_due(now=second - dt.timedelta(hours=1)) == 0


def test_a_parent_who_switched_session_reminders_off_gets_none(enrolment, parent):
    reminder_preferences_update(user=parent, offered=["parent_session"], enabled=[])
    assert reminders_send_due(now=FIRST - dt.timedelta(hours=1)) == 0


def test_each_child_gets_a_reminder(enrolment, parent, school, activity):
    sibling = factories.ChildFactory(guardian=parent, school=school, first_name="Sem")
    factories.EnrolmentFactory(child=sibling, activity=activity)
    assert reminders_send_due(now=FIRST - dt.timedelta(hours=1)) == 2


@pytest.mark.parametrize(
    ("language", "subject"),
    [("en", "Reminder: Voetbal on Wednesday 6 January, 14:00")],
)
def test_the_reminder_is_in_the_parents_language(enrolment, parent, language, subject):
    parent.language = language
    parent.save()
    reminders_send_due(now=FIRST - dt.timedelta(hours=1))
    (reminder,) = sent()
    assert reminder.language == language
    assert reminder.subject == subject
    assert "Ayla" in reminder.body_text and "6 January, 14:00\u201315:30" in reminder.body_text
    assert "/activities/mine/" in reminder.body_html


def test_the_reminder_uses_dutch_for_a_dutch_parent(enrolment, parent):
    parent.language = "nl"
    parent.save()
    reminders_send_due(now=FIRST - dt.timedelta(hours=1))
    (reminder,) = sent()
    assert reminder.language == "nl"
    assert "woensdag 6 januari" in reminder.subject

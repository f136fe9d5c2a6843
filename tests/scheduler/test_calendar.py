"""Visits in calendar feeds (hero, staff, coordinator) and the reminders before them.
The clock is frozen at Monday 2 November 2026 09:00; the visit is Tuesday 10 November 10:00."""

import datetime as dt

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from notifications import ical
from notifications.calendar import events_for, feed_render
from notifications.models import Notification
from notifications.reminders import reminder_preferences_update, reminders_send_due
from scheduler import services
from schools.models import StaffMembership
from tests import factories
from tests.clock import NOW, TUESDAY, at
from tests.scheduler.conftest import make_hero, make_request

pytestmark = pytest.mark.django_db

START = at(TUESDAY, 10)


def english(*users):
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def vevents(user):
    return Calendar.from_ical(feed_render(user, NOW)).walk("VEVENT")


def reminders_at(moment):
    return reminders_send_due(now=moment)


def sent(kind):
    return list(Notification.objects.filter(kind=f"reminder:{kind}").order_by("pk"))


# --- feeds ---------------------------------------------------------------------------------


def test_a_hero_sees_their_visit_with_the_school_and_its_sequence(visit, hero):
    english(hero.user)
    (event,) = vevents(hero.user)
    assert str(event["UID"]) == ical.uid("visit", visit.pk)
    assert event["SEQUENCE"] == visit.sequence
    assert str(event["SUMMARY"]) == "Local Hero visit: Zaanlands Lyceum"
    assert "Schoolstraat 1, 1506 AB Zaandam" in str(event["LOCATION"])
    assert event.decoded("DTSTART") == START
    assert str(event["URL"]).endswith("/sessions/offers/")


def test_a_visit_feed_parses_strictly(visit, hero, vo_staff, coordinator):
    for user in (hero.user, vo_staff, coordinator):
        (event,) = IcsCalendarStream.calendar_from_ics(feed_render(user, NOW)).events
        assert event.uid == ical.uid("visit", visit.pk)
        assert event.dtstart == START


def test_a_vr_session_is_named_so(vo_school, group, vo_staff, hero, kit):
    english(hero.user)
    factories.VisitFactory(
        request=make_request(vo_school, group, vo_staff, kind="vr"), hero=hero, kit=kit
    )
    (event,) = vevents(hero.user)
    assert str(event["SUMMARY"]) == "VR game session: Zaanlands Lyceum"
    assert "VR kit: Kit Noord" in str(event["DESCRIPTION"])


def test_staff_see_their_schools_visits_with_the_group_and_hero(visit, vo_staff, group):
    english(vo_staff)
    (event,) = vevents(vo_staff)
    assert str(event["SUMMARY"]) == f"Local Hero visit: Zaanlands Lyceum ({group.name})"
    assert "Local Hero: Dennis" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/sessions/{visit.request_id}/")


def test_a_coordinator_sees_the_municipalitys_visits(visit, coordinator):
    (event,) = vevents(coordinator)
    assert str(event["UID"]) == ical.uid("visit", visit.pk)
    assert str(event["URL"]).endswith("/sessions/board/")


def test_outsiders_see_nothing(visit, outsider_staff, outsider_coordinator, municipality):
    other_hero = make_hero(municipality, name="Fatima")
    for user in (outsider_staff, outsider_coordinator, other_hero.user, factories.parent()):
        assert events_for(user, NOW) == []


def test_a_person_in_two_roles_gets_the_visit_once(visit, vo_school, municipality, vo_staff):
    factories.CoordinatorMembershipFactory(user=vo_staff, municipality=municipality)
    assert [event.uid for event in events_for(vo_staff, NOW)] == [ical.uid("visit", visit.pk)]


def test_withdrawn_and_cancelled_visits_leave_the_feed(visit, hero, vo_staff, group, vo_school):
    services.visit_withdraw(visit=visit, reason="Ziek", now=NOW)
    assert events_for(hero.user, NOW) == []
    second = factories.VisitFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
    services.request_cancel(session_request=second.request, now=NOW)
    assert events_for(hero.user, NOW) == [] and events_for(vo_staff, NOW) == []


def test_visits_long_past_are_left_out(visit, hero):
    assert events_for(hero.user, START + dt.timedelta(days=80))
    assert events_for(hero.user, START + dt.timedelta(days=100)) == []


@pytest.mark.parametrize("role", ["hero", "staff", "coordinator"])
def test_a_feed_costs_the_same_queries_for_one_visit_or_five(
    role, count_queries, municipality, vo_school, vo_staff, hero, coordinator
):
    person = {"hero": hero.user, "staff": vo_staff, "coordinator": coordinator}[role]

    def add_visits(weeks):
        for week in weeks:
            group = factories.GroupFactory(school=vo_school)
            day = TUESDAY + dt.timedelta(weeks=week)
            factories.VisitFactory(
                request=make_request(vo_school, group, vo_staff, day=day), hero=hero
            )

    add_visits([0])
    one = count_queries(lambda: feed_render(person, NOW))
    add_visits([1, 2, 3, 4])
    assert len(events_for(person, NOW)) == 5
    assert count_queries(lambda: feed_render(person, NOW)) == one


# --- reminders: heroes ---------------------------------------------------------------------


def test_a_hero_hears_48_hours_before_and_not_a_minute_earlier(visit, hero):
    assert reminders_at(START - dt.timedelta(hours=48, minutes=1)) == 0
    assert reminders_at(START - dt.timedelta(hours=48)) == 1
    (reminder,) = sent("hero_visit")
    assert reminder.recipient == hero.user
    assert reminder.idempotency_key == (
        f"reminder:visit:{visit.pk}:hero:48h:20261110T0900Z:user{hero.user.pk}"
    )


def test_a_hero_hears_again_two_hours_before(visit, hero):
    reminders_at(START - dt.timedelta(hours=47))
    reminders_at(START - dt.timedelta(hours=2, minutes=1))
    assert len(sent("hero_visit")) == 1
    reminders_at(START - dt.timedelta(hours=2))
    assert [n.idempotency_key.split(":")[4] for n in sent("hero_visit")] == ["48h", "2h"]


def test_a_late_scan_sends_only_the_latest_reminder(visit):
    reminders_at(START - dt.timedelta(hours=1))
    assert [n.idempotency_key.split(":")[4] for n in sent("hero_visit")] == ["2h"]


def test_nothing_is_sent_once_the_visit_has_begun(visit):
    assert reminders_at(START) == 0
    assert reminders_at(START + dt.timedelta(minutes=30)) == 0
    assert not sent("hero_visit") and not sent("staff_visit")


def test_running_the_scan_twice_sends_once(visit):
    moment = START - dt.timedelta(hours=18)
    assert reminders_at(moment) == 2  # the hero (48 h) and the school (day before, 15:00)
    assert reminders_at(moment) == 0
    assert reminders_at(moment + dt.timedelta(minutes=5)) == 0


def test_a_cancelled_visit_gets_no_reminder(visit):
    services.visit_withdraw(visit=visit, reason="Ziek", now=NOW)
    assert reminders_at(START - dt.timedelta(hours=3)) == 0


def test_a_moved_visit_gets_a_fresh_reminder(visit, hero, vo_staff, vo_school, group):
    reminders_at(START - dt.timedelta(hours=40))
    services.visit_withdraw(visit=visit, reason="Andere tijd", now=NOW)
    later = START + dt.timedelta(hours=2)
    factories.VisitFactory(request=visit.request, hero=hero, starts_at=later)
    assert reminders_at(later - dt.timedelta(hours=40)) == 1
    assert len(sent("hero_visit")) == 2


def test_a_hero_who_switched_visit_reminders_off_gets_none(visit, hero):
    reminder_preferences_update(user=hero.user, offered=["hero_visit"], enabled=[])
    assert reminders_at(START - dt.timedelta(hours=47)) == 0


def test_the_reminder_is_in_the_heroes_language_with_the_details(visit, hero):
    english(hero.user)
    reminders_at(START - dt.timedelta(hours=47))
    (reminder,) = sent("hero_visit")
    assert reminder.language == "en"
    assert (
        reminder.subject
        == "Reminder: your visit to Zaanlands Lyceum on Tuesday 10 November at 10:00"
    )
    assert "10:00-11:00" in reminder.body_text
    assert "/sessions/offers/" in reminder.body_text and "/sessions/offers/" in reminder.body_html


# --- reminders: school staff -----------------------------------------------------------------


def test_staff_hear_from_15_00_the_day_before(visit, vo_staff):
    monday_3pm = at(TUESDAY - dt.timedelta(days=1), 15)
    reminders_at(monday_3pm - dt.timedelta(minutes=1))
    assert not sent("staff_visit")
    reminders_at(monday_3pm)
    (reminder,) = sent("staff_visit")
    assert reminder.recipient == vo_staff
    assert f"/sessions/{visit.request_id}/" in reminder.body_text


def test_the_programme_contacts_hear_when_the_requester_left(visit, vo_school, vo_staff):
    contact = factories.staff(vo_school)
    StaffMembership.objects.filter(user=contact).update(role="contact")
    factories.staff(vo_school)  # a teacher: not told
    StaffMembership.objects.filter(user=vo_staff).delete()
    reminders_at(at(TUESDAY - dt.timedelta(days=1), 16))
    assert [n.recipient for n in sent("staff_visit")] == [contact]


def test_staff_who_switched_visit_reminders_off_get_none(visit, vo_staff):
    reminder_preferences_update(user=vo_staff, offered=["staff_visit"], enabled=[])
    reminders_at(at(TUESDAY - dt.timedelta(days=1), 16))
    assert not sent("staff_visit")


def test_the_staff_reminder_speaks_the_staff_members_language(visit, vo_staff, group):
    english(vo_staff)
    reminders_at(at(TUESDAY - dt.timedelta(days=1), 16))
    (reminder,) = sent("staff_visit")
    assert reminder.subject == (
        f"Reminder: Local Hero visit with group {group.name} on Tuesday 10 November"
    )
    assert "Dennis will be there." in reminder.body_text

"""Personal calendar feeds: the source registry, the secret addresses, the .ics view with its
caching headers, the settings page that manages the address, and the calendar_feed command."""

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.http import http_date
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from activities import services as activity_services
from notifications import calendar, ical
from notifications.models import FeedToken
from tests import factories
from tests.clock import FIRST_SESSION as START
from tests.clock import LOCAL_TZ
from tests.helpers import login

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/accounts/settings/"


def event(uid, start, **kw):
    return ical.CalendarEvent(
        uid=uid, sequence=0, start=start, end=start + dt.timedelta(hours=1), summary=uid, **kw
    )


@pytest.fixture
def source(monkeypatch):
    """A feed source whose events the test sets per user."""
    events: dict[int, list] = {}
    monkeypatch.setitem(calendar._sources, "test", lambda user, now: list(events.get(user.pk, [])))
    return events


def feed_path(token: FeedToken) -> str:
    return reverse("feeds:feed", args=[token.token])


def enrol(parent, school, count=1):
    for _ in range(count):
        activity = factories.ActivityFactory(school=school, title="Voetbal")
        activity_services.occurrences_regenerate(activity=activity, today=dt.date(2026, 12, 1))
        child = factories.ChildFactory(guardian=parent, school=school, first_name="Ayla")
        factories.EnrolmentFactory(child=child, activity=activity)


# --- the registry -----------------------------------------------------------------------------


def test_events_come_sorted_by_start_and_each_uid_once(source, monkeypatch, parent):
    later, earlier = START + dt.timedelta(days=1), START
    source[parent.pk] = [event("b", later), event("a", later), event("c", earlier)]
    monkeypatch.setitem(calendar._sources, "again", lambda user, now: [event("c", earlier)])
    assert [e.uid for e in calendar.events_for(parent, START)] == ["c", "a", "b"]


def test_a_person_without_events_gets_an_empty_calendar(parent):
    text = calendar.feed_render(parent, START)
    assert "BEGIN:VCALENDAR" in text and "BEGIN:VEVENT" not in text
    IcsCalendarStream.calendar_from_ics(text)


# --- tokens -------------------------------------------------------------------------------------


def test_get_or_create_keeps_one_working_token(parent):
    first = calendar.feed_token_get_or_create(parent)
    assert calendar.feed_token_get_or_create(parent) == first
    assert len(first.token) >= 40


def test_regenerate_revokes_the_old_token(parent):
    old = calendar.feed_token_get_or_create(parent)
    new = calendar.feed_token_regenerate(parent)
    old.refresh_from_db()
    assert old.revoked_at is not None and new.revoked_at is None and new.token != old.token
    assert FeedToken.objects.filter(user=parent, revoked_at__isnull=True).count() == 1


def test_revoke_leaves_no_working_token(parent):
    calendar.feed_token_get_or_create(parent)
    assert calendar.feed_token_revoke(parent) == 1
    assert calendar.feed_token_active(parent) is None


# --- the feed view ------------------------------------------------------------------------------


def test_the_feed_is_icalendar_with_the_persons_events(client, parent, school):
    enrol(parent, school)
    token = calendar.feed_token_get_or_create(parent)
    response = client.get(feed_path(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    text = response.content.decode()
    assert [str(e["SUMMARY"]) for e in Calendar.from_ical(text).walk("VEVENT")] == [
        "Voetbal (Ayla)"
    ]
    strict = IcsCalendarStream.calendar_from_ics(text)
    assert [e.summary for e in strict.events] == ["Voetbal (Ayla)"]


def test_a_feed_with_every_kind_of_event_parses_strictly(client, source, parent):
    weekly = tuple(
        (START + dt.timedelta(weeks=w), START + dt.timedelta(weeks=w, hours=1)) for w in (0, 1, 3)
    )
    odd = (
        (START, START + dt.timedelta(hours=1)),
        (START + dt.timedelta(days=2), START + dt.timedelta(days=2, hours=1)),
    )
    source[parent.pk] = [
        event("visit-1@test", START, location="School, Straat 1", description="Groep 7\nDennis"),
        event("enrolment-2@test", START, occurrences=weekly, last_modified=START),
        event("activity-3@test", START, occurrences=odd, url="https://example.test/a/3/"),
    ]
    token = calendar.feed_token_get_or_create(parent)
    text = client.get(feed_path(token)).content.decode()
    assert len(Calendar.from_ical(text).walk("VEVENT")) == 3
    assert len(IcsCalendarStream.calendar_from_ics(text).events) == 3


@pytest.mark.parametrize("token", ["unknown-token-that-was-never-made", "x" * 80, "a.b"])
def test_an_unknown_token_gets_an_empty_404(client, token):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    assert response.content == b""
    assert "ETag" not in response and "Last-Modified" not in response


def test_a_revoked_token_gets_the_same_empty_404(client, parent, school):
    enrol(parent, school)
    token = calendar.feed_token_get_or_create(parent)
    calendar.feed_token_revoke(parent)
    response = client.get(feed_path(token))
    assert response.status_code == 404
    assert response.content == b""
    assert response["Content-Type"] == client.get("/calendar/nothing.ics")["Content-Type"]


def test_a_deactivated_persons_feed_is_gone(client, parent):
    token = calendar.feed_token_get_or_create(parent)
    parent.is_active = False
    parent.save()
    assert client.get(feed_path(token)).status_code == 404


def test_regenerating_stops_the_old_address_and_starts_the_new(client, parent):
    old = calendar.feed_token_get_or_create(parent)
    new = calendar.feed_token_regenerate(parent)
    assert client.get(feed_path(old)).status_code == 404
    assert client.get(feed_path(new)).status_code == 200


def test_the_feed_is_read_only(client, parent):
    token = calendar.feed_token_get_or_create(parent)
    assert client.post(feed_path(token)).status_code == 405
    assert client.head(feed_path(token)).status_code == 200


def test_an_unchanged_feed_answers_304_to_its_etag(client, parent, school, time_machine):
    enrol(parent, school)
    token = calendar.feed_token_get_or_create(parent)
    first = client.get(feed_path(token))
    time_machine.move_to(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=10))
    again = client.get(feed_path(token), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]


def test_an_unchanged_feed_answers_304_to_if_modified_since(client, parent, school):
    enrol(parent, school)
    token = calendar.feed_token_get_or_create(parent)
    first = client.get(feed_path(token))
    again = client.get(feed_path(token), headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304


def test_a_changed_feed_gets_a_new_etag_and_a_later_last_modified(
    client, source, parent, time_machine
):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=LOCAL_TZ), tick=False)
    source[parent.pk] = [event("a", START)]
    token = calendar.feed_token_get_or_create(parent)
    first = client.get(feed_path(token))
    assert first["Last-Modified"] == http_date(
        dt.datetime(2026, 12, 1, 9, 0, tzinfo=LOCAL_TZ).timestamp()
    )
    time_machine.move_to(dt.datetime(2026, 12, 1, 10, 0, tzinfo=LOCAL_TZ), tick=False)
    source[parent.pk] = [event("a", START + dt.timedelta(hours=1))]
    changed = client.get(
        feed_path(token),
        headers={
            "if-none-match": first["ETag"],
            "if-modified-since": first["Last-Modified"],
        },
    )
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert changed["Last-Modified"] == http_date(
        dt.datetime(2026, 12, 1, 10, 0, tzinfo=LOCAL_TZ).timestamp()
    )
    # An event leaving the feed is a change too: Last-Modified moves on, never back.
    time_machine.move_to(dt.datetime(2026, 12, 1, 11, 0, tzinfo=LOCAL_TZ), tick=False)
    source[parent.pk] = []
    gone = client.get(feed_path(token), headers={"if-modified-since": changed["Last-Modified"]})
    assert gone.status_code == 200
    assert "BEGIN:VEVENT" not in gone.content.decode()


def test_the_etag_ignores_the_timestamp_of_each_request(client, parent, school, time_machine):
    enrol(parent, school)
    token = calendar.feed_token_get_or_create(parent)
    first = client.get(feed_path(token))
    time_machine.move_to(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=1))
    second = client.get(feed_path(token))
    assert (
        re.search("DTSTAMP:(.*)", first.content.decode())[1]
        != re.search("DTSTAMP:(.*)", second.content.decode())[1]
    )
    assert second["ETag"] == first["ETag"]


def test_the_feed_costs_the_same_queries_for_one_enrolment_or_five(
    client, count_queries, parent, school
):
    token = calendar.feed_token_get_or_create(parent)
    enrol(parent, school, 1)
    client.get(feed_path(token))
    one = count_queries(lambda: client.get(feed_path(token)))
    enrol(parent, school, 4)
    client.get(feed_path(token))  # the content changed: this fetch records it
    five = count_queries(lambda: client.get(feed_path(token)))
    assert five == one
    assert client.get(feed_path(token)).content.decode().count("BEGIN:VEVENT") == 5


# --- the settings page --------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in_and_nothing_changes(client, parent):
    calendar.feed_token_get_or_create(parent)
    for action in ("feed_create", "feed_regenerate", "feed_revoke"):
        response = client.post(SETTINGS_URL, {"action": action})
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert FeedToken.objects.filter(user=parent, revoked_at__isnull=True).count() == 1
    assert client.get(SETTINGS_URL).status_code == 302


def test_the_owner_makes_an_address_and_sees_it_in_full(client, parent, settings):
    settings.SITE_URL = "https://backontrack.example"
    login(client, parent)
    html = client.get(SETTINGS_URL).content.decode()
    assert "You have no calendar address yet." in html
    response = client.post(SETTINGS_URL, {"action": "feed_create"})
    assert response.status_code == 302 and response.url.endswith("#calendar")
    token = FeedToken.objects.get(user=parent)
    html = client.get(SETTINGS_URL).content.decode()
    assert f'value="https://backontrack.example/calendar/{token.token}.ics"' in html
    assert f'href="webcal://backontrack.example/calendar/{token.token}.ics"' in html
    for words in ("Google Calendar", "Apple Calendar", "Outlook", "Copy this address"):
        assert words in html


def test_the_owner_regenerates_and_the_old_address_stops(client, parent):
    client.force_login(parent)
    client.post(SETTINGS_URL, {"action": "feed_create"})
    old = FeedToken.objects.get(user=parent)
    client.post(SETTINGS_URL, {"action": "feed_regenerate"})
    new = FeedToken.objects.get(user=parent, revoked_at__isnull=True)
    assert new.token != old.token
    html = client.get(SETTINGS_URL).content.decode()
    assert new.token in html and old.token not in html
    assert client.get(feed_path(old)).status_code == 404


def test_the_owner_stops_the_address(client, parent):
    client.force_login(parent)
    client.post(SETTINGS_URL, {"action": "feed_create"})
    token = FeedToken.objects.get(user=parent)
    client.post(SETTINGS_URL, {"action": "feed_revoke"})
    assert calendar.feed_token_active(parent) is None
    assert client.get(feed_path(token)).status_code == 404
    assert token.token not in client.get(SETTINGS_URL).content.decode()


def test_a_person_sees_only_their_own_address(client, parent):
    someone = calendar.feed_token_get_or_create(factories.parent())
    client.force_login(parent)
    assert someone.token not in client.get(SETTINGS_URL).content.decode()


def test_staff_manage_their_address_too(client, staff):
    client.force_login(staff)
    client.post(SETTINGS_URL, {"action": "feed_create"})
    assert calendar.feed_token_active(staff) is not None


# --- the command --------------------------------------------------------------------------------


def test_the_command_prints_a_persons_feed(parent, school):
    enrol(parent, school)
    out = io.StringIO()
    call_command("calendar_feed", parent.email.upper(), stdout=out)
    text = out.getvalue()
    assert text.startswith("BEGIN:VCALENDAR") and "Voetbal (Ayla)" in text


def test_the_command_refuses_an_unknown_email(db):
    with pytest.raises(CommandError, match=r"nobody@example\.test"):
        call_command("calendar_feed", "nobody@example.test")

"""The reminder scan: leads, keys, preferences, language; the periodic task; and the reminder
choices on the settings page. The domain sources are tested in tests/activities/test_calendar.py
and tests/scheduler/test_calendar.py."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from notifications import reminders
from notifications.models import Notification, ReminderPreference
from notifications.reminders import DueReminder
from notifications.tasks import send_due_reminders
from tests import factories
from tests.clock import FIRST_SESSION as START
from tests.clock import LOCAL_TZ
from tests.helpers import login

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/accounts/settings/"


@pytest.fixture
def due(monkeypatch):
    """A reminder source (kind "parent_session") that returns what the test puts in."""
    items: list[DueReminder] = []
    monkeypatch.setattr(reminders, "_sources", {})
    reminders.register_reminder_source(
        "parent_session", "Test", lambda now: list(items), role="parent"
    )
    return items


def reminder_for(user, key="reminder:session:1:child1:24h:20270106T1300Z", kind="parent_session"):
    return DueReminder(
        key=f"{key}:user{user.pk}",
        recipient=user,
        kind=kind,
        template="notifications/email/reminder_parent_session",
        context={
            "recipient": user,
            "child": {"first_name": "Ayla"},
            "activity": {"title": "Voetbal"},
            "occurrence": {"starts_at": START, "ends_at": START + dt.timedelta(hours=1)},
            "place": {"name": "jongerenHUB", "address": "Hubplein 2, 1506 CD Zaandam"},
            "url": "https://example.test/activities/mine/",
        },
    )


# --- leads --------------------------------------------------------------------------------------


def test_leads_come_from_the_settings_with_defaults(settings):
    assert reminders.leads("hero_visit") == ("48h", "2h")
    settings.REMINDER_LEADS = {"hero_visit": ["72h"]}
    assert reminders.leads("hero_visit") == ("72h",)
    assert reminders.leads("parent_session") == ("24h",)


def test_a_lead_in_hours_counts_back_from_the_start():
    assert reminders.due_from(START, "24h") == START - dt.timedelta(hours=24)


def test_a_day_before_lead_is_local_time_also_across_the_clock_change():
    # Monday 26 October 2026 09:00 is the first day of winter time; the Sunday before has 25 h.
    start = dt.datetime(2026, 10, 26, 9, 0, tzinfo=LOCAL_TZ)
    assert reminders.due_from(start, "1d@15:00") == dt.datetime(
        2026, 10, 25, 15, 0, tzinfo=LOCAL_TZ
    )


def test_a_bad_lead_is_refused():
    with pytest.raises(ValueError, match="1w"):
        reminders.due_from(START, "1w")


def test_the_due_lead_is_the_latest_that_has_come_and_none_after_the_start():
    hour = dt.timedelta(hours=1)
    assert reminders.lead_due("hero_visit", START, START - 49 * hour) is None
    assert reminders.lead_due("hero_visit", START, START - 48 * hour) == "48h"
    assert reminders.lead_due("hero_visit", START, START - 3 * hour) == "48h"
    assert reminders.lead_due("hero_visit", START, START - 2 * hour) == "2h"
    assert reminders.lead_due("hero_visit", START, START - dt.timedelta(seconds=1)) == "2h"
    assert reminders.lead_due("hero_visit", START, START) is None


def test_the_horizon_covers_every_lead():
    assert reminders.horizon("hero_visit") == dt.timedelta(hours=48)
    assert reminders.horizon("staff_visit") == dt.timedelta(days=2)


# --- the scan -----------------------------------------------------------------------------------


def test_a_due_reminder_is_written_once(due, parent):
    due.append(reminder_for(parent))
    assert reminders.reminders_send_due(now=START) == 1
    assert reminders.reminders_send_due(now=START) == 0
    (notification,) = Notification.objects.all()
    assert notification.kind == "reminder:parent_session"
    assert notification.to_email == parent.email and notification.recipient == parent


def test_a_switched_off_kind_is_not_sent_but_others_are(due, parent):
    other = factories.parent()
    reminders.reminder_preferences_update(user=parent, offered=["parent_session"], enabled=[])
    due.extend([reminder_for(parent), reminder_for(other)])
    assert reminders.reminders_send_due(now=START) == 1
    assert Notification.objects.get().recipient == other


def test_inactive_people_get_no_reminders(due, parent):
    parent.is_active = False
    parent.save()
    due.append(reminder_for(parent))
    assert reminders.reminders_send_due(now=START) == 0


@pytest.mark.parametrize(("language", "greeting"), [("en", "Hello"), ("nl", None)])
def test_the_reminder_is_written_in_the_recipients_language(due, parent, language, greeting):
    parent.language = language
    parent.save()
    due.append(reminder_for(parent))
    reminders.reminders_send_due(now=START)
    notification = Notification.objects.get()
    assert notification.language == language
    assert f'<html lang="{language}" dir="ltr">' in notification.body_html
    if greeting:
        assert notification.body_text.startswith(greeting)


def test_the_task_runs_the_scan(due, parent):
    due.append(reminder_for(parent))
    assert send_due_reminders.delay().get() == 1
    assert send_due_reminders.delay().get() == 0


def test_beat_runs_the_scan_every_five_minutes():
    entry = django_settings.CELERY_BEAT_SCHEDULE["notifications-reminders"]
    assert entry == {"task": "notifications.tasks.send_due_reminders", "schedule": 300.0}


def test_every_reminder_kind_has_a_registered_source():
    assert set(reminders._sources) == set(reminders.KINDS)


# --- preferences --------------------------------------------------------------------------------


def test_switching_one_roles_kinds_keeps_the_others(parent):
    reminders.reminder_preferences_update(user=parent, offered=["hero_visit"], enabled=[])
    reminders.reminder_preferences_update(
        user=parent, offered=["parent_session"], enabled=["parent_session"]
    )
    assert reminders.reminder_disabled_kinds(parent) == {"hero_visit"}


def test_each_role_is_offered_its_own_kinds():
    kinds = dict(reminders.reminder_kinds_for(["parent", "hero"]))
    assert set(kinds) == {"parent_session", "hero_visit"}
    assert [kind for kind, _ in reminders.reminder_kinds_for(["staff"])] == ["staff_visit"]
    assert reminders.reminder_kinds_for(["coordinator"]) == []


def test_a_parent_sees_their_reminder_choice_checked(client, parent):
    login(client, parent)
    html = client.get(SETTINGS_URL).content.decode()
    assert 'name="reminders-enabled" value="parent_session"' in html
    assert 'value="hero_visit"' not in html and 'value="staff_visit"' not in html
    assert "checked" in html.split('value="parent_session"')[1].split(">")[0]


def test_a_parent_switches_session_reminders_off_and_on(client, parent):
    client.force_login(parent)
    response = client.post(SETTINGS_URL, {"action": "reminders"})
    assert response.status_code == 302 and response.url.endswith("#reminders")
    assert ReminderPreference.objects.get(user=parent).disabled_kinds == ["parent_session"]
    client.post(SETTINGS_URL, {"action": "reminders", "reminders-enabled": ["parent_session"]})
    assert reminders.reminder_disabled_kinds(parent) == set()


def test_staff_and_heroes_see_their_own_choices(client, staff, municipality):
    client.force_login(staff)
    html = client.get(SETTINGS_URL).content.decode()
    assert 'value="staff_visit"' in html and 'value="parent_session"' not in html
    hero = factories.HeroFactory(municipality=municipality)
    client.force_login(hero.user)
    html = client.get(SETTINGS_URL).content.decode()
    assert 'value="hero_visit"' in html and 'value="staff_visit"' not in html


def test_a_coordinator_has_no_reminder_section(client, coordinator):
    client.force_login(coordinator)
    html = client.get(SETTINGS_URL).content.decode()
    assert 'id="reminders"' not in html


def test_a_kind_of_another_role_is_refused_with_the_field_named(client, parent):
    login(client, parent)
    response = client.post(
        SETTINGS_URL, {"action": "reminders", "reminders-enabled": "staff_visit"}
    )
    assert response.status_code == 200
    assert 'id="id_reminders-enabled_error"' in response.content.decode()
    assert not ReminderPreference.objects.filter(user=parent).exists()


def test_anonymous_people_cannot_change_reminders(client, parent):
    response = client.post(SETTINGS_URL, {"action": "reminders"})
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not ReminderPreference.objects.exists()

"""Reminders before sessions and visits, found by a periodic scan (no long-countdown tasks).

Domain apps register a reminder source per kind in their AppConfig.ready(): `fn(now)` returns
the `DueReminder`s that are due now. A reminder is due from (start - lead) until the start;
when an event has several leads (a hero hears 48 and 2 hours before) only the latest lead that
has come is due, so a scan that ran late sends one reminder, not two.

Every reminder's key names the object, the audience, the lead, the event's start and the
recipient: a second scan writes nothing, and a visit that moved gets a fresh reminder.
Leads come from settings.REMINDER_LEADS: "24h" (hours before the start) or "1d@15:00" (at
15:00 local time, one day before the start's date).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from core.time import LOCAL_TZ, local_datetime

from .models import Notification, ReminderPreference
from .services import notification_create_from_template, notifications_queue

# Reminders written per transaction (and so per batch of delivery tasks).
SCAN_BATCH = 100

KINDS = ("parent_session", "hero_visit", "staff_visit")
DEFAULT_LEADS: dict[str, tuple[str, ...]] = {
    "parent_session": ("24h",),
    "hero_visit": ("48h", "2h"),
    "staff_visit": ("1d@15:00",),
}
_HOURS = re.compile(r"^(\d+)h$")
_DAY_AT = re.compile(r"^(\d+)d@(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class DueReminder:
    key: str
    recipient: object  # a User
    kind: str
    template: str
    context: dict
    municipality_pk: int | None = None  # the municipality the event is in (see Notification)


@dataclass(frozen=True)
class ReminderSource:
    kind: str
    label: object  # a lazy translation: shown in the account settings
    fn: Callable[[dt.datetime], Iterable[DueReminder]]
    role: str  # which people may switch it off: "parent", "hero", "staff", "coordinator"


_sources: dict[str, ReminderSource] = {}


def register_reminder_source(kind: str, label, fn, *, role: str = "") -> None:
    """Add (or replace, so a second ready() is harmless) the source for `kind`."""
    _sources[kind] = ReminderSource(kind=kind, label=label, fn=fn, role=role)


# --- leads --------------------------------------------------------------------------------------


def leads(kind: str) -> tuple[str, ...]:
    configured = getattr(settings, "REMINDER_LEADS", None) or {}
    return tuple(configured.get(kind, DEFAULT_LEADS.get(kind, ())))


def due_from(start: dt.datetime, lead: str) -> dt.datetime:
    """When a reminder with this lead becomes due for an event at `start`."""
    if match := _HOURS.match(lead):
        return start - dt.timedelta(hours=int(match[1]))
    if match := _DAY_AT.match(lead):
        days, hour, minute = (int(part) for part in match.groups())
        day = start.astimezone(LOCAL_TZ).date() - dt.timedelta(days=days)
        return local_datetime(day, dt.time(hour, minute))
    raise ValueError(f"a reminder lead is like '24h' or '1d@15:00', not {lead!r}")


def horizon(kind: str) -> dt.timedelta:
    """How far ahead a source must look: the longest a reminder of this kind can come early."""
    longest = dt.timedelta(0)
    for lead in leads(kind):
        if match := _HOURS.match(lead):
            longest = max(longest, dt.timedelta(hours=int(match[1])))
        elif match := _DAY_AT.match(lead):
            longest = max(longest, dt.timedelta(days=int(match[1]) + 1))
    return longest


def lead_due(kind: str, start: dt.datetime, now: dt.datetime) -> str | None:
    """The lead whose reminder is due now for an event at `start`, or None (too early, or
    the event has begun)."""
    if now >= start:
        return None
    come = [(due_from(start, lead), lead) for lead in leads(kind)]
    come = [pair for pair in come if pair[0] <= now]
    return max(come)[1] if come else None


def reminder_key(*, what: str, pk: int, audience: str, lead: str, start: dt.datetime, user) -> str:
    """e.g. "reminder:visit:12:hero:48h:20261110T0900Z:user7"."""
    when = start.astimezone(dt.UTC).strftime("%Y%m%dT%H%MZ")
    tag = lead.replace(":", "")
    return f"reminder:{what}:{pk}:{audience}:{tag}:{when}:user{user.pk}"


# --- the scan -----------------------------------------------------------------------------------


def reminders_due(*, now: dt.datetime) -> list[DueReminder]:
    return [reminder for source in _sources.values() for reminder in source.fn(now)]


def reminders_send_due(*, now: dt.datetime) -> int:
    """Write every due reminder that is not written yet and that its recipient wants, in the
    recipient's language. Returns how many were newly written."""
    due = reminders_due(now=now)
    if not due:
        return 0
    disabled = dict(
        ReminderPreference.objects.filter(
            user_id__in={reminder.recipient.pk for reminder in due}
        ).values_list("user_id", "disabled_kinds")
    )
    # Skip rendering what an earlier scan already wrote; the unique key is the real guard.
    written = set(
        Notification.objects.filter(
            idempotency_key__in=[reminder.key for reminder in due]
        ).values_list("idempotency_key", flat=True)
    )
    wanted = [
        reminder
        for reminder in due
        if reminder.key not in written
        and reminder.kind not in disabled.get(reminder.recipient.pk, ())
        and reminder.recipient.email
        and reminder.recipient.is_active
    ]
    created = 0
    # A batch per transaction and per delivery task: one commit and one Celery round trip
    # for many reminders. Duplicate keys within a scan are caught by get_or_create.
    for start in range(0, len(wanted), SCAN_BATCH):
        with transaction.atomic():
            ids = []
            for reminder in wanted[start : start + SCAN_BATCH]:
                notification, new = notification_create_from_template(
                    template=reminder.template,
                    context=reminder.context,
                    to_email=reminder.recipient.email,
                    recipient=reminder.recipient,
                    kind=f"reminder:{reminder.kind}",
                    idempotency_key=reminder.key,
                    municipality_pk=reminder.municipality_pk,
                    queue=False,
                )
                if new:
                    ids.append(notification.pk)
            notifications_queue(ids)
        created += len(ids)
    return created


# --- preferences --------------------------------------------------------------------------------


def reminder_kinds_for(role_names: Iterable[str]) -> list[tuple[str, object]]:
    """(kind, label) of the reminders a person with these roles may get."""
    roles = set(role_names)
    return [(source.kind, source.label) for source in _sources.values() if source.role in roles]


def reminder_disabled_kinds(user) -> set[str]:
    preference = ReminderPreference.objects.filter(user=user).first()
    return set(preference.disabled_kinds) if preference else set()


def reminder_preferences_update(*, user, offered: Iterable[str], enabled: Iterable[str]) -> None:
    """Switch the `offered` kinds on or off as chosen; kinds not offered (another role's)
    keep their setting."""
    offered, enabled = set(offered), set(enabled)
    disabled = (reminder_disabled_kinds(user) - offered) | (offered - enabled)
    ReminderPreference.objects.update_or_create(
        user=user, defaults={"disabled_kinds": sorted(disabled)}
    )

"""Visits in personal calendar feeds, and reminders before them.

Registered with notifications in SchedulerConfig.ready(). A visit is one event with a stable
UID ("visit-<pk>") and its SEQUENCE, so it matches the invites. The hero sees their own
visits, staff the visits to their schools, coordinators those in their municipality.
`visit_event` builds the event for both the feeds and the invites (`visit_invite`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.urls import absolute_url
from notifications import ical, reminders
from notifications.calendar import feed_since, register_feed_source
from schools.models import CoordinatorMembership, StaffMembership

from .models import SessionRequest, Visit

TAKES_PLACE = (SessionRequest.Status.CONFIRMED, SessionRequest.Status.DONE)


def visit_event(visit: Visit, *, audience: str) -> ical.CalendarEvent:
    """The visit as the hero ("hero"), school staff ("staff") or a coordinator sees it, in
    the active language."""
    session_request = visit.request
    school = session_request.school
    names = {
        "kind": session_request.get_kind_display(),
        "school": school.name,
        "group": session_request.group.name,
    }
    if audience == "hero":
        summary = _("%(kind)s: %(school)s") % names
        url = absolute_url("scheduler:hero-offers")
    else:
        summary = _("%(kind)s: %(school)s (%(group)s)") % names
        url = (
            absolute_url("scheduler:request-detail", session_request.pk)
            if audience == "staff"
            else absolute_url("scheduler:board")
        )
    lines = [
        _("Group: %(group)s") % names,
        _("Local Hero: %(hero)s") % {"hero": visit.hero.display_name},
    ]
    if session_request.topic_id is not None:
        lines.append(_("Topic: %(topic)s") % {"topic": session_request.topic.name})
    if visit.kit is not None:
        lines.append(_("VR kit: %(kit)s") % {"kit": visit.kit.name})
    return ical.CalendarEvent(
        uid=ical.uid("visit", visit.pk),
        sequence=visit.sequence,
        start=visit.starts_at,
        end=visit.ends_at,
        summary=summary,
        location=f"{school.name}, {school.address}",
        description="\n".join(lines),
        url=url,
        last_modified=visit.updated_at,
    )


def visit_invite(visit: Visit, method: str, *, user, audience: str, now: dt.datetime) -> dict:
    """The calendar part (`ics`, `ics_method`) of a mail to `user` about the visit: a REQUEST
    at the visit's sequence, or its CANCEL, in the recipient's language. Only the recipient
    is an attendee; they answered in the app already, so the calendar asks for no reply."""
    with translation.override(user.language):
        event = visit_event(visit, audience=audience)
    attendee = ical.Person(user.email, user.get_full_name(), rsvp=False)
    text = ical.invite(method, event, organizer=ical.organizer(), attendees=[attendee], stamp=now)
    return {"ics": text, "ics_method": method}


def feed_events(user, now: dt.datetime):
    """Every confirmed visit the person takes part in or looks after, in one query."""
    visits = (
        Visit.objects.filter(
            Q(hero__user=user)
            | Q(
                request__school_id__in=StaffMembership.objects.filter(user=user).values("school_id")
            )
            | Q(
                request__school__neighbourhood__municipality_id__in=CoordinatorMembership.objects.filter(
                    user=user
                ).values("municipality_id")
            ),
            status=Visit.Status.CONFIRMED,
            request__status__in=TAKES_PLACE,
            ends_at__gte=feed_since(now),
        )
        .annotate(
            as_staff=Exists(
                StaffMembership.objects.filter(user=user, school_id=OuterRef("request__school_id"))
            )
        )
        .select_related("request__school", "request__group", "request__topic", "hero", "kit")
        .order_by("starts_at", "pk")
    )
    for visit in visits:
        if visit.hero.user_id == user.pk:
            audience = "hero"
        else:
            audience = "staff" if visit.as_staff else "coordinator"
        yield visit_event(visit, audience=audience)


def _coming(kind: str, now: dt.datetime):
    return (
        Visit.objects.filter(
            status=Visit.Status.CONFIRMED,
            request__status=SessionRequest.Status.CONFIRMED,
            starts_at__gt=now,
            starts_at__lte=now + reminders.horizon(kind),
        )
        .select_related(
            "request__school__neighbourhood", "request__group", "request__topic", "hero", "kit"
        )
        .order_by("starts_at", "pk")
    )


def _reminder(visit, *, kind: str, audience: str, lead: str, user, url: str):
    return reminders.DueReminder(
        key=reminders.reminder_key(
            what="visit",
            pk=visit.pk,
            audience=audience,
            lead=lead,
            start=visit.starts_at,
            user=user,
        ),
        recipient=user,
        kind=kind,
        template=f"notifications/email/reminder_{kind}",
        context={
            "recipient": user,
            "visit": visit,
            "session_request": visit.request,
            "school": visit.request.school,
            "url": url,
        },
        municipality_pk=visit.request.school.municipality_id,
    )


def due_hero_reminders(now: dt.datetime):
    """The hero, 48 and 2 hours before each confirmed visit."""
    url = absolute_url("scheduler:hero-offers")
    for visit in _coming("hero_visit", now).select_related("hero__user"):
        lead = reminders.lead_due("hero_visit", visit.starts_at, now)
        if lead is not None:
            user = visit.hero.user
            yield _reminder(
                visit, kind="hero_visit", audience="hero", lead=lead, user=user, url=url
            )


def _school_people(visit: Visit) -> list:
    """Who asked for the visit; the school's programme contacts when that person has left."""
    session_request = visit.request
    school = session_request.school
    members = {membership.user_id: membership for membership in school.memberships}
    if session_request.requested_by_id in members:
        return [members[session_request.requested_by_id].user]
    return [m.user for m in school.memberships if m.role == StaffMembership.Role.CONTACT]


def due_staff_reminders(now: dt.datetime):
    """The school, at 15:00 on the day before each confirmed visit."""
    visits = _coming("staff_visit", now).prefetch_related(
        Prefetch(
            "request__school__staff",
            queryset=StaffMembership.objects.select_related("user").order_by("pk"),
            to_attr="memberships",
        )
    )
    for visit in visits:
        lead = reminders.lead_due("staff_visit", visit.starts_at, now)
        if lead is None:
            continue
        url = absolute_url("scheduler:request-detail", visit.request_id)
        for user in _school_people(visit):
            yield _reminder(
                visit, kind="staff_visit", audience="staff", lead=lead, user=user, url=url
            )


def register() -> None:
    register_feed_source("scheduler", feed_events)
    reminders.register_reminder_source(
        "hero_visit",
        gettext_lazy("Before each of my visits as a Local Hero"),
        due_hero_reminders,
        role="hero",
    )
    reminders.register_reminder_source(
        "staff_visit",
        gettext_lazy("The day before a Local Hero or VR visit to my school"),
        due_staff_reminders,
        role="staff",
    )

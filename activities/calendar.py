"""Activities in personal calendar feeds, and reminders before sessions.

Registered with notifications in ActivitiesConfig.ready(). An enrolment is one event: the
series of its activity's sessions (one UID per enrolment, as in the invites), without the
cancelled sessions; staff see each published activity of their schools as one series.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.urls import absolute_url
from notifications import ical, reminders
from notifications.calendar import feed_since, register_feed_source
from schools.models import StaffMembership

from .models import Activity, Enrolment, Occurrence


def _place(activity: Activity) -> str:
    place = activity.place
    return f"{place.name}, {place.address}"


def _series(activity: Activity, sessions, **fields) -> ical.CalendarEvent | None:
    """One event for the sessions that still take place; None when there are none."""
    times = tuple((session.starts_at, session.ends_at) for session in sessions)
    if not times:
        return None
    return ical.CalendarEvent(
        start=times[0][0],
        end=times[0][1],
        occurrences=times,
        location=_place(activity),
        last_modified=activity.updated_at,
        **fields,
    )


def _enrolment_description(enrolment: Enrolment) -> str:
    """The school's description, then what to bring, what to do when the child cannot come
    and where the enrolments are, in the active language."""
    activity = enrolment.activity
    lines = [activity.description.strip()]
    if activity.bring:
        # Not inside an f-string: gettext's extractor does not read those.
        lines.append(_("What to bring:") + " " + activity.bring)
    lines.append(
        _("Can %(child)s not come? Report it on the website before the session starts.")
        % {"child": enrolment.child.first_name}
    )
    # Not every calendar shows the URL field; the description is read everywhere.
    lines.append(_("See all enrolments of your children") + ": " + _my_enrolments_url())
    return "\n".join(line for line in lines if line)


def _my_enrolments_url() -> str:
    return absolute_url("activities:my_enrolments")


def enrolment_event(enrolment: Enrolment, sessions, *, sequence: int):
    """A child's place in an activity as a series, summary "<activity> (<first name>)", in
    the active language (the invites' and the feed's reader's).

    `sequence` is the enrolment's `calendar_sequence` for the invites and the feed alike: a
    calendar that got an invite at a higher SEQUENCE ignores a feed event at a lower one."""
    activity = enrolment.activity
    return _series(
        activity,
        sessions,
        uid=ical.uid("enrolment", enrolment.pk),
        sequence=sequence,
        summary=_("%(activity)s (%(child)s)")
        % {"activity": activity.title, "child": enrolment.child.first_name},
        description=_enrolment_description(enrolment),
        url=_my_enrolments_url(),
    )


def enrolment_session_event(enrolment: Enrolment, session: Occurrence, *, sequence: int):
    """One session of the enrolment's series, named by the start it has in the series
    (RECURRENCE-ID): what a CANCEL of that session alone carries."""
    event = enrolment_event(enrolment, [session], sequence=sequence)
    return dataclasses.replace(event, recurrence_id=session.starts_at)


def future_sessions(activity: Activity, now: dt.datetime) -> list[Occurrence]:
    """The sessions still to come (not yet ended, not cancelled): the series of an invite."""
    return list(
        activity.occurrences.filter(cancelled_at=None, ends_at__gt=now).order_by("starts_at")
    )


def activity_event(activity: Activity, sessions):
    """A published activity as a series, for the staff of its school."""
    return _series(
        activity,
        sessions,
        uid=ical.uid("activity", activity.pk),
        sequence=0,
        summary=activity.title,
        description=activity.description,
        url=absolute_url("activities:staff_detail", activity.pk),
    )


def _sessions(prefix: str, since: dt.datetime) -> Prefetch:
    return Prefetch(
        f"{prefix}occurrences",
        queryset=Occurrence.objects.filter(cancelled_at=None, ends_at__gte=since).order_by(
            "starts_at"
        ),
        to_attr="feed_sessions",
    )


def feed_events(user, now: dt.datetime):
    """A parent's children's confirmed places, and the activities of a staff member's schools:
    four queries at most, however many there are."""
    since = feed_since(now)
    enrolments = (
        Enrolment.objects.filter(
            child__guardian=user,
            status=Enrolment.Status.CONFIRMED,
            activity__status=Activity.Status.PUBLISHED,
        )
        .select_related("child", "activity__school", "activity__venue")
        .prefetch_related(_sessions("activity__", since))
        .order_by("pk")
    )
    for enrolment in enrolments:
        sessions = enrolment.activity.feed_sessions
        if event := enrolment_event(enrolment, sessions, sequence=enrolment.calendar_sequence):
            yield event
    activities = (
        Activity.objects.filter(
            status=Activity.Status.PUBLISHED,
            school_id__in=StaffMembership.objects.filter(user=user).values("school_id"),
            last_date__gte=since.date(),
        )
        .select_related("school", "venue")
        .prefetch_related(_sessions("", since))
        .order_by("pk")
    )
    for activity in activities:
        if event := activity_event(activity, activity.feed_sessions):
            yield event


def due_session_reminders(now: dt.datetime):
    """Guardians of children with a confirmed place, before each session that takes place."""
    occurrences = (
        Occurrence.objects.filter(
            cancelled_at=None,
            activity__status=Activity.Status.PUBLISHED,
            starts_at__gt=now,
            starts_at__lte=now + reminders.horizon("parent_session"),
        )
        .select_related("activity__school__neighbourhood", "activity__venue")
        .prefetch_related(
            Prefetch(
                "activity__enrolments",
                queryset=Enrolment.objects.filter(status=Enrolment.Status.CONFIRMED)
                .select_related("child__guardian")
                .order_by("pk"),
                to_attr="confirmed",
            )
        )
        .order_by("starts_at", "pk")
    )
    url = absolute_url("activities:my_enrolments")
    for occurrence in occurrences:
        lead = reminders.lead_due("parent_session", occurrence.starts_at, now)
        if lead is None:
            continue
        activity = occurrence.activity
        for enrolment in activity.confirmed:
            guardian = enrolment.child.guardian
            yield reminders.DueReminder(
                key=reminders.reminder_key(
                    what="session",
                    pk=occurrence.pk,
                    audience=f"child{enrolment.child_id}",
                    lead=lead,
                    start=occurrence.starts_at,
                    user=guardian,
                ),
                recipient=guardian,
                kind="parent_session",
                template="notifications/email/reminder_parent_session",
                context={
                    "recipient": guardian,
                    "child": enrolment.child,
                    "activity": activity,
                    "occurrence": occurrence,
                    "place": activity.place,
                    "url": url,
                    "absence_url": absolute_url(
                        "activities:my_absence_report", enrolment.pk, occurrence.pk
                    ),
                },
                municipality_pk=activity.school.municipality_id,
            )


def register() -> None:
    register_feed_source("activities", feed_events)
    reminders.register_reminder_source(
        "parent_session",
        gettext_lazy("Before each session of my child's activity"),
        due_session_reminders,
        role="parent",
    )

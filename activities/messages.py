"""What families are told, through the notifications outbox, in their own language.

Each message has a key made of the enrolment (or session) and the event, so telling a family
twice about the same thing writes one row.

A confirmed place comes with a calendar invite (RFC 5546) for the series of the activity's
sessions still to come, one UID per enrolment (the same the feed uses). Every later change to
it raises the enrolment's `calendar_sequence` and sends the change: a new series
(METHOD:REQUEST), one session off (METHOD:CANCEL with its RECURRENCE-ID), or the end of the
place (METHOD:CANCEL of the series). Families without a confirmed place get no invite.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone, translation

from core.urls import absolute_url
from notifications import composers, ical
from notifications.services import (
    notification_create_from_template,
    notification_create_later,
    render_message,
)

from .calendar import enrolment_event, enrolment_session_event, future_sessions
from .models import Enrolment, Occurrence

FAMILY_TEMPLATE = "activities/email/family"
ENROLLED = "activities.enrolled"
ENROLLED_EVENTS = {
    Enrolment.Status.CONFIRMED: "confirmed",
    Enrolment.Status.WAITLISTED: "waitlisted",
    Enrolment.Status.APPLIED: "applied",
}

# Events a family hears about, each rendered by templates/activities/email/family_*.
EVENTS = {
    "confirmed",
    "waitlisted",
    "applied",
    "offered",
    "offer_expired",
    "not_placed",
    "cancelled",
    "activity_cancelled",
    "schedule_changed",
    "session_cancelled",
}


def tell_family(
    *,
    enrolment: Enrolment,
    event: str,
    key_suffix: str = "",
    ics: str = "",
    ics_method: str = "",
    **context,
) -> None:
    """One message to the child's guardian; `ics`/`ics_method` add a calendar invite."""
    if event not in EVENTS:
        raise ValueError(f"unknown family event {event!r}")
    guardian = enrolment.child.guardian
    notification_create_from_template(
        template=FAMILY_TEMPLATE,
        context=_family_context(enrolment, event, **context),
        to_email=guardian.email,
        recipient=guardian,
        kind=f"activity:{event}",
        idempotency_key=f"enrolment:{enrolment.pk}:{event}{key_suffix}",
        ics=ics,
        ics_method=ics_method,
        municipality_pk=enrolment.activity.school.municipality_id,
    )


def _family_context(enrolment: Enrolment, event: str, **context) -> dict:
    return {
        "event": event,
        "enrolment": enrolment,
        "child": enrolment.child,
        "activity": enrolment.activity,
        "guardian": enrolment.child.guardian,
        "url": absolute_url("activities:my_enrolments"),
        "browse_url": absolute_url("activities:browse"),
        **context,
    }


def tell_family_enrolled(*, enrolment: Enrolment, now: dt.datetime, position: int | None) -> None:
    """A new enrolment is confirmed (with the invite for the series), waitlisted or applied
    for: the message is written when it is delivered (`write_enrolled`), so a rush of parents
    renders no template while holding the activity's lock. Its key is new: the enrolment was
    made in this transaction."""
    guardian = enrolment.child.guardian
    event = ENROLLED_EVENTS[enrolment.status]
    notification_create_later(
        compose=ENROLLED,
        args={
            "enrolment": enrolment.pk,
            "event": event,
            "position": position,
            "now": now.isoformat(),
            "sequence": enrolment.calendar_sequence,
        },
        to_email=guardian.email,
        recipient=guardian,
        kind=f"activity:{event}",
        idempotency_key=f"enrolment:{enrolment.pk}:{event}",
        municipality_pk=enrolment.activity.school.municipality_id,
    )


@composers.register(ENROLLED)
def write_enrolled(args: dict, language: str) -> composers.Written | None:
    """The message tell_family_enrolled queued: the waiting-list position as it was at
    enrolment, the invite's sessions from that moment on. None when the child was erased
    meanwhile (the enrolment stays, anonymous, without its guardian)."""
    enrolment = (
        Enrolment.objects.select_related(
            "child__guardian", "activity__school__neighbourhood", "activity__venue"
        )
        .filter(pk=args["enrolment"])
        .first()
    )
    if enrolment is None or enrolment.child.guardian_id is None:
        return None
    enrolment.calendar_sequence = args["sequence"]
    invite = {}
    if args["event"] == "confirmed":
        invite = series_invite(enrolment, ical.REQUEST, now=dt.datetime.fromisoformat(args["now"]))
    context = _family_context(enrolment, args["event"], position=args["position"])
    return render_message(FAMILY_TEMPLATE, context, language, **invite)


# Invites


def _language(enrolment: Enrolment) -> str:
    """The guardian's: the invite's summary and description are in the mail's language."""
    return enrolment.child.guardian.language or "nl"


def _invite(enrolment: Enrolment, method: str, event, now: dt.datetime) -> dict:
    guardian = enrolment.child.guardian
    attendee = ical.Person(guardian.email, guardian.get_full_name(), rsvp=False)
    text = ical.invite(method, event, organizer=ical.organizer(), attendees=[attendee], stamp=now)
    return {"ics": text, "ics_method": method}


def series_invite(enrolment: Enrolment, method: str, *, now: dt.datetime, sessions=None) -> dict:
    """The calendar part (`ics`, `ics_method`) of a mail about the whole series, at the
    enrolment's current sequence; empty when no session lies ahead. Pass `sessions` (the
    activity's future sessions) when telling many families of one activity."""
    if sessions is None:
        sessions = future_sessions(enrolment.activity, now)
    with translation.override(_language(enrolment)):
        event = enrolment_event(enrolment, sessions, sequence=enrolment.calendar_sequence)
    return {} if event is None else _invite(enrolment, method, event, now)


def raise_calendar_sequence(enrolments) -> None:
    """Raise the invite's SEQUENCE of each enrolment, in the database and on the objects.

    The UPDATE locks the rows until the transaction ends, so reading them back gives this
    change's number even when another change to the same enrolments runs at the same time."""
    enrolments = list(enrolments)
    pks = [enrolment.pk for enrolment in enrolments]
    Enrolment.objects.filter(pk__in=pks).update(calendar_sequence=F("calendar_sequence") + 1)
    fresh = dict(Enrolment.objects.filter(pk__in=pks).values_list("pk", "calendar_sequence"))
    for enrolment in enrolments:
        enrolment.calendar_sequence = fresh[enrolment.pk]


# What the services call


def tell_family_confirmed(
    *, enrolment: Enrolment, now: dt.datetime, sessions=None, **context
) -> None:
    """The place is confirmed: the message with the invite for the series (REQUEST)."""
    invite = series_invite(enrolment, ical.REQUEST, now=now, sessions=sessions)
    tell_family(enrolment=enrolment, event="confirmed", **invite, **context)


def tell_family_ended(
    *, enrolment: Enrolment, event: str, had_place: bool, now: dt.datetime
) -> None:
    """The enrolment ended ("cancelled", "activity_cancelled"). A family that had a
    confirmed place, and so the invite, also gets its CANCEL at a higher sequence."""
    invite = {}
    if had_place:
        raise_calendar_sequence([enrolment])
        invite = series_invite(enrolment, ical.CANCEL, now=now)
    tell_family(enrolment=enrolment, event=event, **invite)


def tell_families_schedule_changed(*, enrolments, now: dt.datetime) -> None:
    """New times for families with a place (or an offer of one): a confirmed place gets
    the new series as a REQUEST at a higher sequence, which replaces the old one."""
    enrolments = list(enrolments)
    if not enrolments:
        return
    raise_calendar_sequence(enrolments)
    sessions = future_sessions(enrolments[0].activity, now)
    for enrolment in enrolments:
        invite = {}
        if enrolment.status == Enrolment.Status.CONFIRMED:
            invite = series_invite(enrolment, ical.REQUEST, now=now, sessions=sessions)
        tell_family(
            enrolment=enrolment,
            event="schedule_changed",
            key_suffix=f":{enrolment.calendar_sequence}",
            **invite,
        )


def tell_families_session_cancelled(
    *, occurrence: Occurrence, now: dt.datetime | None = None
) -> None:
    """One session is off. Confirmed places get a CANCEL of that session alone (its
    RECURRENCE-ID); the series' sequence rises with it (RFC 5546, 2.1.4)."""
    now = now or timezone.now()
    enrolments = list(
        occurrence.activity.enrolments.filter(status__in=Enrolment.HOLDS_SEAT).select_related(
            "child__guardian", "activity__school", "activity__venue"
        )
    )
    confirmed = [e for e in enrolments if e.status == Enrolment.Status.CONFIRMED]
    if confirmed:
        raise_calendar_sequence(confirmed)
    for enrolment in enrolments:
        invite = {}
        if enrolment.status == Enrolment.Status.CONFIRMED:
            with translation.override(_language(enrolment)):
                event = enrolment_session_event(
                    enrolment, occurrence, sequence=enrolment.calendar_sequence
                )
            invite = _invite(enrolment, ical.CANCEL, event, now)
        tell_family(
            enrolment=enrolment,
            event="session_cancelled",
            key_suffix=f":{occurrence.pk}",
            occurrence=occurrence,
            **invite,
        )

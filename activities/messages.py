"""What families are told, through the notifications outbox, in their own language.

Each message has a key made of the enrolment (or session) and the event, so telling a family
twice about the same thing writes one row.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from notifications.services import notification_create_from_template

from .models import Enrolment, Occurrence

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


def tell_family(*, enrolment: Enrolment, event: str, key_suffix: str = "", **context) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown family event {event!r}")
    guardian = enrolment.child.guardian
    notification_create_from_template(
        template="activities/email/family",
        context={
            "event": event,
            "enrolment": enrolment,
            "child": enrolment.child,
            "activity": enrolment.activity,
            "guardian": guardian,
            "url": settings.SITE_URL + reverse("activities:my_enrolments"),
            **context,
        },
        to_email=guardian.email,
        recipient=guardian,
        kind=f"activity:{event}",
        idempotency_key=f"enrolment:{enrolment.pk}:{event}{key_suffix}",
    )


def tell_families_session_cancelled(*, occurrence: Occurrence) -> None:
    enrolments = occurrence.activity.enrolments.filter(
        status__in=Enrolment.HOLDS_SEAT
    ).select_related("child__guardian", "activity")
    for enrolment in enrolments:
        tell_family(
            enrolment=enrolment,
            event="session_cancelled",
            key_suffix=f":{occurrence.pk}",
            occurrence=occurrence,
        )

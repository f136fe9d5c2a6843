"""What a hero and a school hear about offers and visits, through the outbox, each message
about a visit with its calendar invite."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.urls import absolute_url
from notifications import composers, ical
from notifications.services import (
    notification_create_from_template,
    notifications_create_later,
    render_message,
)

from ..calendar import visit_invite
from ..models import Offer, Visit

# The calendar invite (RFC 5546) each message about a visit carries: UID "visit-<pk>", the
# visit's sequence (raised when it is cancelled).
INVITES = {
    "visit_confirmed": ical.REQUEST,
    "visit_cancelled": ical.CANCEL,
    "visit_withdrawn": ical.CANCEL,
}


def _invite(visit: Visit | None, what: str, *, user, audience: str, now) -> dict:
    if visit is None or what not in INVITES:
        return {}
    return visit_invite(
        visit, INVITES[what], user=user, audience=audience, now=now or timezone.now()
    )


def tell_hero(
    offer: Offer,
    what: str,
    *,
    reason: str = "",
    visit: Visit | None = None,
    now: dt.datetime | None = None,
) -> None:
    user = offer.hero.user
    key = (
        f"offer:{offer.pk}:{what}" if visit is None else f"visit:{visit.pk}:{what}:{visit.sequence}"
    )
    notification_create_from_template(
        template=f"scheduler/email/hero_{what}",
        context={
            "recipient": user,
            "offer": offer,
            "visit": visit,
            "session_request": offer.request,
            "reason": reason,
            "url": absolute_url("scheduler:hero-offers"),
        },
        to_email=user.email,
        recipient=user,
        kind=f"scheduler:{what}",
        idempotency_key=key,
        municipality_pk=offer.hero.municipality_id,
        **_invite(visit, what, user=user, audience="hero", now=now),
    )


OFFER_NEW = "scheduler.offer_new"


def tell_heroes_offered(offers: list[Offer]) -> None:
    """What tell_hero(offer, "offer_new") says, for a matching run's many new offers: one
    INSERT for all, each message written at delivery (write_offer_new), so the run's
    transaction renders no template."""
    notifications_create_later(
        [
            {
                "compose": OFFER_NEW,
                "args": {"offer": offer.pk},
                "to_email": offer.hero.user.email,
                "recipient": offer.hero.user,
                "kind": "scheduler:offer_new",
                "idempotency_key": f"offer:{offer.pk}:offer_new",
                "municipality_pk": offer.hero.municipality_id,
            }
            for offer in offers
        ]
    )


@composers.register(OFFER_NEW)
def write_offer_new(args: dict, language: str) -> composers.Written | None:
    """The message tell_heroes_offered queued, from the same template and context as
    tell_hero's. None when the offer is gone (its request was deleted)."""
    offer = (
        Offer.objects.select_related(
            "hero__user", "kit", "request__school", "request__group", "request__topic"
        )
        .filter(pk=args["offer"])
        .first()
    )
    if offer is None:
        return None
    user = offer.hero.user
    context = {
        "recipient": user,
        "offer": offer,
        "visit": None,
        "session_request": offer.request,
        "reason": "",
        "url": absolute_url("scheduler:hero-offers"),
    }
    return render_message("scheduler/email/hero_offer_new", context, language)


def tell_school(visit: Visit, what: str, *, now: dt.datetime | None = None) -> None:
    """The staff member who asked, or (when they left) the school's programme contacts."""
    session_request = visit.request
    users = [session_request.requested_by] if session_request.requested_by_id else []
    if not users:
        contacts = session_request.school.staff.select_related("user").filter(role="contact")
        users = [m.user for m in contacts]
    for user in users:
        notification_create_from_template(
            template=f"scheduler/email/school_{what}",
            context={
                "recipient": user,
                "visit": visit,
                "session_request": session_request,
                "url": absolute_url("scheduler:request-detail", session_request.pk),
            },
            to_email=user.email,
            recipient=user,
            kind=f"scheduler:school_{what}",
            municipality_pk=session_request.school.municipality_id,
            idempotency_key=f"visit:{visit.pk}:school_{what}:{visit.sequence}:{user.pk}",
            **_invite(visit, what, user=user, audience="staff", now=now),
        )

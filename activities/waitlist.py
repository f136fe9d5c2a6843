"""The waiting list: a freed place becomes an offer to the head of the list, which the family
accepts, declines or lets expire; then the next child gets it.

Every function here runs with the activity's row lock held (taken by the caller or here), so
offers and new enrolments never hand out the same place twice.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from core.locking import lock, locking

from . import errors, messages
from .models import Activity, Enrolment


def waiting_list(activity: Activity):
    return Enrolment.objects.filter(activity=activity, status=Enrolment.Status.WAITLISTED).order_by(
        "priority_tier", "applied_at", "pk"
    )


def waitlist_advance(*, activity: Activity, now: dt.datetime) -> list[Enrolment]:
    """Offer free places down the waiting list. Siblings who applied together are offered
    together; when too few places are free for them, the next child in line goes first.
    The caller holds the activity's lock."""
    activity.refresh_from_db(fields=["seats_taken", "capacity", "offer_hours", "status"])
    if activity.status != Activity.Status.PUBLISHED:
        return []
    free = activity.places_left
    if free <= 0:
        return []  # nothing to offer: the list is not read (in a rush it is long)
    offered: list[Enrolment] = []
    seen_groups = set()
    for enrolment in waiting_list(activity).select_related("child__guardian", "activity"):
        if free == 0:
            break
        if enrolment.sibling_group:
            if enrolment.sibling_group in seen_groups:
                continue
            seen_groups.add(enrolment.sibling_group)
            group = list(
                waiting_list(activity)
                .filter(sibling_group=enrolment.sibling_group)
                .select_related("child__guardian", "activity")
            )
        else:
            group = [enrolment]
        if len(group) > free:
            continue
        deadline = now + dt.timedelta(hours=activity.offer_hours)
        for member in group:
            member.status = Enrolment.Status.OFFERED
            member.offer_expires_at = deadline
            member.save(update_fields=["status", "offer_expires_at"])
            messages.tell_family(enrolment=member, event="offered")
        free -= len(group)
        offered.extend(group)
    if offered:
        Activity.objects.filter(pk=activity.pk).update(seats_taken=F("seats_taken") + len(offered))
    return offered


def _open_offer(enrolment: Enrolment, now: dt.datetime) -> Enrolment:
    """Lock the activity, then the enrolment; refuse anything but an open offer."""
    _activity, [enrolment] = lock(
        Activity.objects.filter(pk=enrolment.activity_id),
        Enrolment.objects.filter(pk=enrolment.pk).select_related("activity"),
    )
    if not enrolment.offer_is_open(now):
        raise errors.PlaceOfferNotOpen
    return enrolment


def place_offer_accept(*, enrolment: Enrolment, now: dt.datetime) -> Enrolment:
    """The family takes the offered place."""
    with locking():
        enrolment = _open_offer(enrolment, now)
        enrolment.status = Enrolment.Status.CONFIRMED
        enrolment.offer_expires_at = None
        enrolment.decided_at = now
        enrolment.placed_at = enrolment.placed_at or now
        enrolment.save(update_fields=["status", "offer_expires_at", "decided_at", "placed_at"])
        messages.tell_family_confirmed(enrolment=enrolment, now=now)
        return enrolment


def place_offer_decline(*, enrolment: Enrolment, now: dt.datetime) -> Enrolment:
    """The family says no: the place goes to the next child in line."""
    with locking():
        enrolment = _open_offer(enrolment, now)
        _release(enrolment, Enrolment.Status.DECLINED, now)
        return enrolment


def place_offers_expire(*, now: dt.datetime) -> int:
    """End every offer past its deadline and pass the place on; safe to run twice."""
    due = Enrolment.objects.filter(
        status=Enrolment.Status.OFFERED, offer_expires_at__lte=now
    ).values_list("pk", "activity_id")
    expired = 0
    for pk, activity_id in due:
        with locking():
            _activity, still_due = lock(
                Activity.objects.filter(pk=activity_id),
                Enrolment.objects.filter(
                    pk=pk, status=Enrolment.Status.OFFERED, offer_expires_at__lte=now
                ).select_related("activity", "child__guardian"),
            )
            if not still_due:
                continue
            [enrolment] = still_due
            _release(enrolment, Enrolment.Status.EXPIRED, now)
            messages.tell_family(enrolment=enrolment, event="offer_expired")
            expired += 1
    return expired


def _release(enrolment: Enrolment, status: str, now: dt.datetime) -> None:
    enrolment.status = status
    enrolment.offer_expires_at = None
    enrolment.decided_at = now
    enrolment.save(update_fields=["status", "offer_expires_at", "decided_at"])
    Activity.objects.filter(pk=enrolment.activity_id).update(seats_taken=F("seats_taken") - 1)
    waitlist_advance(activity=enrolment.activity, now=now)

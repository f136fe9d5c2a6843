"""A hero's offers and visits: offer, accept, decline, expire, withdraw, complete.

Every change locks through core.locking in its order (heroes, kits, requests, offers, visits),
so an accept and a matching run that touch the same hero cannot deadlock, and neither can book
a hero or kit twice. A decline, an expiry or a withdrawal opens the request again and queues a
matching run (scheduler.queue).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.locking import lock, locking
from core.time import local_date
from heroes.models import Hero

from .. import errors, queue
from ..adapter import busy_clash
from ..models import Kit, MatchingRun, Offer, SessionRequest, Visit
from .kits import kit_fits
from .messages import tell_hero, tell_school


def offer_deadline(*, start: dt.datetime, now: dt.datetime) -> dt.datetime:
    """48 hours by default; for a visit sooner than four days, half the time until it starts
    (at least an hour), so the school still hears in time. Never after the start."""
    default = now + dt.timedelta(hours=settings.OFFER_RESPONSE_HOURS)
    half = now + (start - now) / 2
    return min(max(min(default, half), now + dt.timedelta(hours=1)), start)


def offer_create(
    *,
    session_request: SessionRequest,
    hero: Hero,
    kit: Kit | None,
    starts_at,
    ends_at,
    now,
    run=None,
    manual_by=None,
    warnings=(),
    fit=(),
) -> Offer:
    """Record an offer and tell the hero; the caller holds the locks and has checked the rules."""
    offer = Offer.objects.create(
        request=session_request,
        hero=hero,
        kit=kit,
        starts_at=starts_at,
        ends_at=ends_at,
        expires_at=offer_deadline(start=starts_at, now=now),
        run=run,
        manual_by=manual_by,
        rule_warnings=list(warnings),
        fit=list(fit),
    )
    session_request.status = SessionRequest.Status.OFFERED
    session_request.unmatched_reason = ""
    session_request.save(update_fields=["status", "unmatched_reason", "updated_at"])
    tell_hero(offer, "offer_new")
    return offer


def _lock_offer(offer: Offer) -> Offer:
    """The offer with its hero, kit and request, all locked."""
    kit = [Kit.objects.filter(pk=offer.kit_id)] if offer.kit_id else []
    *_others, [locked] = lock(
        Hero.objects.filter(pk=offer.hero_id),
        *kit,
        SessionRequest.objects.filter(pk=offer.request_id),
        Offer.objects.filter(pk=offer.pk).select_related(
            "request__school", "request__group", "hero__user", "kit"
        ),
    )
    return locked


def _still_fits(offer: Offer) -> bool:
    hero, session_request = offer.hero, offer.request
    day = local_date(offer.starts_at)
    if not hero.vog_valid_on(day):
        return False
    if hero.away_periods.filter(starts_on__lte=day, ends_on__gte=day).exists():
        return False
    clash = busy_clash(
        hero_id=hero.pk,
        kit_id=offer.kit_id,
        school_id=session_request.school_id,
        start=offer.starts_at,
        end=offer.ends_at,
    )
    if Visit.objects.filter(clash, status=Visit.Status.CONFIRMED).exists():
        return False
    return offer.kit_id is None or kit_fits(
        offer.kit, size=session_request.class_size, start=offer.starts_at, end=offer.ends_at
    )


def offer_accept(*, offer: Offer, now: dt.datetime) -> Visit:
    """The hero says yes: the visit is confirmed and the school hears of it. Re-checks the
    hard rules under the hero's and kit's locks, so a racing accept or run cannot double-book."""
    with locking():
        offer = _lock_offer(offer)
        if offer.status != Offer.Status.PENDING:
            raise errors.OfferNotPending
        if offer.expires_at <= now:
            raise errors.OfferExpired
        if _still_fits(offer):
            return _confirm(offer, now)
        _reopen(offer, Offer.Status.WITHDRAWN, now)
    raise errors.NoLongerFits


def _confirm(offer: Offer, now: dt.datetime) -> Visit:
    offer.status, offer.responded_at = Offer.Status.ACCEPTED, now
    offer.save(update_fields=["status", "responded_at"])
    visit = Visit.objects.create(
        request=offer.request,
        offer=offer,
        hero=offer.hero,
        kit=offer.kit,
        starts_at=offer.starts_at,
        ends_at=offer.ends_at,
    )
    offer.request.status = SessionRequest.Status.CONFIRMED
    offer.request.save(update_fields=["status", "updated_at"])
    tell_hero(offer, "visit_confirmed", visit=visit, now=now)
    tell_school(visit, "visit_confirmed", now=now)
    return visit


def _reopen(offer: Offer, status: str, now: dt.datetime, reason: str = "", code: str = "") -> None:
    offer.status, offer.responded_at = status, now
    offer.decline_reason, offer.decline_code = reason, code
    offer.save(update_fields=["status", "responded_at", "decline_reason", "decline_code"])
    session_request = offer.request
    if session_request.status == SessionRequest.Status.OFFERED:
        session_request.status = SessionRequest.Status.OPEN
        session_request.save(update_fields=["status", "updated_at"])
    queue.rematch_soon(
        session_request.school.neighbourhood.municipality_id, MatchingRun.Trigger.DECLINE
    )


def offer_decline(*, offer: Offer, code: str, reason: str, now: dt.datetime) -> Offer:
    """The hero says no, with one of the reasons coordinators count (`code`, an
    Offer.DeclineCode) and anything else in words: the request is open again and matching
    looks for someone else."""
    if code not in Offer.DeclineCode.values:
        raise ValidationError({"code": _("Choose the reason that fits best.")})
    reason = " ".join((reason or "").split())
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    with locking():
        offer = _lock_offer(offer)
        if offer.status != Offer.Status.PENDING:
            raise errors.OfferNotPending
        _reopen(offer, Offer.Status.DECLINED, now, reason, code)
    return offer


def offers_expire(*, now: dt.datetime) -> int:
    """Pending offers past their deadline expire; their requests open again."""
    count = 0
    due = Offer.objects.filter(status=Offer.Status.PENDING, expires_at__lte=now).only(
        "pk", "hero_id", "kit_id", "request_id"
    )
    for offer in due:
        with locking():
            offer = _lock_offer(offer)
            if offer.status == Offer.Status.PENDING and offer.expires_at <= now:
                _reopen(offer, Offer.Status.EXPIRED, now)
                tell_hero(offer, "offer_expired")
                count += 1
    return count


def hero_withdraw(*, hero: Hero, now: dt.datetime, reason: str) -> None:
    """The hero leaves: every pending offer is withdrawn and every coming visit cancelled (the
    school is told); their requests open again and matching looks for someone else."""
    for offer in Offer.objects.filter(hero=hero, status=Offer.Status.PENDING):
        with locking():
            offer = _lock_offer(offer)
            if offer.status == Offer.Status.PENDING:
                _reopen(offer, Offer.Status.WITHDRAWN, now, reason)
    coming = Visit.objects.filter(hero=hero, status=Visit.Status.CONFIRMED, starts_at__gt=now)
    for visit in coming.select_related("offer"):
        visit_withdraw(visit=visit, reason=reason, now=now)


def visits_complete(*, now: dt.datetime) -> int:
    """Requests whose visit has ended are done."""
    return SessionRequest.objects.filter(
        status=SessionRequest.Status.CONFIRMED,
        visits__status=Visit.Status.CONFIRMED,
        visits__ends_at__lte=now,
    ).update(status=SessionRequest.Status.DONE, updated_at=now)


def visit_withdraw(*, visit: Visit, reason: str, now: dt.datetime) -> Visit:
    """The hero can no longer come: the visit is cancelled, the school is told, and matching
    looks for someone else (never this hero again for this request)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Tell the school why you cannot come.")})
    if visit.starts_at <= now:
        raise errors.VisitStarted
    with locking():
        offer = _lock_offer(visit.offer)
        [[visit]] = lock(Visit.objects.filter(pk=visit.pk))
        if visit.status != Visit.Status.CONFIRMED:
            raise errors.VisitNotConfirmed
        visit.status, visit.cancel_reason = Visit.Status.CANCELLED, reason
        visit.sequence += 1
        visit.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        offer.request.status = SessionRequest.Status.OFFERED  # so _reopen opens it
        # No reason is chosen here: the hero wrote the school why, and guessing a code
        # from it would make the counted reasons say what no hero said.
        _reopen(offer, Offer.Status.DECLINED, now, reason)
        tell_school(visit, "visit_withdrawn", now=now)
        # The hero asked for this; the message carries the CANCEL for their calendar.
        tell_hero(offer, "visit_cancelled", reason=reason, visit=visit, now=now)
    return visit

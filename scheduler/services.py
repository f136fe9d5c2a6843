"""Writes for VR kits, session requests, offers and visits.

Input problems raise django ValidationError keyed by field; refusals of a state change raise
scheduler.errors. Either way nothing has changed. Locks are always taken in the same order:
heroes (by pk), then kits (by pk), then requests, then offers, so an accept and a matching run
that touch the same hero cannot deadlock, and neither can book a hero or kit twice.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.schedule import closures_for_school
from heroes.models import LANGUAGE_CODES, Hero
from notifications import ical
from notifications.services import notification_create_from_template

from . import errors
from .adapter import AMSTERDAM, busy_clash
from .calendar import visit_invite
from .models import (
    ROTATIONS,
    Kit,
    KitBlock,
    MatchingRun,
    Offer,
    RequestWindow,
    SessionRequest,
    Visit,
)

MAX_WINDOWS = 10
MAX_DAYS_AHEAD = 366
DURATIONS = {45, 60, 90, 120}


def _url(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


# --- kits -------------------------------------------------------------------------------------


def _check_kit(*, municipality_id: int, name: str, headsets, home_venue, exclude_pk=None) -> str:
    name = " ".join((name or "").split())
    found = {}
    if not name:
        found["name"] = _("Give the kit a name.")
    elif (
        Kit.objects.filter(municipality_id=municipality_id, name__iexact=name)
        .exclude(pk=exclude_pk)
        .exists()
    ):
        found["name"] = _("This municipality already has a kit with this name.")
    if not isinstance(headsets, int) or not 1 <= headsets <= 40:
        found["headsets"] = _("A kit has between 1 and 40 headsets.")
    if home_venue is not None and home_venue.neighbourhood.municipality_id != municipality_id:
        found["home_venue"] = _("Choose a venue of the kit's own municipality.")
    if found:
        raise ValidationError(found)
    return name


@transaction.atomic
def kit_create(*, municipality, name: str, headsets: int, home_venue=None, is_active=True) -> Kit:
    name = _check_kit(
        municipality_id=municipality.pk, name=name, headsets=headsets, home_venue=home_venue
    )
    return Kit.objects.create(
        municipality=municipality,
        name=name,
        headsets=headsets,
        home_venue=home_venue,
        is_active=is_active,
    )


@transaction.atomic
def kit_update(*, kit: Kit, name: str, headsets: int, home_venue=None, is_active=True) -> Kit:
    kit = Kit.objects.select_for_update().get(pk=kit.pk)
    kit.name = _check_kit(
        municipality_id=kit.municipality_id,
        name=name,
        headsets=headsets,
        home_venue=home_venue,
        exclude_pk=kit.pk,
    )
    booked = Visit.objects.filter(
        kit=kit, status=Visit.Status.CONFIRMED, starts_at__gt=timezone.now()
    )
    if not is_active and booked.exists():
        raise ValidationError(
            {"is_active": _("This kit has confirmed visits ahead; it must stay in use.")}
        )
    if booked.filter(request__class_size__gt=headsets * ROTATIONS).exists():
        raise ValidationError(
            {"headsets": _("A confirmed visit ahead needs more headsets than this.")}
        )
    kit.headsets, kit.home_venue, kit.is_active = headsets, home_venue, is_active
    kit.save()
    return kit


@transaction.atomic
def kit_block_add(*, kit: Kit, starts_at, ends_at, reason: str = "") -> KitBlock:
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The block must end after it starts.")})
    Kit.objects.select_for_update().get(pk=kit.pk)
    clash = Visit.objects.filter(
        kit=kit, status=Visit.Status.CONFIRMED, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if clash.exists():
        raise ValidationError(
            {"starts_at": _("The kit has a confirmed visit in this time. Move or cancel it first.")}
        )
    return KitBlock.objects.create(kit=kit, starts_at=starts_at, ends_at=ends_at, reason=reason)


def kit_block_remove(*, block: KitBlock) -> None:
    block.delete()


# --- requests ---------------------------------------------------------------------------------


def _check_windows(school, windows, duration_min: int, now: dt.datetime) -> list[tuple]:
    """Preferred windows as (start, end): each on one school day outside closures, in the
    future, long enough for the visit, not overlapping another."""
    windows = list(windows or [])
    if any(s is None or e is None for s, e in windows):
        raise ValidationError({"windows": _("Give a start and an end for every preferred time.")})
    windows.sort(key=lambda w: w[0])
    if not windows:
        raise ValidationError(
            {"windows": _("Give at least one time the class can receive the visit.")}
        )
    if len(windows) > MAX_WINDOWS:
        raise ValidationError(
            {"windows": _("Give at most %(n)s preferred times.") % {"n": MAX_WINDOWS}}
        )
    local = [(s.astimezone(AMSTERDAM), e.astimezone(AMSTERDAM)) for s, e in windows]
    first, last = local[0][0].date(), max(e for _s, e in local).date()
    closed = closures_for_school(school, first, last)
    for start, end in local:
        when = f"{start:%d-%m-%Y %H:%M}"
        if end <= start:
            msg = _("The preferred time of %(when)s must end after it starts.")
        elif start < now:
            msg = _("The preferred time of %(when)s is in the past.")
        elif start.date() != end.date():
            msg = _("The preferred time of %(when)s must start and end on the same day.")
        elif (end - start) < dt.timedelta(minutes=duration_min):
            msg = _("The preferred time of %(when)s is shorter than the session.")
        elif start.weekday() >= 5:
            msg = _("%(when)s is in a weekend; choose a school day.")
        elif any(a <= start.date() <= b for a, b in closed):
            msg = _("%(when)s falls in a holiday or closure of the school.")
        elif start.date() > now.date() + dt.timedelta(days=MAX_DAYS_AHEAD):
            msg = _("%(when)s is more than a year ahead.")
        else:
            continue
        raise ValidationError({"windows": msg % {"when": when}})
    for (_s1, e1), (s2, _e2) in itertools.pairwise(windows):
        if s2 < e1:
            raise ValidationError(
                {"windows": _("Two preferred times overlap; join them into one.")}
            )
    return windows


def _check_request(*, school, group, kind, topic, language, duration_min, size) -> None:
    found = {}
    if group.school_id != school.pk:
        found["group"] = _("Choose a group of this school.")
    if kind not in SessionRequest.Kind.values:
        found["kind"] = _("Choose a Local Hero visit or a VR game session.")
    elif kind == SessionRequest.Kind.VR:
        if school.level != school.Level.VO:
            found["kind"] = _("VR game sessions are for secondary schools (VO).")
        else:
            biggest = (
                Kit.objects.filter(
                    municipality_id=school.neighbourhood.municipality_id, is_active=True
                )
                .order_by("-headsets")
                .values_list("headsets", flat=True)
                .first()
            )
            if biggest is None:
                found["kind"] = _("The municipality has no VR kit in use.")
            elif biggest * ROTATIONS < size:
                found["group"] = _(
                    "No VR kit can serve a class of %(size)s pupils (at most %(max)s)."
                ) % {"size": size, "max": biggest * ROTATIONS}
    if topic is not None and topic.municipality_id != school.neighbourhood.municipality_id:
        found["topic"] = _("Choose a topic of your municipality.")
    if language not in LANGUAGE_CODES:
        found["language"] = _("Choose a language from the list.")
    if duration_min not in DURATIONS:
        found["duration_min"] = _("Choose a duration from the list.")
    if found:
        raise ValidationError(found)


@transaction.atomic
def request_create(
    *,
    school,
    group,
    requested_by,
    kind: str,
    topic=None,
    language: str = "nl",
    duration_min: int = 60,
    notes: str = "",
    windows,
    now: dt.datetime,
) -> SessionRequest:
    _check_request(
        school=school,
        group=group,
        kind=kind,
        topic=topic,
        language=language,
        duration_min=duration_min,
        size=group.pupils,
    )
    windows = _check_windows(school, windows, duration_min, now)
    request = SessionRequest.objects.create(
        school=school,
        group=group,
        requested_by=requested_by,
        kind=kind,
        topic=topic,
        language=language,
        duration_min=duration_min,
        class_size=group.pupils,
        notes=notes.strip(),
    )
    RequestWindow.objects.bulk_create(
        [RequestWindow(request=request, starts_at=s, ends_at=e) for s, e in windows]
    )
    _match_soon(request)
    return request


def _match_soon(request: SessionRequest, trigger: str = MatchingRun.Trigger.REQUEST) -> None:
    """Queue a matching run for the request's municipality once this transaction commits
    (runs imports this module, hence the late import)."""
    from .runs import rematch_soon

    rematch_soon(request.school.neighbourhood.municipality_id, trigger)


def _lock_request(request: SessionRequest) -> SessionRequest:
    request = SessionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status in (SessionRequest.Status.CANCELLED, SessionRequest.Status.DONE):
        raise errors.RequestClosed
    return request


def release(request: SessionRequest, *, now: dt.datetime, reason: str) -> None:
    """Withdraw the request's pending offer and cancel its visit, telling the hero and the
    school (each with the CANCEL of the visit's invite)."""
    for offer in Offer.objects.select_related("hero__user").filter(
        request=request, status=Offer.Status.PENDING
    ):
        offer.status, offer.responded_at = Offer.Status.WITHDRAWN, now
        offer.save(update_fields=["status", "responded_at"])
        _tell_hero(offer, "offer_withdrawn", reason=reason)
    for visit in Visit.objects.select_related("hero__user", "offer").filter(
        request=request, status=Visit.Status.CONFIRMED
    ):
        visit.status, visit.cancel_reason = Visit.Status.CANCELLED, reason
        visit.sequence += 1
        visit.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        _tell_hero(visit.offer, "visit_cancelled", reason=reason, visit=visit, now=now)
        _tell_school(visit, "visit_cancelled", now=now)


@transaction.atomic
def request_cancel(
    *, request: SessionRequest, reason: str = "", now: dt.datetime
) -> SessionRequest:
    reason = " ".join((reason or "").split())
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    request = _lock_request(request)
    release(request, now=now, reason=reason or _("The school cancelled the request."))
    request.status = SessionRequest.Status.CANCELLED
    request.save(update_fields=["status", "updated_at"])
    return request


@transaction.atomic
def request_reschedule(*, request: SessionRequest, windows, now: dt.datetime) -> SessionRequest:
    """New preferred times: any offer or visit goes, and matching looks again."""
    request = _lock_request(request)
    windows = _check_windows(request.school, windows, request.duration_min, now)
    release(request, now=now, reason=_("The school asked for another time."))
    request.windows.all().delete()
    RequestWindow.objects.bulk_create(
        [RequestWindow(request=request, starts_at=s, ends_at=e) for s, e in windows]
    )
    request.status = SessionRequest.Status.OPEN
    request.unmatched_reason = ""
    request.reschedule_count += 1
    request.save(update_fields=["status", "unmatched_reason", "reschedule_count", "updated_at"])
    _match_soon(request)
    return request


# --- offers -----------------------------------------------------------------------------------


def offer_deadline(*, start: dt.datetime, now: dt.datetime) -> dt.datetime:
    """48 hours by default; for a visit sooner than four days, half the time until it starts
    (at least an hour), so the school still hears in time. Never after the start."""
    default = now + dt.timedelta(hours=settings.OFFER_RESPONSE_HOURS)
    half = now + (start - now) / 2
    return min(max(min(default, half), now + dt.timedelta(hours=1)), start)


def offer_create(
    *,
    request: SessionRequest,
    hero: Hero,
    kit: Kit | None,
    starts_at,
    ends_at,
    now,
    run=None,
    manual_by=None,
    warnings=(),
) -> Offer:
    """Record an offer and tell the hero; the caller holds the locks and has checked the rules."""
    offer = Offer.objects.create(
        request=request,
        hero=hero,
        kit=kit,
        starts_at=starts_at,
        ends_at=ends_at,
        expires_at=offer_deadline(start=starts_at, now=now),
        run=run,
        manual_by=manual_by,
        rule_warnings=list(warnings),
    )
    request.status = SessionRequest.Status.OFFERED
    request.unmatched_reason = ""
    request.save(update_fields=["status", "unmatched_reason", "updated_at"])
    _tell_hero(offer, "offer_new")
    return offer


def _lock_offer(offer: Offer) -> Offer:
    """Lock in the house order: hero, kit, request, offer."""
    Hero.objects.select_for_update().filter(pk=offer.hero_id).first()
    if offer.kit_id:
        Kit.objects.select_for_update().filter(pk=offer.kit_id).first()
    SessionRequest.objects.select_for_update().filter(pk=offer.request_id).first()
    return (
        Offer.objects.select_for_update(of=("self",))
        .select_related("request__school", "request__group", "hero__user", "kit")
        .get(pk=offer.pk)
    )


def _still_fits(offer: Offer) -> bool:
    hero, request = offer.hero, offer.request
    day = offer.starts_at.astimezone(AMSTERDAM).date()
    if not hero.vog_valid_on(day):
        return False
    if hero.away_periods.filter(starts_on__lte=day, ends_on__gte=day).exists():
        return False
    clash = busy_clash(
        hero_id=hero.pk,
        kit_id=offer.kit_id,
        school_id=request.school_id,
        start=offer.starts_at,
        end=offer.ends_at,
    )
    if Visit.objects.filter(clash, status=Visit.Status.CONFIRMED).exists():
        return False
    return offer.kit_id is None or kit_fits(
        offer.kit, size=request.class_size, start=offer.starts_at, end=offer.ends_at
    )


def kit_fits(kit: Kit | None, *, size: int, start, end) -> bool:
    """The kit is still there, in use, big enough for the class and not blocked then: it may
    have been retired, shrunk or sent for maintenance since the engine or the offer chose it."""
    return (
        kit is not None
        and kit.is_active
        and kit.max_class_size >= size
        and not KitBlock.objects.filter(kit=kit, starts_at__lt=end, ends_at__gt=start).exists()
    )


def offer_accept(*, offer: Offer, now: dt.datetime) -> Visit:
    """The hero says yes: the visit is confirmed and the school hears of it. Re-checks the
    hard rules under the hero's and kit's locks, so a racing accept or run cannot double-book."""
    with transaction.atomic():
        offer = _lock_offer(offer)
        if offer.status != Offer.Status.PENDING:
            raise errors.OfferNotPending
        if offer.expires_at <= now:
            raise errors.OfferExpired
        fits = _still_fits(offer)
        if fits:
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
            _tell_hero(offer, "visit_confirmed", visit=visit, now=now)
            _tell_school(visit, "visit_confirmed", now=now)
            return visit
        _reopen(offer, Offer.Status.WITHDRAWN, now)
    raise errors.NoLongerFits


def _reopen(offer: Offer, status: str, now: dt.datetime, reason: str = "") -> None:
    offer.status, offer.responded_at, offer.decline_reason = status, now, reason
    offer.save(update_fields=["status", "responded_at", "decline_reason"])
    request = offer.request
    if request.status == SessionRequest.Status.OFFERED:
        request.status = SessionRequest.Status.OPEN
        request.save(update_fields=["status", "updated_at"])
    _match_soon(request, MatchingRun.Trigger.DECLINE)


@transaction.atomic
def offer_decline(*, offer: Offer, reason: str, now: dt.datetime) -> Offer:
    """The hero says no: the request is open again and matching looks for someone else."""
    reason = " ".join((reason or "").split())
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    offer = _lock_offer(offer)
    if offer.status != Offer.Status.PENDING:
        raise errors.OfferNotPending
    _reopen(offer, Offer.Status.DECLINED, now, reason)
    return offer


def offers_expire(*, now: dt.datetime) -> int:
    """Pending offers past their deadline expire; their requests open again."""
    count = 0
    due = Offer.objects.filter(status=Offer.Status.PENDING, expires_at__lte=now).only(
        "pk", "hero_id", "kit_id", "request_id"
    )
    for offer in due:
        with transaction.atomic():
            offer = _lock_offer(offer)
            if offer.status == Offer.Status.PENDING and offer.expires_at <= now:
                _reopen(offer, Offer.Status.EXPIRED, now)
                _tell_hero(offer, "offer_expired")
                count += 1
    return count


def visits_complete(*, now: dt.datetime) -> int:
    """Requests whose visit has ended are done."""
    return SessionRequest.objects.filter(
        status=SessionRequest.Status.CONFIRMED,
        visits__status=Visit.Status.CONFIRMED,
        visits__ends_at__lte=now,
    ).update(status=SessionRequest.Status.DONE, updated_at=now)


@transaction.atomic
def visit_withdraw(*, visit: Visit, reason: str, now: dt.datetime) -> Visit:
    """The hero can no longer come: the visit is cancelled, the school is told, and matching
    looks for someone else (never this hero again for this request)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Tell the school why you cannot come.")})
    if visit.starts_at <= now:
        raise errors.SchedulingError(_("This visit has already started."))
    offer = _lock_offer(visit.offer)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != Visit.Status.CONFIRMED:
        raise errors.SchedulingError(_("This visit is already cancelled."))
    visit.status, visit.cancel_reason = Visit.Status.CANCELLED, reason
    visit.sequence += 1
    visit.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    offer.request.status = SessionRequest.Status.OFFERED  # so _reopen opens it
    _reopen(offer, Offer.Status.DECLINED, now, reason)
    _tell_school(visit, "visit_withdrawn", now=now)
    # The hero asked for this; the message carries the CANCEL for their calendar.
    _tell_hero(offer, "visit_cancelled", reason=reason, visit=visit, now=now)
    return visit


# --- messages ---------------------------------------------------------------------------------

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


def _tell_hero(
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
            "request": offer.request,
            "reason": reason,
            "url": _url("scheduler:hero-offers"),
        },
        to_email=user.email,
        recipient=user,
        kind=f"scheduler:{what}",
        idempotency_key=key,
        **_invite(visit, what, user=user, audience="hero", now=now),
    )


def _tell_school(visit: Visit, what: str, *, now: dt.datetime | None = None) -> None:
    """The staff member who asked, or (when they left) the school's programme contacts."""
    request = visit.request
    users = [request.requested_by] if request.requested_by_id else []
    if not users:
        users = [m.user for m in request.school.staff.select_related("user").filter(role="contact")]
    for user in users:
        notification_create_from_template(
            template=f"scheduler/email/school_{what}",
            context={
                "recipient": user,
                "visit": visit,
                "request": request,
                "url": _url("scheduler:request-detail", request.pk),
            },
            to_email=user.email,
            recipient=user,
            kind=f"scheduler:school_{what}",
            idempotency_key=f"visit:{visit.pk}:school_{what}:{visit.sequence}:{user.pk}",
            **_invite(visit, what, user=user, audience="staff", now=now),
        )

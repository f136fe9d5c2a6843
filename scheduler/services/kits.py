"""VR kits and their maintenance blocks, and whether a kit can still take a visit."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.locking import lock, locking
from core.time import local_date, local_datetime
from heroes.models import Hero

from .. import errors, queue
from ..models import ROTATIONS, Kit, KitBlock, MatchingRun, Offer, SessionRequest, Visit
from .requests import request_release


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


@locking()
def kit_update(*, kit: Kit, name: str, headsets: int, home_venue=None, is_active=True) -> Kit:
    [[kit]] = lock(Kit.objects.filter(pk=kit.pk))
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


def kit_block_add(
    *, kit: Kit, starts_at, ends_at, reason: str = "", now=None, confirm: bool = False
) -> KitBlock:
    """Block the kit for a time to come: one that started today at the earliest (the kit
    broke this morning) and has not ended; a past block would change nothing.

    Pending offers and confirmed visits with the kit in that time (ones still to start) are
    refused as `BlockAffectsVisits`, naming them, unless `confirm`: then, in the same
    transaction, they are withdrawn and cancelled (the heroes and schools told why, each
    visit's calendar invite cancelled) and their requests are open to matching again. The
    block's `released` lists those offers and visits. A block overlapping another of the kit is
    refused (`BlockOverlaps`): that is also what a block sent twice meets."""
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The block must end after it starts.")})
    now = now or timezone.now()
    if ends_at <= now:
        raise ValidationError({"ends_at": _("This period is already over.")})
    if starts_at < local_datetime(local_date(now), dt.time(0)):
        raise ValidationError({"starts_at": _("The start time is in the past.")})
    with locking():
        offers, visits = kit_block_affected(kit=kit, starts_at=starts_at, ends_at=ends_at, now=now)
        if (offers or visits) and not confirm:
            raise errors.BlockAffectsVisits(offers, visits)
        _lock_affected(kit, offers, visits)
        # Under the kit's lock: of two blocks sent at once, the second sees the first.
        overlapping = kit.blocks.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
        if existing := overlapping.order_by("starts_at", "pk").first():
            raise errors.BlockOverlaps(existing)
        # Locked now: an offer or visit made since the first look needs a new confirmation.
        locked = kit_block_affected(kit=kit, starts_at=starts_at, ends_at=ends_at, now=now)
        if not {o.pk for o in locked[0]} <= {o.pk for o in offers} or not {
            v.pk for v in locked[1]
        } <= {v.pk for v in visits}:
            raise errors.BlockAffectsVisits(*locked)
        block = KitBlock.objects.create(
            kit=kit, starts_at=starts_at, ends_at=ends_at, reason=reason
        )
        block.released = [*locked[0], *locked[1]]
        _release_for_block(block, block.released, now)
    return block


def kit_block_affected(*, kit: Kit, starts_at, ends_at, now) -> tuple[list[Offer], list[Visit]]:
    """Pending offers and confirmed visits with the kit, still to start, overlapping the time."""
    overlap = {"kit": kit, "starts_at__lt": ends_at, "ends_at__gt": starts_at}
    related = ("request__school__neighbourhood", "request__group", "hero")
    offers = Offer.objects.filter(
        **overlap, status=Offer.Status.PENDING, starts_at__gt=now
    ).select_related(*related)
    visits = Visit.objects.filter(
        **overlap, status=Visit.Status.CONFIRMED, starts_at__gt=now
    ).select_related(*related)
    return list(offers.order_by("starts_at", "pk")), list(visits.order_by("starts_at", "pk"))


def _lock_affected(kit: Kit, offers: list[Offer], visits: list[Visit]) -> None:
    """The heroes, the kit, the requests, the offers and the visits, in core.locking's order."""
    items = [*offers, *visits]
    lock(
        Hero.objects.filter(pk__in={i.hero_id for i in items}),
        Kit.objects.filter(pk=kit.pk),
        SessionRequest.objects.filter(pk__in={i.request_id for i in items}),
        Offer.objects.filter(pk__in={o.pk for o in offers}),
        Visit.objects.filter(pk__in={v.pk for v in visits}),
    )


def _release_for_block(block: KitBlock, items: list, now) -> None:
    """Withdraw and cancel what the block falls on (request_release tells the heroes and the
    schools, with the calendar CANCEL), open the requests again and queue matching. The hero
    is not to blame, so they may be matched to the request again."""
    reason = _("The VR kit is in maintenance at that time.")
    if block.reason:
        reason = f"{reason} ({block.reason})"
    requests = {item.request_id: item.request for item in items}
    for session_request in requests.values():
        request_release(session_request, now=now, reason=reason)
        session_request.status = SessionRequest.Status.OPEN
        session_request.unmatched_reason = ""
        session_request.save(update_fields=["status", "unmatched_reason", "updated_at"])
    municipalities = {r.school.neighbourhood.municipality_id for r in requests.values()}
    for municipality_id in municipalities:
        queue.rematch_soon(municipality_id, MatchingRun.Trigger.DECLINE)


def kit_block_remove(*, block: KitBlock) -> None:
    block.delete()


def kit_fits(kit: Kit | None, *, size: int, start, end) -> bool:
    """The kit is still there, in use, big enough for the class and not blocked then: it may
    have been retired, shrunk or sent for maintenance since the engine or the offer chose it."""
    return (
        kit is not None
        and kit.is_active
        and kit.max_class_size >= size
        and not KitBlock.objects.filter(kit=kit, starts_at__lt=end, ends_at__gt=start).exists()
    )

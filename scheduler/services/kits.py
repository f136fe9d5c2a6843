"""VR kits and their maintenance blocks, and whether a kit can still take a visit."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.locking import lock, locking
from core.time import local_date, local_datetime

from ..models import ROTATIONS, Kit, KitBlock, Visit


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


@locking()
def kit_block_add(*, kit: Kit, starts_at, ends_at, reason: str = "", now=None) -> KitBlock:
    """Block the kit for a time to come: one that started today at the earliest (the kit
    broke this morning) and has not ended; a past block would change nothing."""
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The block must end after it starts.")})
    now = now or timezone.now()
    if ends_at <= now:
        raise ValidationError({"ends_at": _("This period is already over.")})
    if starts_at < local_datetime(local_date(now), dt.time(0)):
        raise ValidationError({"starts_at": _("The start time is in the past.")})
    lock(Kit.objects.filter(pk=kit.pk))
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


def kit_fits(kit: Kit | None, *, size: int, start, end) -> bool:
    """The kit is still there, in use, big enough for the class and not blocked then: it may
    have been retired, shrunk or sent for maintenance since the engine or the offer chose it."""
    return (
        kit is not None
        and kit.is_active
        and kit.max_class_size >= size
        and not KitBlock.objects.filter(kit=kit, starts_at__lt=end, ends_at__gt=start).exists()
    )

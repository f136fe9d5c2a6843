"""Reads of requests, offers, visits, kits and matching runs, scoped to the person asking.

Staff read their schools' requests; coordinators everything in their municipalities; a hero
only their own offers and visits. Anything else is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Kit, KitBlock, MatchingRun, Offer, RequestWindow, SessionRequest, Visit

ACTIVE_OFFER = Prefetch(
    "offers",
    queryset=Offer.objects.filter(status=Offer.Status.PENDING).select_related("hero", "kit"),
    to_attr="pending_offers",
)
ACTIVE_VISIT = Prefetch(
    "visits",
    queryset=Visit.objects.filter(status=Visit.Status.CONFIRMED).select_related(
        "hero", "kit", "offer"
    ),
    to_attr="confirmed_visits",
)


# Offers a hero said no to or let pass, latest first: the coordinator reads the heroes'
# reasons (declines_of), the school only that someone could not come (reasons_text).
def closed_offers(prefix: str = "") -> Prefetch:
    return Prefetch(
        f"{prefix}offers",
        queryset=Offer.objects.filter(status__in=[Offer.Status.DECLINED, Offer.Status.EXPIRED])
        .select_related("hero")
        .order_by("-responded_at", "-pk"),
        to_attr="closed_offers",
    )


CLOSED_OFFERS = closed_offers()


def _requests() -> QuerySet[SessionRequest]:
    return SessionRequest.objects.select_related(
        "school__neighbourhood", "group", "topic", "requested_by"
    ).prefetch_related(
        Prefetch("windows", queryset=RequestWindow.objects.order_by("starts_at")),
        ACTIVE_OFFER,
        ACTIVE_VISIT,
        CLOSED_OFFERS,
    )


def coordinates(roles, session_request: SessionRequest) -> bool:
    """Whether the person coordinates the request's municipality (and so may read why heroes
    declined it: a hero's reason is for the coordinator, not for the school)."""
    return session_request.school.neighbourhood.municipality_id in roles.coordinator_of


def declines_of(session_request: SessionRequest) -> list[Offer]:
    """The offers heroes declined (or withdrew from after accepting), latest first; needs the
    request from `requests_for`/`get_request` (CLOSED_OFFERS)."""
    return [o for o in session_request.closed_offers if o.status == Offer.Status.DECLINED]


def request_scope(roles) -> Q:
    return Q(school_id__in=roles.staff_of) | Q(
        school__neighbourhood__municipality_id__in=roles.coordinator_of
    )


def requests_for(roles, *, status: str | None = None) -> QuerySet[SessionRequest]:
    """Requests of the schools the person works at or coordinates, newest first."""
    qs = _requests().filter(request_scope(roles))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def get_request(roles, pk: int) -> SessionRequest:
    return get_object_or_404(_requests().filter(request_scope(roles)), pk=pk)


def get_request_for_staff(roles, pk: int) -> SessionRequest:
    """Changing a request (cancel, reschedule) is for the school's own staff."""
    return get_object_or_404(_requests().filter(school_id__in=roles.staff_of), pk=pk)


# PostgreSQL's time to plan a statement grows steeply with the tables it joins: the board's
# visits with their request, school, class, topic, hero, kit and offer (and the neighbourhood
# a coordinator's list filters on) took 12-15 ms to plan at city size, where the same list
# joining the request's school and class and the kit took 1.3 ms (docs/benchmarks.md, "The
# board"). So offers and visits join those (a visit its kit's home too) and read the topic
# and the hero by id: one short statement each for a whole page. (A kit is joined, not read
# apart, because many rows have none: a list's statements stay the same in number.)
def _offers() -> QuerySet[Offer]:
    return Offer.objects.select_related(
        "request__school", "request__group", "kit"
    ).prefetch_related("request__topic", "hero")


def offers_for_hero(hero, *, pending_only: bool = True) -> QuerySet[Offer]:
    qs = _offers().filter(hero=hero)
    if pending_only:
        qs = qs.filter(status=Offer.Status.PENDING)
    return qs.order_by("expires_at", "pk")


def get_offer_for_hero(hero, pk: int) -> Offer:
    return get_object_or_404(_offers().filter(hero=hero), pk=pk)


def pending_offer_count(user) -> int:
    return Offer.objects.filter(hero__user=user, status=Offer.Status.PENDING).count()


def _visits() -> QuerySet[Visit]:
    return Visit.objects.select_related(
        "request__school", "request__group", "kit__home_venue"
    ).prefetch_related("request__topic", "hero")


def visits_for_hero(hero, *, since: dt.datetime | None = None) -> QuerySet[Visit]:
    qs = _visits().filter(hero=hero, status=Visit.Status.CONFIRMED)
    if since is not None:
        qs = qs.filter(ends_at__gte=since)
    return qs.order_by("starts_at", "pk")


def get_visit_for_hero(hero, pk: int) -> Visit:
    return get_object_or_404(_visits().filter(hero=hero), pk=pk)


def visits_for(roles, *, since: dt.datetime | None = None) -> QuerySet[Visit]:
    """Visits to the person's schools or in their municipalities."""
    qs = _visits().filter(
        Q(request__school_id__in=roles.staff_of)
        | Q(request__school__neighbourhood__municipality_id__in=roles.coordinator_of)
    )
    if since is not None:
        qs = qs.filter(ends_at__gte=since)
    return qs.order_by("starts_at", "pk")


def pending_offers_for_coordinator(roles) -> QuerySet[Offer]:
    return (
        _offers()
        .filter(
            status=Offer.Status.PENDING,
            request__school__neighbourhood__municipality_id__in=roles.coordinator_of,
        )
        .order_by("expires_at", "pk")
    )


def kits_for_coordinator(roles) -> QuerySet[Kit]:
    return (
        Kit.objects.filter(municipality_id__in=roles.coordinator_of)
        .select_related("municipality", "home_venue")
        .order_by("municipality__name", "name", "pk")
    )


def kits_for(roles) -> QuerySet[Kit]:
    """Kits a person may read: coordinators theirs; staff and heroes their municipality's."""
    municipalities = set(roles.coordinator_of)
    if roles.hero_municipality:
        municipalities.add(roles.hero_municipality)
    return (
        Kit.objects.filter(
            Q(municipality_id__in=municipalities)
            | Q(municipality__neighbourhoods__schools__id__in=roles.staff_of)
        )
        .distinct()
        .select_related("municipality", "home_venue")
        .order_by("name", "pk")
    )


def get_kit_for_coordinator(roles, pk: int) -> Kit:
    return get_object_or_404(kits_for_coordinator(roles), pk=pk)


def kit_blocks(kit: Kit, *, since: dt.datetime) -> QuerySet[KitBlock]:
    return kit.blocks.filter(ends_at__gt=since).order_by("starts_at")


def get_block_for_coordinator(roles, pk: int) -> KitBlock:
    return get_object_or_404(
        KitBlock.objects.select_related("kit"), pk=pk, kit__municipality_id__in=roles.coordinator_of
    )


def runs_for_coordinator(roles) -> QuerySet[MatchingRun]:
    return (
        MatchingRun.objects.filter(municipality_id__in=roles.coordinator_of)
        .select_related("municipality", "started_by")
        .order_by("-created_at", "-pk")
    )


def get_run_for_coordinator(roles, pk: int) -> MatchingRun:
    return get_object_or_404(runs_for_coordinator(roles), pk=pk)

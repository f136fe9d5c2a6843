"""Between the database and the matching engine: rows in, engine dataclasses out.

`load(municipality_id, now)` reads one municipality's open requests, heroes, kits, accepted
visits and pending offers in a fixed number of queries and builds a `matching.Instance`.
Pending offers count as fixed, like accepted visits: they hold the hero and kit until the hero
answers, so a run never offers the same time twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Q

from core.time import LOCAL_TZ, local_datetime
from heroes.models import AvailabilityException, AvailabilityWindow, Hero
from heroes.selectors import with_vog

from .matching import model as m
from .models import Kit, KitBlock, Offer, SessionRequest, Visit


@dataclass(frozen=True)
class Loaded:
    instance: m.Instance
    requests: dict[int, SessionRequest]  # the open ones, by pk
    heroes: dict[int, Hero]
    kits: dict[int, Kit]


def month_start(now: dt.datetime) -> dt.datetime:
    local = now.astimezone(LOCAL_TZ)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def engine_request(r: SessionRequest, windows) -> m.Request:
    return m.Request(
        id=str(r.pk),
        kind=m.VR if r.kind == SessionRequest.Kind.VR else m.HERO,
        school=str(r.school_id),
        size=r.class_size,
        duration_min=r.duration_min,
        windows=tuple((w.starts_at, w.ends_at) for w in windows),
        topic=str(r.topic_id or ""),
        topic_required=r.topic_required,
        language=r.language,
        created_at=r.created_at,
        priority=r.priority,
        neighbourhood=str(r.school.neighbourhood_id),
    )


def expand_availability(
    windows, away, first: dt.date, last: dt.date
) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """A hero's weekly windows as dated spans from `first` to `last`, away periods left out."""
    by_weekday = defaultdict(list)
    for w in windows:
        by_weekday[w.weekday].append(w)
    spans = []
    day = first
    while day <= last:
        if not any(a.starts_on <= day <= a.ends_on for a in away):
            for w in by_weekday.get(day.weekday(), ()):
                spans.append(
                    (
                        local_datetime(day, w.start_time),
                        local_datetime(day, w.end_time),
                    )
                )
        day += dt.timedelta(days=1)
    return tuple(spans)


def _engine_hero(h: Hero, first: dt.date, last: dt.date, schools_before) -> m.Hero:
    return m.Hero(
        id=str(h.pk),
        available=expand_availability(h.availability.all(), h.away_periods.all(), first, last),
        vog_valid_until=h.vog_valid_until,
        vr_trained=h.vr_trained_on is not None,
        max_visits_per_month=h.max_visits_per_month,
        topics=frozenset(str(t.pk) for t in h.topics.all()),
        languages=frozenset(h.languages),
        home_neighbourhood=str(h.home_neighbourhood_id) if h.home_neighbourhood_id else None,
        neighbourhoods=frozenset(str(n.pk) for n in h.visit_neighbourhoods.all()),
        schools_before=frozenset(schools_before),
    )


def load(
    municipality_id: int, now: dt.datetime, *, hero_ids=None, until: dt.date | None = None
) -> Loaded:
    """Everything one matching run for the municipality needs (13 queries, any size).
    Availability reaches the last open window, or `until` when that is later."""
    windows = Prefetch("windows")
    open_requests = list(
        SessionRequest.objects.filter(
            school__neighbourhood__municipality_id=municipality_id,
            status=SessionRequest.Status.OPEN,
        )
        .select_related("school")
        .prefetch_related(windows)
        .order_by("pk")
    )
    busy_from = min(month_start(now), now - dt.timedelta(days=1))
    held = [
        (o.request, o.hero_id, o.kit_id, o.starts_at, o.ends_at)
        for o in Offer.objects.filter(
            hero__municipality_id=municipality_id,
            status=Offer.Status.PENDING,
            ends_at__gte=busy_from,
        ).select_related("request__school")
    ] + [
        (v.request, v.hero_id, v.kit_id, v.starts_at, v.ends_at)
        for v in Visit.objects.filter(
            hero__municipality_id=municipality_id,
            status=Visit.Status.CONFIRMED,
            ends_at__gte=busy_from,
        ).select_related("request__school")
    ]
    heroes_qs = with_vog(Hero.objects.active().filter(municipality_id=municipality_id))
    heroes_qs = heroes_qs.prefetch_related(
        "topics",
        "visit_neighbourhoods",
        Prefetch("availability", queryset=AvailabilityWindow.objects.order_by("weekday", "pk")),
        Prefetch(
            "away_periods", queryset=AvailabilityException.objects.filter(ends_on__gte=now.date())
        ),
    )
    if hero_ids is not None:
        heroes_qs = heroes_qs.filter(pk__in=hero_ids)
    heroes = {h.pk: h for h in heroes_qs.order_by("pk")}
    before: dict[int, set[str]] = defaultdict(set)
    for hero_id, school_id in (
        Visit.objects.filter(hero_id__in=list(heroes), status=Visit.Status.CONFIRMED)
        .values_list("hero_id", "request__school_id")
        .distinct()
    ):
        before[hero_id].add(str(school_id))
    kits = {
        k.pk: k
        for k in Kit.objects.filter(municipality_id=municipality_id, is_active=True)
        .prefetch_related(Prefetch("blocks", queryset=KitBlock.objects.filter(ends_at__gt=now)))
        .order_by("pk")
    }
    excluded = frozenset(
        (str(req), str(hero))
        for req, hero in Offer.objects.filter(
            request__in=[r.pk for r in open_requests],
            status__in=[Offer.Status.DECLINED, Offer.Status.EXPIRED],
        ).values_list("request_id", "hero_id")
    )

    local_now = now.astimezone(LOCAL_TZ)
    last_day = max(
        [w.ends_at.astimezone(LOCAL_TZ).date() for r in open_requests for w in r.windows.all()],
        default=local_now.date(),
    )
    last_day = max(last_day, until or last_day)
    first_day = min(month_start(now).date(), local_now.date())
    requests = [engine_request(r, r.windows.all()) for r in open_requests]
    by_pk = {r.pk for r in open_requests}
    fixed_requests = {}
    fixed = []
    for req, hero_id, kit_id, start, end in held:
        fixed_requests.setdefault(req.pk, engine_request(req, [_Span(start, end)]))
        fixed.append(
            m.Assignment(str(req.pk), str(hero_id), str(kit_id) if kit_id else None, start, end)
        )
    instance = m.Instance(
        requests=tuple(requests)
        + tuple(r for pk, r in sorted(fixed_requests.items()) if pk not in by_pk),
        heroes=tuple(_engine_hero(h, first_day, last_day, before[h.pk]) for h in heroes.values()),
        kits=tuple(
            m.Kit(
                id=str(k.pk),
                headsets=k.headsets,
                blocked=tuple((b.starts_at, b.ends_at) for b in k.blocks.all()),
            )
            for k in kits.values()
        ),
        fixed=tuple(fixed),
        exclusions=excluded,
        now=now,
        travel_buffer_min=settings.MATCHING_TRAVEL_BUFFER_MIN,
    )
    return Loaded(instance, {r.pk: r for r in open_requests}, heroes, kits)


@dataclass(frozen=True)
class _Span:
    starts_at: dt.datetime
    ends_at: dt.datetime


def busy_clash(*, hero_id: int | None, kit_id: int | None, school_id: int, start, end) -> Q | None:
    """A filter for confirmed visits that clash with [start, end) at `school_id` for this hero
    or kit: any overlap, or less than the travel buffer between visits at different schools."""
    buffer = dt.timedelta(minutes=settings.MATCHING_TRAVEL_BUFFER_MIN)
    same = Q(request__school_id=school_id, starts_at__lt=end, ends_at__gt=start)
    other = ~Q(request__school_id=school_id) & Q(
        starts_at__lt=end + buffer, ends_at__gt=start - buffer
    )
    who = Q()
    if hero_id is not None:
        who |= Q(hero_id=hero_id)
    if kit_id is not None:
        who |= Q(kit_id=kit_id)
    return who & (same | other)

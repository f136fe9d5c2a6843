"""Reads of heroes, scoped to the person asking: a hero reads only their own profile,
coordinators the heroes of their municipalities. Anything else is a 404."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from schools.models import CoordinatorMembership, Neighbourhood

from .models import (
    VOG_WARNING_DAYS,
    AvailabilityException,
    AvailabilityWindow,
    Hero,
    Topic,
    VOGCheck,
)


def _latest_vog(field: str) -> Subquery:
    latest = VOGCheck.objects.filter(hero=OuterRef("pk")).order_by(
        "-issued_on", "-recorded_at", "-pk"
    )
    return Subquery(latest.values(field)[:1])


def with_vog(queryset: QuerySet[Hero]) -> QuerySet[Hero]:
    """Annotate each hero's current VOG end date (None when no check was ever recorded)."""
    return queryset.annotate(vog_valid_until=_latest_vog("valid_until"))


def hero_of_user(user) -> Hero:
    hero = with_vog(
        Hero.objects.active().select_related("municipality", "home_neighbourhood")
    ).filter(user=user)
    found = hero.first()
    if found is None:
        raise Http404
    return found


def hero_profile_parts(hero: Hero, *, today: dt.date) -> dict:
    return {
        "topics": list(hero.topics.all()),
        "visit_neighbourhoods": list(hero.visit_neighbourhoods.all()),
        "windows": list(hero.availability.all()),
        "away_periods": list(hero.away_periods.filter(ends_on__gte=today)),
    }


def heroes_for_coordinator(
    roles, *, today: dt.date, vog_problem: bool = False, vog_soon: bool = False
) -> QuerySet[Hero]:
    """The coordinator's heroes; `vog_problem`: only those whose VOG is expired or missing;
    `vog_soon`: only those whose VOG ends within the warning period."""
    qs = with_vog(
        Hero.objects.active()
        .filter(municipality_id__in=roles.coordinator_of)
        .select_related("municipality", "user")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
    )
    if vog_problem:
        qs = qs.filter(Q(vog_valid_until__isnull=True) | Q(vog_valid_until__lt=today))
    if vog_soon:
        soon = today + dt.timedelta(days=VOG_WARNING_DAYS)
        qs = qs.filter(vog_valid_until__gte=today, vog_valid_until__lte=soon)
    return qs.order_by("display_name", "pk")


def get_hero_for_coordinator(roles, pk: int) -> Hero:
    qs = with_vog(
        Hero.objects.active().select_related("municipality", "user", "home_neighbourhood")
    )
    return get_object_or_404(qs, pk=pk, municipality_id__in=roles.coordinator_of)


def vog_history(hero: Hero) -> QuerySet[VOGCheck]:
    return hero.vog_checks.select_related("recorded_by").order_by(
        "-issued_on", "-recorded_at", "-pk"
    )


def topics_for_coordinator(roles) -> QuerySet[Topic]:
    return (
        Topic.objects.filter(municipality_id__in=roles.coordinator_of)
        .select_related("municipality")
        .order_by("municipality__name", "name")
    )


def get_topic_for_coordinator(roles, pk: int) -> Topic:
    return get_object_or_404(topics_for_coordinator(roles), pk=pk)


def topics_of_municipality(municipality_id: int) -> QuerySet[Topic]:
    return Topic.objects.filter(municipality_id=municipality_id).order_by("name")


def neighbourhoods_of_municipality(municipality_id: int) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(municipality_id=municipality_id).order_by("name")


def get_window_of_hero(hero: Hero, pk: int) -> AvailabilityWindow:
    return get_object_or_404(AvailabilityWindow, pk=pk, hero=hero)


def get_away_period_of_hero(hero: Hero, pk: int) -> AvailabilityException:
    return get_object_or_404(AvailabilityException, pk=pk, hero=hero)


def vog_checks_expiring(*, now: dt.datetime) -> QuerySet[VOGCheck]:
    """Current VOG checks (the latest of each hero) that end within VOG_WARNING_DAYS."""
    today = timezone.localdate(now)
    latest_pk = VOGCheck.objects.filter(hero=OuterRef("hero_id")).order_by(
        "-issued_on", "-recorded_at", "-pk"
    )
    return (
        VOGCheck.objects.filter(
            pk=Subquery(latest_pk.values("pk")[:1]),
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=VOG_WARNING_DAYS),
        )
        .select_related("hero__user", "hero__municipality")
        .prefetch_related(
            Prefetch(
                "hero__municipality__coordinators",
                queryset=CoordinatorMembership.objects.select_related("user"),
            )
        )
        .order_by("valid_until", "pk")
    )

"""Reads of organisations, always scoped to the person asking.

Directory data (municipalities, neighbourhoods, schools, venues) is visible per municipality:
coordinators see their own, staff their schools' municipality, heroes theirs. Parents may pick
any school (children cross municipal borders), so they read the whole directory. Groups and
closures belong to a school: only its staff and its municipality's coordinators see them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Group, Municipality, Neighbourhood, School, SchoolClosure, Venue


def _directory_municipalities(roles) -> set[int] | None:
    """Municipality ids a person may read the directory of; None means all of them."""
    if roles.is_parent:
        return None
    ids = set(roles.coordinator_of)
    if roles.staff_of:
        ids |= set(
            School.objects.filter(pk__in=roles.staff_of).values_list(
                "neighbourhood__municipality_id", flat=True
            )
        )
    if roles.hero_municipality is not None:
        ids.add(roles.hero_municipality)
    return ids


def municipalities_visible_to(roles) -> QuerySet[Municipality]:
    ids = _directory_municipalities(roles)
    qs = Municipality.objects.all()
    return qs if ids is None else qs.filter(pk__in=ids)


def neighbourhoods_visible_to(roles) -> QuerySet[Neighbourhood]:
    ids = _directory_municipalities(roles)
    qs = Neighbourhood.objects.select_related("municipality")
    return qs if ids is None else qs.filter(municipality_id__in=ids)


def schools_visible_to(roles) -> QuerySet[School]:
    ids = _directory_municipalities(roles)
    qs = School.objects.select_related("neighbourhood__municipality")
    return qs if ids is None else qs.filter(neighbourhood__municipality_id__in=ids)


def venues_visible_to(roles) -> QuerySet[Venue]:
    ids = _directory_municipalities(roles)
    qs = Venue.objects.select_related("neighbourhood__municipality")
    return qs if ids is None else qs.filter(neighbourhood__municipality_id__in=ids)


def schools_managed_by(roles) -> QuerySet[School]:
    """Schools whose groups and closures a person may edit: their own as staff, all in their
    municipality as coordinator."""
    return School.objects.select_related("neighbourhood__municipality").filter(
        Q(pk__in=roles.staff_of) | Q(neighbourhood__municipality_id__in=roles.coordinator_of)
    )


def groups_visible_to(roles) -> QuerySet[Group]:
    return Group.objects.select_related("school").filter(
        Q(school_id__in=roles.staff_of)
        | Q(school__neighbourhood__municipality_id__in=roles.coordinator_of)
    )


def closures_visible_to(roles) -> QuerySet[SchoolClosure]:
    """A school's own closures and its municipality's closures for every school."""
    staff_municipalities = School.objects.filter(pk__in=roles.staff_of).values(
        "neighbourhood__municipality_id"
    )
    return SchoolClosure.objects.select_related("school", "municipality").filter(
        Q(municipality_id__in=roles.coordinator_of)
        | Q(school_id__in=roles.staff_of)
        | Q(school__isnull=True, municipality_id__in=staff_municipalities)
    )


def get_school_for_manager(roles, pk: int) -> School:
    """A school the person may manage, or 404 (outsiders learn nothing)."""
    return get_object_or_404(schools_managed_by(roles), pk=pk)


def get_municipality_for_coordinator(roles, pk: int) -> Municipality:
    return get_object_or_404(Municipality.objects.filter(pk__in=roles.coordinator_of), pk=pk)

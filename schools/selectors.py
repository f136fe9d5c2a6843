"""Reads of organisations, always scoped to the person asking.

Directory data (municipalities, neighbourhoods, schools, venues) is visible per municipality:
coordinators see their own, staff their schools' municipality, heroes theirs. Parents may pick
any school (children cross municipal borders), so they read the whole directory. Groups and
closures belong to a school: only its staff and its municipality's coordinators see them.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from .models import (
    Group,
    Municipality,
    Neighbourhood,
    School,
    SchoolClosure,
    StaffMembership,
    Venue,
)


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


# Pages for managing organisations. Coordinators manage the directory of their own
# municipalities; staff manage only their school's groups and its own closures.


def _school_year_first_day(school_year: str) -> dt.date:
    return dt.date(int(school_year[:4]), 8, 1)


def neighbourhoods_managed_by(roles) -> QuerySet[Neighbourhood]:
    return (
        Neighbourhood.objects.select_related("municipality")
        .filter(municipality_id__in=roles.coordinator_of)
        .annotate(school_count=Count("schools", distinct=True))
        .annotate(venue_count=Count("venues", distinct=True))
        .order_by("municipality__name", "name")
    )


def venues_managed_by(roles) -> QuerySet[Venue]:
    return (
        Venue.objects.select_related("neighbourhood__municipality")
        .filter(neighbourhood__municipality_id__in=roles.coordinator_of)
        .order_by("name")
    )


def school_list_for(
    roles, *, neighbourhood_id: int | None = None, level: str = ""
) -> QuerySet[School]:
    """The schools a person manages, with their group count, filtered as the list page asks."""
    qs = schools_managed_by(roles).annotate(group_count=Count("groups")).order_by("name")
    if neighbourhood_id:
        qs = qs.filter(neighbourhood_id=neighbourhood_id)
    if level:
        qs = qs.filter(level=level)
    return qs


def closure_list_for(roles, *, school_year: str = "") -> QuerySet[SchoolClosure]:
    """Closures a person sees, optionally only those touching one school year."""
    qs = closures_visible_to(roles).select_related("school__neighbourhood")
    if school_year:
        first = _school_year_first_day(school_year)
        last = first.replace(year=first.year + 1) - dt.timedelta(days=1)
        qs = qs.filter(start_date__lte=last, end_date__gte=first)
    return qs.order_by("start_date", "name")


def upcoming_closures_for_school(school: School, today: dt.date) -> QuerySet[SchoolClosure]:
    """Closures still ahead for a school: its own and its municipality's."""
    return (
        SchoolClosure.objects.select_related("school")
        .filter(
            Q(school=school)
            | Q(school__isnull=True, municipality_id=school.neighbourhood.municipality_id)
        )
        .filter(end_date__gte=today)
        .order_by("start_date", "name")
    )


def groups_of_school(school: School, current_year: str) -> QuerySet[Group]:
    """A school's groups, this school year's first, then the newest years."""
    return (
        Group.objects.filter(school=school)
        .annotate(
            is_current=Case(
                When(school_year=current_year, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("is_current", "-school_year", "grade", "name")
    )


def staff_of_school(school: School) -> QuerySet[StaffMembership]:
    return (
        StaffMembership.objects.filter(school=school)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def closures_editable_by(roles) -> QuerySet[SchoolClosure]:
    """Coordinators edit every closure in their municipalities; staff only their school's own
    (a municipality-wide holiday is not theirs to change)."""
    return SchoolClosure.objects.select_related("school", "municipality").filter(
        Q(municipality_id__in=roles.coordinator_of) | Q(school_id__in=roles.staff_of)
    )


def get_school_for_coordinator(roles, pk: int) -> School:
    return get_object_or_404(
        School.objects.select_related("neighbourhood__municipality").filter(
            neighbourhood__municipality_id__in=roles.coordinator_of
        ),
        pk=pk,
    )


def get_neighbourhood_for_coordinator(roles, pk: int) -> Neighbourhood:
    return get_object_or_404(
        Neighbourhood.objects.select_related("municipality").filter(
            municipality_id__in=roles.coordinator_of
        ),
        pk=pk,
    )


def get_venue_for_coordinator(roles, pk: int) -> Venue:
    return get_object_or_404(venues_managed_by(roles), pk=pk)


def get_group_for_manager(roles, pk: int) -> Group:
    return get_object_or_404(
        Group.objects.select_related("school__neighbourhood").filter(
            school__in=schools_managed_by(roles)
        ),
        pk=pk,
    )


def get_closure_for_editor(roles, pk: int) -> SchoolClosure:
    return get_object_or_404(closures_editable_by(roles), pk=pk)


def municipalities_coordinated_by(roles) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=roles.coordinator_of).order_by("name")

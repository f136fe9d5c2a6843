"""Reads of activities, always scoped to the person asking; outsiders get 404."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Activity, Child, Enrolment, Occurrence


def activities_published() -> QuerySet[Activity]:
    """What families can browse: published activities, with their waiting-list length."""
    return (
        Activity.objects.filter(status=Activity.Status.PUBLISHED)
        .select_related("school__neighbourhood", "venue__neighbourhood")
        .annotate(
            waitlist_length=Count(
                "enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED)
            ),
            applications=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.APPLIED)),
        )
    )


def get_published_activity(pk: int) -> Activity:
    return get_object_or_404(activities_published(), pk=pk)


def activities_managed_by(roles) -> QuerySet[Activity]:
    """Activities of the person's schools (staff) or municipality (coordinator)."""
    return (
        Activity.objects.filter(
            Q(school_id__in=roles.staff_of)
            | Q(school__neighbourhood__municipality_id__in=roles.coordinator_of)
        )
        .select_related("school", "venue", "lottery_round")
        .annotate(
            waitlist_length=Count(
                "enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED)
            ),
            applications=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.APPLIED)),
        )
    )


def get_activity_for_manager(roles, pk: int) -> Activity:
    return get_object_or_404(activities_managed_by(roles), pk=pk)


def get_occurrence_for_manager(roles, pk: int) -> Occurrence:
    return get_object_or_404(
        Occurrence.objects.select_related("activity__school").filter(
            Q(activity__school_id__in=roles.staff_of)
            | Q(activity__school__neighbourhood__municipality_id__in=roles.coordinator_of)
        ),
        pk=pk,
    )


def children_of(user) -> QuerySet[Child]:
    return Child.objects.filter(guardian=user).select_related("school", "group", "neighbourhood")


def get_child_for_guardian(user, pk: int) -> Child:
    return get_object_or_404(children_of(user), pk=pk)


def enrolments_of(user) -> QuerySet[Enrolment]:
    """Every enrolment of the person's children, newest first."""
    return (
        Enrolment.objects.filter(child__guardian=user)
        .select_related("child", "activity__school", "activity__venue")
        .order_by("-applied_at", "-pk")
    )


def get_enrolment_for_guardian(user, pk: int) -> Enrolment:
    return get_object_or_404(enrolments_of(user), pk=pk)


def enrolments_for_manager(roles, activity: Activity) -> QuerySet[Enrolment]:
    """The class list and waiting list of an activity the person manages."""
    return (
        Enrolment.objects.filter(activity=activity)
        .select_related("child__school", "child__group", "child__guardian")
        .order_by("priority_tier", "applied_at", "pk")
    )

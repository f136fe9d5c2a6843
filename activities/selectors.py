"""Reads of activities, always scoped to the person asking; outsiders get 404."""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.ids import as_id
from core.prepared import Param, Prepared

from .models import AbsenceNotice, Activity, Attendance, Child, Enrolment, Occurrence


def _with_counts(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """Waiting-list length and lottery applications per activity, in the same query.

    Counted per activity by a subquery on the enrolments' (activity, status) index, not by
    joining and grouping all enrolments: a page of 25 out of 20,000 activities then counts
    for 25 (PostgreSQL evaluates them after ORDER BY ... LIMIT), and the paginator's COUNT
    leaves them out.
    """
    return activities.annotate(
        waitlist_length=enrolment_count(Enrolment.Status.WAITLISTED),
        applications=enrolment_count(Enrolment.Status.APPLIED),
    ).order_by("first_date", "weekday", "start_time", "title", "pk")


def enrolment_count(status: str) -> Coalesce:
    """An activity's enrolments with this status, as a subquery to annotate with."""
    counted = (
        Enrolment.objects.filter(activity=OuterRef("pk"), status=status)
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def activities_published() -> QuerySet[Activity]:
    """What families can browse: published activities, with their waiting-list length."""
    return _with_counts(
        Activity.objects.filter(status=Activity.Status.PUBLISHED).select_related(
            "school__neighbourhood", "venue__neighbourhood"
        )
    )


def get_published_activity(pk: int) -> Activity:
    return get_object_or_404(activities_published(), pk=pk)


# Read by every enrolment of a rush through the family's page: compiled once (core.prepared).
_PUBLISHED_TO_ENROL = Prepared(
    lambda size: Activity.objects.filter(
        status=Activity.Status.PUBLISHED, pk=Param("activity")
    ).select_related("school__neighbourhood", "venue")
)


def published_activity_to_enrol(pk) -> Activity | None:
    """The published activity without its counts (what enrolling reads), or None. `pk` may be
    text from a request: a number no key can be matches no row (and would overflow SQLite)."""
    if (activity_id := as_id(pk)) is None:
        return None
    found = _PUBLISHED_TO_ENROL.instances(activity=activity_id)
    return found[0] if found else None


def get_published_activity_to_enrol(pk: int) -> Activity:
    """published_activity_to_enrol, or 404."""
    if (activity := published_activity_to_enrol(pk)) is None:
        raise Http404
    return activity


def activities_managed_by(roles) -> QuerySet[Activity]:
    """Activities of the person's schools (staff) or municipality (coordinator)."""
    return _with_counts(
        Activity.objects.filter(
            Q(school_id__in=roles.staff_of)
            | Q(school__neighbourhood__municipality_id__in=roles.coordinator_of)
        ).select_related("school", "venue", "lottery_round")
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


def home_municipalities(user) -> dict[int, str]:
    """The municipalities the family's children go to school in (id: name, by name): where the
    list of activities starts. Empty for a parent without children."""
    rows = (
        Child.objects.filter(guardian=user)
        .order_by("school__neighbourhood__municipality__name")
        .values_list(
            "school__neighbourhood__municipality_id", "school__neighbourhood__municipality__name"
        )
        .distinct()
    )
    return dict(rows)


def get_child_for_guardian(user, pk: int) -> Child:
    return get_object_or_404(children_of(user), pk=pk)


def enrolments_of(user) -> QuerySet[Enrolment]:
    """Every enrolment of the person's children, newest first."""
    return (
        Enrolment.objects.filter(child__guardian=user)
        .select_related("child", "activity__school", "activity__venue")
        .order_by("-applied_at", "-pk")
    )


# The enrol page reads these on every post; compiled once (core.prepared), as the rush's own.
_OWN_CHILDREN = Prepared(lambda size: children_of(Param("user")))
_ACTIVE_IN_ACTIVITY = Prepared(
    lambda size: enrolments_of(Param("user")).filter(
        activity=Param("activity"), status__in=Enrolment.ACTIVE
    )
)


def own_children(user) -> list[Child]:
    """children_of(user), read."""
    return _OWN_CHILDREN.instances(user=user.pk)


def active_enrolments_in(user, activity: Activity) -> list[Enrolment]:
    """The person's children's active enrolments in `activity` (of enrolments_of)."""
    return _ACTIVE_IN_ACTIVITY.instances(user=user.pk, activity=activity.pk)


def with_waitlist_position(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Annotate `waitlist_position` (1 = next in line; None when not waiting) in the same
    query, in the order of services.waitlist_position."""
    same_tier = Q(priority_tier=OuterRef("priority_tier"))
    ahead = (
        Enrolment.objects.filter(
            activity_id=OuterRef("activity_id"), status=Enrolment.Status.WAITLISTED
        )
        .filter(
            Q(priority_tier__lt=OuterRef("priority_tier"))
            | (same_tier & Q(applied_at__lt=OuterRef("applied_at")))
            | (same_tier & Q(applied_at=OuterRef("applied_at"), pk__lt=OuterRef("pk")))
        )
        .order_by()
        .values("activity_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return enrolments.annotate(
        waitlist_position=Case(
            When(
                status=Enrolment.Status.WAITLISTED,
                then=Coalesce(Subquery(ahead), Value(0)) + 1,
            ),
            default=None,
            output_field=IntegerField(),
        )
    )


def enrolments_with_positions(user) -> QuerySet[Enrolment]:
    return with_waitlist_position(enrolments_of(user))


def get_enrolment_for_guardian(user, pk: int) -> Enrolment:
    return get_object_or_404(enrolments_of(user), pk=pk)


def enrolments_for_manager(roles, activity: Activity) -> QuerySet[Enrolment]:
    """The class list and waiting list of an activity the person manages."""
    return (
        Enrolment.objects.filter(activity=activity)
        .select_related("child__school", "child__group", "child__guardian")
        .order_by("priority_tier", "applied_at", "pk")
    )


def activity_list_for(roles, *, now, school_id: int | None = None, status: str = ""):
    """The staff list: managed activities with their next session, in one query."""
    next_session = (
        Occurrence.objects.filter(activity=OuterRef("pk"), cancelled_at=None, ends_at__gte=now)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    activities = activities_managed_by(roles).annotate(next_session=Subquery(next_session))
    if school_id:
        activities = activities.filter(school_id=school_id)
    if status:
        activities = activities.filter(status=status)
    return activities.order_by("-first_date", "title", "pk")


def placeable_enrolments(activity: Activity) -> QuerySet[Enrolment]:
    """Children staff may place by hand: waiting, or applied for a lottery."""
    return (
        Enrolment.objects.filter(
            activity=activity,
            status__in=[Enrolment.Status.WAITLISTED, Enrolment.Status.APPLIED],
        )
        .select_related("child")
        .order_by("priority_tier", "applied_at", "pk")
    )


def register_of(occurrence: Occurrence) -> tuple[list[Enrolment], dict[int, str], dict]:
    """The register of a session (found through get_occurrence_for_manager): the children
    with a place, the marks saved, and the families' absence notices by enrolment id."""
    enrolments = list(
        Enrolment.objects.filter(
            activity_id=occurrence.activity_id, status=Enrolment.Status.CONFIRMED
        )
        .select_related("child")
        .order_by("child__first_name", "pk")
    )
    saved = dict(
        Attendance.objects.filter(occurrence=occurrence).values_list("enrolment_id", "status")
    )
    notices = {n.enrolment_id: n for n in AbsenceNotice.objects.filter(occurrence=occurrence)}
    return enrolments, saved, notices


def sessions_of_enrolment(enrolment: Enrolment) -> QuerySet[Occurrence]:
    """The sessions of the child's activity (the enrolment found through
    get_enrolment_for_guardian), each with the child's mark (`mark`, None when not recorded)
    and the family's notice (`absence_reported`, `absence_reason`), in one query."""
    marks = Attendance.objects.filter(occurrence=OuterRef("pk"), enrolment=enrolment)
    notices = AbsenceNotice.objects.filter(occurrence=OuterRef("pk"), enrolment=enrolment)
    return (
        Occurrence.objects.filter(activity_id=enrolment.activity_id)
        .annotate(
            mark=Subquery(marks.values("status")[:1]),
            absence_reported=Exists(notices),
            absence_reason=Subquery(notices.values("reason")[:1]),
        )
        .order_by("starts_at", "pk")
    )


def get_session_of_enrolment(enrolment: Enrolment, pk: int) -> Occurrence:
    return get_object_or_404(sessions_of_enrolment(enrolment), pk=pk)

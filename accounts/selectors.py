"""Reads for accounts, scoped to the person asking: invitations and the home page overview."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from activities.models import Enrolment
from activities.selectors import children_of, enrolments_of
from heroes.models import Hero
from notifications.models import Notification
from notifications.selectors import notifications_about
from schools.models import (
    CoordinatorMembership,
    Municipality,
    Neighbourhood,
    School,
    SchoolClosure,
    Venue,
    current_school_year,
)

from .models import Invitation

CLOSURES_PER_SCHOOL = 3


def invitations_visible_to(roles) -> QuerySet[Invitation]:
    """Invitations of the municipalities a person coordinates; nobody else sees any."""
    return Invitation.objects.filter(municipality_id__in=roles.coordinator_of).select_related(
        "municipality", "school", "invited_by"
    )


def get_invitation_for_coordinator(roles, pk: int) -> Invitation:
    return get_object_or_404(invitations_visible_to(roles), pk=pk)


def get_invitation_by_token(token: str) -> Invitation:
    """The link in the email is the key; an unknown token tells nothing (404)."""
    return get_object_or_404(
        Invitation.objects.select_related("municipality", "school", "invited_by"), token=token
    )


def invitation_status(invitation: Invitation, now: datetime) -> str:
    if invitation.accepted_at:
        return "accepted"
    if invitation.revoked_at:
        return "revoked"
    if invitation.expires_at <= now:
        return "expired"
    return "open"


def open_invitations(now: datetime) -> Q:
    return Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


def _count_per_municipality(queryset: QuerySet, path: str) -> Coalesce:
    counted = (
        queryset.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def coordinator_overview(roles, now: datetime) -> list[Municipality]:
    """The coordinator's municipalities with their counts, in one query."""
    return list(
        Municipality.objects.filter(pk__in=roles.coordinator_of).annotate(
            school_count=_count_per_municipality(
                School.objects.all(), "neighbourhood__municipality"
            ),
            neighbourhood_count=_count_per_municipality(
                Neighbourhood.objects.all(), "municipality"
            ),
            venue_count=_count_per_municipality(Venue.objects.all(), "neighbourhood__municipality"),
            open_invitation_count=_count_per_municipality(
                Invitation.objects.filter(open_invitations(now)), "municipality"
            ),
        )
    )


def municipalities_for_programme(roles, now: datetime) -> QuerySet[Municipality]:
    """Every municipality with its counts, for the programme team (names and numbers, never a
    person): one query for any number of municipalities, schools or people."""
    if not roles.is_programme:
        return Municipality.objects.none()
    coordinator_invitations = Invitation.objects.filter(
        open_invitations(now), role=Invitation.Role.COORDINATOR
    )
    return Municipality.objects.annotate(
        neighbourhood_count=_count_per_municipality(Neighbourhood.objects.all(), "municipality"),
        target_area_count=_count_per_municipality(
            Neighbourhood.objects.filter(is_target_area=True), "municipality"
        ),
        school_count=_count_per_municipality(School.objects.all(), "neighbourhood__municipality"),
        coordinator_count=_count_per_municipality(
            CoordinatorMembership.objects.all(), "municipality"
        ),
        invited_coordinator_count=_count_per_municipality(coordinator_invitations, "municipality"),
    ).order_by("name", "pk")


def staff_overview(roles, today: date) -> list[School]:
    """The person's schools with this school year's group count and the next closures, in
    two queries however many schools."""
    schools = list(
        School.objects.filter(pk__in=roles.staff_of)
        .select_related("neighbourhood")
        .annotate(
            group_count=Count("groups", filter=Q(groups__school_year=current_school_year(today)))
        )
        .order_by("name")
    )
    municipality_ids = {school.neighbourhood.municipality_id for school in schools}
    closures = SchoolClosure.objects.filter(
        Q(school_id__in=roles.staff_of)
        | Q(school__isnull=True, municipality_id__in=municipality_ids),
        end_date__gte=today,
    ).order_by("start_date", "name")
    for school in schools:
        school.upcoming_closures = []
    by_pk = {school.pk: school for school in schools}
    for closure in closures:
        targets = (
            [by_pk[closure.school_id]]
            if closure.school_id
            else [s for s in schools if s.neighbourhood.municipality_id == closure.municipality_id]
        )
        for school in targets:
            if len(school.upcoming_closures) < CLOSURES_PER_SCHOOL:
                school.upcoming_closures.append(closure)
    return schools


def hero_profile(user) -> Hero | None:
    return Hero.objects.select_related("municipality").filter(user=user).first()


def parent_overview(user) -> dict:
    """A parent's children with how many activities each has, and offers waiting for an answer."""
    children = children_of(user).annotate(
        active_count=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.ACTIVE))
    )
    offers = enrolments_of(user).filter(status=Enrolment.Status.OFFERED)
    return {"children": list(children), "offers": list(offers)}


# --- undelivered messages ------------------------------------------------------------------------
# `notifications` knows no domain app, so the coordinator's view of the outbox is scoped here.


def failed_notifications_for(roles) -> QuerySet[Notification]:
    """The dead letters a coordinator may see and send again, newest first."""
    return (
        notifications_about(roles)
        .filter(status=Notification.Status.FAILED)
        .select_related("recipient")
        .defer("body_text", "body_html", "ics")
        .order_by("-created_at", "-id")
    )


def get_notification_for_coordinator(roles, pk: int) -> Notification:
    return get_object_or_404(notifications_about(roles), pk=pk)

"""Who a Be on Track message reaches: the guardians of the children that match its filters,
one per family, never an erased child or account, never a parent who switched them off."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet

from activities.models import Child, Enrolment

from .models import MessagePreference, ParentMessage

# Under this many families a coordinator sees "< 5": a count that small, with the filters,
# could point at one family, and coordinators do not see families themselves.
SMALL_COUNT = 5


@dataclass(frozen=True)
class Audience:
    municipality_id: int
    neighbourhood_id: int | None = None
    school_id: int | None = None
    grade_min: int | None = None
    grade_max: int | None = None
    activity_id: int | None = None

    @classmethod
    def of(cls, message: ParentMessage) -> Audience:
        return cls(
            municipality_id=message.municipality_id,
            neighbourhood_id=message.neighbourhood_id,
            school_id=message.school_id,
            grade_min=message.grade_min,
            grade_max=message.grade_max,
            activity_id=message.activity_id,
        )


def audience_children(audience: Audience) -> QuerySet[Child]:
    """The children that match: at a school of the municipality, and every filter that is set.
    An activity's children are those with a live enrolment (applied, placed, offered, on the
    waiting list): the message may be about the activity they are waiting for."""
    children = Child.objects.filter(
        erased_at__isnull=True,
        guardian__isnull=False,
        school__neighbourhood__municipality_id=audience.municipality_id,
    )
    if audience.neighbourhood_id:
        children = children.filter(neighbourhood_id=audience.neighbourhood_id)
    if audience.school_id:
        children = children.filter(school_id=audience.school_id)
    if audience.grade_min:
        children = children.filter(grade__gte=audience.grade_min)
    if audience.grade_max:
        children = children.filter(grade__lte=audience.grade_max)
    if audience.activity_id:
        children = children.filter(
            Exists(
                Enrolment.objects.filter(
                    child=OuterRef("pk"),
                    activity_id=audience.activity_id,
                    status__in=Enrolment.ACTIVE,
                )
            )
        )
    return children


def audience_guardians(audience: Audience) -> QuerySet:
    """The families (guardians) to write to, each once, in a fixed order for batches."""
    user_model = get_user_model()
    opted_out = MessagePreference.objects.filter(user=OuterRef("pk"), messages_off=True)
    return (
        user_model.objects.filter(
            Exists(audience_children(audience).filter(guardian=OuterRef("pk"))),
            is_active=True,
            erased_at__isnull=True,
        )
        .exclude(Exists(opted_out))
        .order_by("pk")
    )


def audience_count(audience: Audience) -> int:
    return audience_guardians(audience).count()


def shown_count(count: int, *, exact: bool) -> str:
    """The count as a sender may see it: exact for staff of their own school, "< 5" for a
    coordinator when it is 1 to 4 (0 is said, so nobody sends to no one)."""
    if exact or count == 0 or count >= SMALL_COUNT:
        return str(count)
    return f"< {SMALL_COUNT}"

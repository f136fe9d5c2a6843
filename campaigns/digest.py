"""The monthly digest, for parents who asked for it: the activities published in the last month
that fit one of their children (the child's school type and grade, at the child's school or in
the neighbourhood the child lives in), in the parent's language, once a month at most.

Loaded in a fixed number of queries: the new activities, then the children of the parents who
asked; matched in Python."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Prefetch

from activities.models import Activity, Child
from core.time import local_date
from core.urls import absolute_url
from notifications.services import notification_create_from_template, notifications_queue

from .models import MessagePreference

WINDOW = timedelta(days=31)
KIND = "parent_digest"


def _new_activities(now: datetime) -> list[Activity]:
    return list(
        Activity.objects.filter(
            status=Activity.Status.PUBLISHED,
            created_at__gte=now - WINDOW,
            enrolment_closes_at__gt=now,
        )
        .select_related("school__neighbourhood", "venue__neighbourhood")
        .order_by("first_date", "title", "pk")
    )


def fits(activity: Activity, child: Child) -> bool:
    """The activity is for the child's school type and grade, and near: at the child's school
    or in the neighbourhood the child lives in."""
    if activity.level != child.school.level:
        return False
    if not activity.grade_min <= child.grade <= activity.grade_max:
        return False
    near = {activity.school.neighbourhood_id, activity.place.neighbourhood_id}
    return activity.school_id == child.school_id or child.neighbourhood_id in near


def digests_send(*, now: datetime) -> int:
    """Write this month's digest for every parent who asked and has something new; safe to
    run daily and twice (one key per parent and month). Returns the digests written."""
    activities = _new_activities(now)
    if not activities:
        return 0
    month = local_date(now).strftime("%Y-%m")
    children = Child.objects.filter(erased_at__isnull=True).select_related("school")
    preferences = MessagePreference.objects.filter(
        digest=True, user__is_active=True, user__erased_at__isnull=True
    ).select_related("user")
    preferences = preferences.prefetch_related(
        Prefetch("user__children", queryset=children, to_attr="digest_children")
    )
    written = []
    for preference in preferences:
        parent = preference.user
        found: dict[int, Activity] = {}
        names: dict[int, list[str]] = defaultdict(list)
        for child in parent.digest_children:
            for activity in activities:
                if fits(activity, child):
                    found[activity.pk] = activity
                    names[activity.pk].append(child.first_name)
        if not found:
            continue
        rows = [
            {
                "activity": activity,
                "children": names[pk],
                "url": absolute_url("activities:browse_detail", pk=pk),
            }
            for pk, activity in found.items()
        ]
        notification, created = notification_create_from_template(
            template="campaigns/email/digest",
            context={"rows": rows, "settings_url": absolute_url("account_settings")},
            to_email=parent.email,
            recipient=parent,
            kind=KIND,
            idempotency_key=f"parent-digest:{month}:{parent.pk}",
            language=parent.language,
            queue=False,
        )
        if created:
            written.append(notification.pk)
    notifications_queue(written)
    return len(written)

"""Reads about venues as activities use them: clashes (two activities at one venue at
overlapping times) and a venue's week at a glance. Scoped to the person asking.

A clash is a warning, never a refusal: a venue such as a jongerenHUB has several rooms and often
hosts two groups at once on purpose, and one school's staff cannot change another school's
activity. Staff see the clash when they save or publish (and on the activity's page as long as
it lasts); coordinators see every clash at their municipality's venues.

Only venues count: a school building hosting two of its own activities at once is normal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.time import local_datetime
from schools.models import School, Venue

from .models import Activity, Occurrence


def venues_for_manager(roles) -> QuerySet[Venue]:
    """Venues in the municipalities of a person's schools (staff) or their own (coordinator)."""
    own_schools = School.objects.filter(pk__in=roles.staff_of).values(
        "neighbourhood__municipality_id"
    )
    return Venue.objects.select_related("neighbourhood__municipality").filter(
        Q(neighbourhood__municipality_id__in=roles.coordinator_of)
        | Q(neighbourhood__municipality_id__in=own_schools)
    )


def get_venue_for_manager(roles, pk: int) -> Venue:
    return get_object_or_404(venues_for_manager(roles), pk=pk)


def _live_sessions(now: dt.datetime) -> QuerySet[Occurrence]:
    """Sessions still to end, not cancelled, of activities that are not cancelled."""
    return Occurrence.objects.filter(cancelled_at=None, ends_at__gt=now).exclude(
        activity__status=Activity.Status.CANCELLED
    )


def _overlaps_with(sessions: QuerySet[Occurrence]) -> Exists:
    """For an outer session: one of `sessions` overlaps it (and belongs to another activity)."""
    return Exists(
        sessions.filter(starts_at__lt=OuterRef("ends_at"), ends_at__gt=OuterRef("starts_at"))
        .exclude(activity_id=OuterRef("activity_id"))
        .order_by()
    )


@dataclass
class Clash:
    """Another activity at the same venue whose sessions overlap: the first overlapping
    session and how many there are."""

    other: Activity
    sessions: list[Occurrence] = field(default_factory=list)

    @property
    def first(self) -> Occurrence:
        return self.sessions[0]


def clashes_for_activity(activity: Activity, *, now: dt.datetime) -> list[Clash]:
    """Other activities at this activity's venue with sessions overlapping its own (future
    ones), each with those sessions; one query."""
    if activity.venue_id is None or activity.status == Activity.Status.CANCELLED:
        return []
    mine = _live_sessions(now).filter(activity_id=activity.pk)
    others = (
        _live_sessions(now)
        .filter(activity__venue_id=activity.venue_id)
        .exclude(activity_id=activity.pk)
        .filter(
            Exists(
                mine.filter(
                    starts_at__lt=OuterRef("ends_at"), ends_at__gt=OuterRef("starts_at")
                ).order_by()
            )
        )
        .select_related("activity__school")
        .order_by("starts_at", "pk")
    )
    by_activity: dict[int, Clash] = {}
    for session in others:
        clash = by_activity.setdefault(session.activity_id, Clash(session.activity))
        clash.sessions.append(session)
    return sorted(by_activity.values(), key=lambda c: c.first.starts_at)


@dataclass
class VenueClash:
    """Two activities at one venue with overlapping sessions: the first overlap and a count."""

    venue: Venue
    first: Occurrence
    second: Occurrence
    count: int = 1


def clashes_for_coordinator(roles, *, now: dt.datetime) -> list[VenueClash]:
    """Every clash still to come at the venues of the coordinator's municipalities, one row per
    pair of activities; one query, whatever the number of clashes."""
    live = _live_sessions(now).filter(
        activity__venue__neighbourhood__municipality_id__in=roles.coordinator_of
    )
    sessions = (
        live.filter(_overlaps_with(live.filter(activity__venue_id=OuterRef("activity__venue_id"))))
        .select_related("activity__school", "activity__venue")
        .order_by("activity__venue_id", "starts_at", "pk")
    )
    per_venue: dict[int, list[Occurrence]] = defaultdict(list)
    for session in sessions:
        per_venue[session.activity.venue_id].append(session)
    pairs: dict[tuple[int, int, int], VenueClash] = {}
    for rows in per_venue.values():
        for i, first in enumerate(rows):
            for second in rows[i + 1 :]:
                if second.starts_at >= first.ends_at:
                    break  # sorted by start: no later session overlaps `first`
                if second.activity_id == first.activity_id:
                    continue
                key = (first.activity.venue_id, *sorted((first.activity_id, second.activity_id)))
                if key in pairs:
                    pairs[key].count += 1
                else:
                    pairs[key] = VenueClash(first.activity.venue, first, second)
    return sorted(pairs.values(), key=lambda c: (c.first.starts_at, c.venue.name))


# A venue's week


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def parse_week(value: str) -> dt.date | None:
    """The Monday of an ISO week written "2026-W49"; None when it is not one."""
    try:
        year, week = value.upper().split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None


def week_label(monday: dt.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def venue_week(venue: Venue, monday: dt.date) -> list[tuple[dt.date, list[Occurrence]]]:
    """Monday to Sunday, each day with the venue's sessions in time order (cancelled ones too,
    marked by `is_cancelled`; drafts too, so a clash shows before it is published). One query."""
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    sessions = (
        Occurrence.objects.filter(
            activity__venue=venue,
            starts_at__gte=local_datetime(monday, dt.time(0)),
            starts_at__lt=local_datetime(days[-1] + dt.timedelta(days=1), dt.time(0)),
        )
        .select_related("activity__school")
        .order_by("starts_at", "activity__title", "pk")
    )
    per_day: dict[dt.date, list[Occurrence]] = {day: [] for day in days}
    for session in sessions:
        per_day[session.date].append(session)
    return list(per_day.items())

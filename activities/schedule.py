"""Turning a weekly schedule into dated sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from core.time import local_datetime
from schools.models import SchoolClosure


def session_dates(
    *, weekday: int, first: dt.date, last: dt.date, closed: Iterable[tuple[dt.date, dt.date]]
) -> list[dt.date]:
    """Every `weekday` from `first` to `last` that falls in no closed range."""
    closed = list(closed)
    day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
    dates = []
    while day <= last:
        if not any(start <= day <= end for start, end in closed):
            dates.append(day)
        day += dt.timedelta(days=7)
    return dates


def closures_for_school(school, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The school's own closures and its municipality's, overlapping [first, last]."""
    return list(
        SchoolClosure.objects.filter(
            Q(school=school) | Q(school__isnull=True, municipality_id=school.municipality_id),
            start_date__lte=last,
            end_date__gte=first,
        ).values_list("start_date", "end_date")
    )


def schedule_dates(activity) -> list[dt.date]:
    """Every session date of the activity's schedule, past ones too (sessions are only stored
    from the day the activity was made, so the schedule is the record of its dates)."""
    return session_dates(
        weekday=activity.weekday,
        first=activity.first_date,
        last=activity.last_date,
        closed=closures_for_school(activity.school, activity.first_date, activity.last_date),
    )


def past_session_dates(activity, now: dt.datetime, *, dates=None) -> list[dt.date]:
    """The schedule's dates whose session has started by `now`: no one can book those."""
    if dates is None:
        dates = schedule_dates(activity)
    return [day for day in dates if local_datetime(day, activity.start_time) <= now]

"""What staff are warned about (never refused) when they save or publish an activity: dates
already past, and another activity at the same venue at the same time. Pages show these as
messages, the API as `warnings`."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format, time_format
from django.utils.timezone import localtime
from django.utils.translation import ngettext

from . import venues
from .models import Activity
from .schedule import past_session_dates


def past_dates_warning(activity: Activity, now: dt.datetime) -> str:
    """Which dates of a partly past activity have passed (families cannot book those); ""
    when none has."""
    past = past_session_dates(activity, now)
    if not past:
        return ""
    return ngettext(
        "%(n)d date is already in the past and cannot be booked: %(dates)s.",
        "%(n)d dates are already in the past and cannot be booked: %(dates)s.",
        len(past),
    ) % {"n": len(past), "dates": ", ".join(date_format(day, "j F Y") for day in past)}


def clash_text(activity: Activity, clash: venues.Clash) -> str:
    first = clash.first
    return ngettext(
        "%(venue)s is also booked by %(other)s (%(school)s) at the same time, on "
        "%(date)s from %(start)s to %(end)s. Check with them that there is room for both.",
        "%(venue)s is also booked by %(other)s (%(school)s) at the same time, on "
        "%(count)d dates, the first on %(date)s from %(start)s to %(end)s. Check with them "
        "that there is room for both.",
        len(clash.sessions),
    ) % {
        "venue": activity.venue.name,
        "other": clash.other.title,
        "school": clash.other.school.name,
        "count": len(clash.sessions),
        "date": date_format(first.date, "l j F Y"),
        "start": time_format(localtime(first.starts_at), "H:i"),
        "end": time_format(localtime(first.ends_at), "H:i"),
    }


def clash_warnings(activity: Activity, now: dt.datetime) -> list[str]:
    return [clash_text(activity, c) for c in venues.clashes_for_activity(activity, now=now)]

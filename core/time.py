"""The programme's time zone. Datetimes are stored aware (UTC); days, weekdays, opening hours
and school times are Amsterdam's wall clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


def local_date(moment: dt.datetime) -> dt.date:
    """The day it is in Amsterdam at this moment."""
    return moment.astimezone(LOCAL_TZ).date()


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time on a day in Amsterdam, as an aware datetime (DST included)."""
    return dt.datetime.combine(day, time, LOCAL_TZ)


# Times in words, for mail and invites: in the active language, on Amsterdam's wall clock,
# with the names of days and months from Django's own catalogues (so Turkish and Arabic have
# theirs), e.g. "woensdag 13 januari, 15:30" + DASH + "17:00".
DAY_FORMAT = "l j F"
DASH = "\u2013"  # An en dash between two times, as in print.
COMMAS = {"ar": "، "}  # Arabic writes its own comma between the day and the time.


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LOCAL_TZ)


def _comma() -> str:
    return COMMAS.get((get_language() or "").split("-")[0], ", ")


def _times(start: dt.time | dt.datetime, end: dt.time | dt.datetime) -> str:
    return f"{start:%H:%M}{DASH}{end:%H:%M}"


def day_text(day: dt.date) -> str:
    """The day in words, e.g. "woensdag 13 januari"."""
    return date_format(day, DAY_FORMAT)


def moment_text(moment: dt.datetime) -> str:
    """One moment, e.g. a deadline: "woensdag 6 januari, 14:00"."""
    local = _local(moment)
    return f"{day_text(local.date())}{_comma()}{local:%H:%M}"


def when_text(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """A session, "woensdag 13 januari, 15:30" DASH "17:00"; both days when it ends on another."""
    start, end = _local(starts_at), _local(ends_at)
    if start.date() != end.date():
        return f"{moment_text(start)} {DASH} {moment_text(end)}"
    return f"{day_text(start.date())}{_comma()}{_times(start, end)}"


def weekly_text(*, first_date: dt.date, start_time: dt.time, end_time: dt.time) -> str:
    """A weekly series, "elke woensdag 15:30" DASH "17:00, vanaf 13 januari"."""
    return gettext("every %(weekday)s %(times)s, from %(first)s") % {
        "weekday": date_format(first_date, "l"),
        "times": _times(start_time, end_time),
        "first": date_format(first_date, "j F"),
    }

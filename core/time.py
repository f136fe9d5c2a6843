"""The programme's time zone. Datetimes are stored aware (UTC); days, weekdays, opening hours
and school times are Amsterdam's wall clock.

Times in words, for pages, mail and invites: in the active language, on Amsterdam's wall
clock, with the names of days and months from Django's own catalogues (so Turkish and Arabic
have theirs): "woensdag 13 januari, 15:30-17:00", "Çarşamba 13 Ocak, 15:30-17:00".
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


def local_date(moment: dt.datetime) -> dt.date:
    """The day it is in Amsterdam at this moment."""
    return moment.astimezone(LOCAL_TZ).date()


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time on a day in Amsterdam, as an aware datetime (DST included)."""
    return dt.datetime.combine(day, time, LOCAL_TZ)


# Every language reads the weekday first, as the examples do.
DAY_FORMAT = "l j F"
_DAY_FORMAT_WITH_YEAR = "l j F Y"
DASH = "\u2013"  # An en dash between two times, as in print.
# Arabic separates with its own comma.
_COMMA = {"ar": "\u060c "}
# Times are weak text: inside right-to-left text the bidi algorithm would show 15:30-17:00 as
# 17:00-15:30. A left-to-right isolate (LRI … PDI) keeps the order in pages and mails alike.
_LRI, _PDI = "\u2066", "\u2069"


def _comma() -> str:
    return _COMMA.get((translation.get_language() or "").split("-")[0], ", ")


def _isolated(text: str) -> str:
    return f"{_LRI}{text}{_PDI}" if translation.get_language_bidi() else text


def day_text(day: dt.date | dt.datetime, *, year: bool = False) -> str:
    """The day in words, e.g. "woensdag 13 januari"."""
    return date_format(day, _DAY_FORMAT_WITH_YEAR if year else DAY_FORMAT)


def moment_text(moment: dt.datetime, *, year: bool = False) -> str:
    """One moment, e.g. a deadline: "woensdag 6 januari, 14:00"."""
    local = moment.astimezone(LOCAL_TZ)
    return f"{day_text(local, year=year)}{_comma()}{_isolated(f'{local:%H:%M}')}"


def when_text(
    starts_at: dt.datetime, ends_at: dt.datetime | None = None, *, year: bool = False
) -> str:
    """A day and times on Amsterdam's wall clock, in the active language.

    "woensdag 13 januari, 15:30-17:00"; "Çarşamba 13 Ocak, 15:30-17:00". A range that ends
    on another day names both days.
    """
    if ends_at is None:
        return moment_text(starts_at, year=year)
    start, end = starts_at.astimezone(LOCAL_TZ), ends_at.astimezone(LOCAL_TZ)
    if end.date() != start.date():
        return f"{moment_text(start, year=year)} {DASH} {moment_text(end, year=year)}"
    times = _isolated(f"{start:%H:%M}{DASH}{end:%H:%M}")
    return f"{day_text(start, year=year)}{_comma()}{times}"


def weekly_text(*, first_date: dt.date, start_time: dt.time, end_time: dt.time) -> str:
    """A weekly series, "elke woensdag 15:30-17:00, vanaf 13 januari"."""
    return gettext("every %(weekday)s %(times)s, from %(first)s") % {
        "weekday": date_format(first_date, "l"),
        "times": _isolated(f"{start_time:%H:%M}{DASH}{end_time:%H:%M}"),
        "first": date_format(first_date, "j F"),
    }

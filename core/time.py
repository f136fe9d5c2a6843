"""The programme's time zone. Datetimes are stored aware (UTC); days, weekdays, opening hours
and school times are Amsterdam's wall clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.dateformat import format as date_format

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


def local_date(moment: dt.datetime) -> dt.date:
    """The day it is in Amsterdam at this moment."""
    return moment.astimezone(LOCAL_TZ).date()


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time on a day in Amsterdam, as an aware datetime (DST included)."""
    return dt.datetime.combine(day, time, LOCAL_TZ)


# Every language reads the weekday first, as the examples do; Django's own catalogues
# translate the day and month names.
_DAY_FORMAT = "l j F"
_DAY_FORMAT_WITH_YEAR = "l j F Y"
# Arabic separates with its own comma.
_COMMA = {"ar": "\u060c "}
# Times are weak text: inside right-to-left text the bidi algorithm would show 15:30-17:00 as
# 17:00-15:30. A left-to-right isolate (LRI … PDI) keeps the order in pages and mails alike.
_LRI, _PDI = "\u2066", "\u2069"


def when_text(
    starts_at: dt.datetime, ends_at: dt.datetime | None = None, *, year: bool = False
) -> str:
    """A day and times on Amsterdam's wall clock, in the active language.

    "woensdag 13 januari, 15:30-17:00"; "Çarşamba 13 Ocak, 15:30-17:00". A range that ends
    on another day names both days.
    """
    language = translation.get_language() or ""
    isolate = translation.get_language_bidi()
    day_format = _DAY_FORMAT_WITH_YEAR if year else _DAY_FORMAT
    comma = _COMMA.get(language.split("-")[0], ", ")

    def times(text: str) -> str:
        return f"{_LRI}{text}{_PDI}" if isolate else text

    start = starts_at.astimezone(LOCAL_TZ)
    text = f"{date_format(start, day_format)}{comma}"
    if ends_at is None:
        return text + times(f"{start:%H:%M}")
    end = ends_at.astimezone(LOCAL_TZ)
    if end.date() == start.date():
        return text + times(f"{start:%H:%M}\u2013{end:%H:%M}")
    return (
        f"{text}{times(f'{start:%H:%M}')} \u2013 "
        f"{date_format(end, day_format)}{comma}{times(f'{end:%H:%M}')}"
    )

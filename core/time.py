"""The programme's time zone. Datetimes are stored aware (UTC); days, weekdays, opening hours
and school times are Amsterdam's wall clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


def local_date(moment: dt.datetime) -> dt.date:
    """The day it is in Amsterdam at this moment."""
    return moment.astimezone(LOCAL_TZ).date()


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time on a day in Amsterdam, as an aware datetime (DST included)."""
    return dt.datetime.combine(day, time, LOCAL_TZ)

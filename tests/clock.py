"""The tests' calendar: Amsterdam's clock and the moments the suites stand at, each written once.

Suites stand at different moments on purpose: the scheduler on Monday 2 November 2026 at 09:00
with the visits a week later; the heroes and schools suites at noon (UTC) that Monday; the
activities suites on 1 December, while enrolment is open (factories.OPENS - factories.CLOSES).
"""

import datetime as dt

from core.time import LOCAL_TZ, local_datetime

__all__ = [
    "ENROLLING",
    "FEB_1",
    "FIRST_SESSION",
    "HOUR",
    "LOCAL_TZ",
    "MINUTE",
    "MONDAY",
    "MONDAY_NOON",
    "NOW",
    "THURSDAY",
    "TUESDAY",
    "WEDNESDAY",
    "at",
]

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """The wall-clock time on `day` in Amsterdam, as an aware datetime."""
    return local_datetime(day, dt.time(hour, minute))


# --- the scheduler: a Monday, and the school days of the week after ---------------------------

MONDAY = dt.date(2026, 11, 2)
NOW = at(MONDAY, 9)  # the reference moment: Monday 2 November 2026, 09:00 in Amsterdam
TUESDAY = dt.date(2026, 11, 10)  # a week on: the day the requests ask for
WEDNESDAY = TUESDAY + dt.timedelta(days=1)
THURSDAY = TUESDAY + dt.timedelta(days=2)

# --- heroes and schools: noon (UTC) on the same Monday ----------------------------------------

MONDAY_NOON = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)

# --- activities: the factories' activity runs on Wednesdays from 6 January 2027 ---------------

ENROLLING = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)  # enrolment is open (Nov - Jan)
FIRST_SESSION = at(dt.date(2027, 1, 6), 14)  # the first Wednesday session, 14:00
FEB_1 = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)  # the term is half way

"""School holidays and the public holidays on which schools close, for any school year.

`school_holidays(region, school_year)` gives the five holidays of a Dutch holiday region
("noord", "midden", "zuid") in a school year ("2031-2032"):

- **Official dates** where `demo.data.OFFICIAL_SCHOOL_HOLIDAYS` has the year. That table is
  the truth; when the government publishes a new year, add its lines there.
- **Computed dates** for any other year. These are an APPROXIMATION of the government's rules
  (Regeling vakanties), good enough for demo data and nothing more:

  - herfstvakantie: Saturday to Sunday (9 days) around ISO week `AUTUMN_WEEK[region]`;
    in reality the regions take week 42 or 43 in turn.
  - kerstvakantie: from the Saturday before the Monday of the week with 25 December (when
    25 December is a Saturday or Sunday: the Monday after) to the Sunday 15 days later.
    This is the rule itself and gives the same dates in every region.
  - voorjaarsvakantie: Saturday to Sunday around ISO week `SPRING_WEEK[region]`; in reality
    the regions rotate over weeks 7, 8 and 9, and the south follows carnival.
  - meivakantie: Saturday to Sunday around the week with 27 April (Koningsdag); when
    27 April is a Saturday or Sunday, the week after. Only this week is fixed by the rules;
    many schools take a second week, which is not modelled.
  - zomervakantie: six weeks from the second Saturday of July, moved by
    `SUMMER_OFFSET_WEEKS[region]` weeks; in reality the regions' start rotates yearly.

`public_closing_days(region, school_year)` gives the public holidays (from the `holidays`
package, which knows for instance that Bevrijdingsdag is a day off only every fifth year)
on which schools are closed, inside the school year and outside its school holidays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays

from demo.data import OFFICIAL_SCHOOL_HOLIDAYS

# The approximation's rules per holiday region, as data.
AUTUMN_WEEK = {"noord": 43, "midden": 43, "zuid": 42}
SPRING_WEEK = {"noord": 8, "midden": 8, "zuid": 7}
SUMMER_OFFSET_WEEKS = {"noord": 0, "midden": 1, "zuid": -1}
REGIONS = tuple(AUTUMN_WEEK)

# Public holidays on which schools close, by their Dutch name. Eerste Paasdag and Eerste
# Pinksterdag are Sundays; Christmas and New Year fall in the kerstvakantie.
CLOSED_ON = (
    "Tweede Paasdag",
    "Koningsdag",
    "Bevrijdingsdag",
    "Hemelvaartsdag",
    "Tweede Pinksterdag",
)

SATURDAY = 5


@dataclass(frozen=True)
class SchoolHoliday:
    """A named run of days without lessons, first and last day included."""

    name: str
    first: dt.date
    last: dt.date

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def school_holidays(region: str, school_year: str) -> list[SchoolHoliday]:
    """The five school holidays of the region in the school year, in order: official dates
    when the table has them, computed (approximately) when it does not."""
    start, _end = school_year_span(school_year)
    if region not in REGIONS:
        raise ValueError(f"Unknown holiday region {region!r}; expected one of {REGIONS}.")
    official = OFFICIAL_SCHOOL_HOLIDAYS.get(region, {}).get(school_year)
    if official:
        return [
            SchoolHoliday(name, dt.date.fromisoformat(first), dt.date.fromisoformat(last))
            for name, first, last in official
        ]
    return computed_school_holidays(region, start)


def computed_school_holidays(region: str, start_year: int) -> list[SchoolHoliday]:
    """The approximation of the module docstring, for the school year from `start_year`."""
    end_year = start_year + 1
    return [
        SchoolHoliday("Herfstvakantie", *_iso_week_holiday(start_year, AUTUMN_WEEK[region])),
        SchoolHoliday("Kerstvakantie", *_christmas_holiday(start_year)),
        SchoolHoliday("Voorjaarsvakantie", *_iso_week_holiday(end_year, SPRING_WEEK[region])),
        SchoolHoliday("Meivakantie", *_nine_days(_monday_of(dt.date(end_year, 4, 27)))),
        SchoolHoliday("Zomervakantie", *_summer_holiday(end_year, SUMMER_OFFSET_WEEKS[region])),
    ]


def public_closing_days(region: str, school_year: str) -> list[SchoolHoliday]:
    """Public holidays of `CLOSED_ON` in the school year (1 August to 31 July) that fall
    outside its school holidays, as one-day holidays named like "Tweede Pinksterdag"."""
    start, end = school_year_span(school_year)
    first, last = dt.date(start, 8, 1), dt.date(end, 7, 31)
    school = school_holidays(region, school_year)
    closed_on = {name.casefold(): name for name in CLOSED_ON}
    calendar = holidays.Netherlands(years=[start, end], language="nl")
    return [
        SchoolHoliday(closed_on[name.casefold()], day, day)
        for day in sorted(calendar)
        for name in calendar.get_list(day)
        if name.casefold() in closed_on
        and first <= day <= last
        and not any(holiday.covers(day) for holiday in school)
    ]


def school_year_span(school_year: str) -> tuple[int, int]:
    """ "2031-2032" -> (2031, 2032)."""
    start, _, end = school_year.partition("-")
    if not (start.isdigit() and end.isdigit() and int(end) == int(start) + 1):
        raise ValueError(f"A school year looks like '2031-2032', not {school_year!r}.")
    return int(start), int(end)


def _nine_days(monday: dt.date) -> tuple[dt.date, dt.date]:
    """The week of this Monday with the weekends on both sides: Saturday to Sunday."""
    return monday - dt.timedelta(days=2), monday + dt.timedelta(days=6)


def _iso_week_holiday(year: int, week: int) -> tuple[dt.date, dt.date]:
    return _nine_days(dt.date.fromisocalendar(year, week, 1))


def _monday_of(day: dt.date) -> dt.date:
    """The Monday of the day's week; for a Saturday or Sunday, the Monday after."""
    if day.weekday() >= SATURDAY:
        return day + dt.timedelta(days=7 - day.weekday())
    return day - dt.timedelta(days=day.weekday())


def _christmas_holiday(year: int) -> tuple[dt.date, dt.date]:
    first = _monday_of(dt.date(year, 12, 25)) - dt.timedelta(days=2)
    return first, first + dt.timedelta(days=15)


def _summer_holiday(year: int, offset_weeks: int) -> tuple[dt.date, dt.date]:
    """Six weeks (Saturday to the Sunday six weeks later) from the second Saturday of July."""
    july = dt.date(year, 7, 1)
    first_saturday = july + dt.timedelta(days=(SATURDAY - july.weekday()) % 7)
    first = first_saturday + dt.timedelta(weeks=1 + offset_weeks)
    return first, first + dt.timedelta(weeks=6, days=1)

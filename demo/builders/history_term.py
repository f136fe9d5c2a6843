"""The past the demo writes: which weeks, in which blocks, and the natural keys of its rows."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from demo import holidays
from demo.builders.places import previous_school_year
from schools.models import current_school_year

# The namespace of the demo's natural keys (submission keys of rows made by the demo).
DEMO_KEYS = uuid.UUID("0f3b7a52-56b4-4a8e-9d41-6c2f1d9e8b17")
MIN_BLOCK = dt.timedelta(weeks=3)


def demo_key(*parts: object) -> uuid.UUID:
    """The submission key of a row the demo makes: the same every run."""
    return uuid.uuid5(DEMO_KEYS, ":".join(str(part) for part in parts))


@dataclass(frozen=True)
class Block:
    """A run of weekly sessions between two holidays: enrolment opens, first and last day."""

    opens: dt.date
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class Term:
    """The past the demo writes: two blocks of one school year, up to `end` (last Sunday)."""

    school_year: str
    first: Block
    second: Block
    end: dt.date

    def block(self, name: str) -> Block:
        if name == "whole":
            return Block(self.first.opens, self.first.first, self.second.last)
        return self.first if name == "first" else self.second


def history_term(region: str, today: dt.date) -> Term:
    """This school year's last two blocks of three weeks or more that began before this
    week, cut off at last Sunday; early in a school year (fewer than two), the last year's."""
    end = today - dt.timedelta(days=today.weekday() + 1)
    this_year = current_school_year(today)
    for year in (this_year, previous_school_year(this_year)):
        blocks = school_year_blocks(region, year, end)
        if len(blocks) >= 2:
            return Term(year, blocks[-2], blocks[-1], end)
    raise ValueError(f"No two blocks of sessions before {end}.")  # the last year has ended


def school_year_blocks(region: str, school_year: str, end: dt.date) -> list[Block]:
    """The blocks between the school year's holidays, up to `end`. The first starts two
    weeks into the year (enrolment opens on the first school day); the others the day after
    a holiday, with enrolment open two weeks before."""
    summer = holidays.school_holidays(region, previous_school_year(school_year))[-1]
    breaks = holidays.school_holidays(region, school_year)
    starts = [summer.last + dt.timedelta(days=1)] + [
        holiday.last + dt.timedelta(days=1) for holiday in breaks[:-1]
    ]
    blocks = []
    for n, (start, holiday) in enumerate(zip(starts, breaks, strict=True)):
        first = start + dt.timedelta(weeks=2) if n == 0 else start
        last = min(holiday.first - dt.timedelta(days=1), end)
        if last - first >= MIN_BLOCK:
            blocks.append(Block(first - dt.timedelta(weeks=2), first, last))
    return blocks

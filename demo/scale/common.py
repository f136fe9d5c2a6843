"""What the parts of a city share: its sizes, its name, the school year's calendar, bulk
inserts."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace

from core.time import local_date, local_datetime

BATCH = 2000
UNUSABLE_PASSWORD = "!"  # Django's prefix for "no password": nobody can log in with it.
CONSENT_VERSION = "2026-1"


@dataclass(frozen=True)
class Sizes:
    """How big the city is. The defaults are the city of issue 13; `TINY` is for tests."""

    neighbourhoods: int = 25
    target_areas: int = 6
    venues: int = 10
    schools: int = 200
    secondary_schools: int = 40
    staff_per_school: int = 2
    children: int = 50_000
    parents: int = 25_000
    activities: int = 2_000
    enrolments: int = 20_000
    lottery_rounds: int = 2
    activities_per_round: int = 4
    heroes: int = 400
    topics: int = 12
    kits: int = 10
    session_requests: int = 6_000
    visits: int = 5_000
    # Groups per grade, drawn from these: a big city's schools are big.
    po_groups: tuple[int, ...] = (1, 2, 2, 3)
    vo_groups: tuple[int, ...] = (3, 4, 5, 6)

    def share(self, part: float) -> Sizes:
        """A part of these sizes (a municipality's share of the nation), at least one of each
        thing a city needs; the group mix and the lottery rounds stay."""
        keep = {
            "po_groups", "vo_groups", "staff_per_school", "lottery_rounds",
            "activities_per_round", "topics",
        }  # fmt: skip
        least = {"kits": 2}
        return replace(
            self,
            **{
                f.name: max(round(getattr(self, f.name) * part), least.get(f.name, 1))
                for f in fields(self)
                if f.name not in keep
            },
        )


CITY = Sizes()
TINY = Sizes(
    neighbourhoods=4,
    target_areas=1,
    venues=2,
    schools=4,
    secondary_schools=1,
    staff_per_school=2,
    children=300,
    parents=150,
    activities=20,
    enrolments=200,
    lottery_rounds=1,
    activities_per_round=2,
    heroes=12,
    topics=4,
    kits=2,
    session_requests=60,
    visits=50,
)
SIZES = {"city": CITY, "tiny": TINY}


@dataclass(frozen=True)
class Town:
    """Which municipality the rows go to, and how its rows are told apart from another
    town's: mail domain and the first BRIN number (BRIN codes are unique nationwide)."""

    name: str
    slug: str
    region: str
    domain: str
    brin_start: int = 0


BENCHSTAD = Town("Benchstad", "benchstad", "midden", "bench.test")


@dataclass
class City:
    """What the benchmark needs from the seeded city: who looks at which page."""

    municipality_id: int
    coordinator_id: int
    school_id: int  # the school with the most enrolments
    staff_id: int  # a staff member of that school
    programme_id: int | None  # a programme team member, when that role exists
    rows: dict[str, int] = field(default_factory=dict)
    stage_s: dict[str, float] = field(default_factory=dict)  # seconds each part took


def bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


@contextmanager
def given_times(*models):
    """Let bulk_create write the created_at / updated_at we give (the seed backdates rows),
    instead of the moment of the insert that auto_now(_add) would write."""
    switched = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                switched.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in switched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


class Calendar:
    """The school year that holds today: lesson days, holidays (closures) and now."""

    def __init__(self, now: dt.datetime, region: str = "midden"):
        from demo.holidays import public_closing_days, school_holidays
        from schools.models import current_school_year

        self.now = now
        self.today = local_date(now)
        self.year = current_school_year(self.today)
        start = int(self.year[:4])
        previous = f"{start - 1}-{start}"
        self.first_day = school_holidays(region, previous)[-1].last + dt.timedelta(days=1)
        holidays = school_holidays(region, self.year)
        self.last_day = holidays[-1].first - dt.timedelta(days=1)
        self.closures = holidays[:-1] + public_closing_days(region, self.year)
        closed = {
            h.first + dt.timedelta(days=i)
            for h in self.closures
            for i in range((h.last - h.first).days + 1)
        }
        self.monday = self.first_day - dt.timedelta(days=self.first_day.weekday())
        self.lesson_days = [
            day
            for i in range((self.last_day - self.first_day).days + 1)
            if (day := self.first_day + dt.timedelta(days=i)).weekday() < 5 and day not in closed
        ]
        self.closed = closed

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return local_datetime(day, dt.time(hour, minute))

    def days_between(self, first: dt.date, last: dt.date) -> list[dt.date]:
        lo = bisect.bisect_left(self.lesson_days, first)
        hi = bisect.bisect_right(self.lesson_days, last)
        return self.lesson_days[lo:hi]

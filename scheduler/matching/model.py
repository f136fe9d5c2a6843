"""Plain data for the matching engine: what goes in and what comes out.

All times are aware datetimes; the engine never reads a clock (`Instance.now` is data).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

Window = tuple[dt.datetime, dt.datetime]

HERO = "hero"
VR = "vr"


@dataclass(frozen=True)
class Request:
    """A school's request for one Local Hero visit or one VR session."""

    id: str
    kind: str  # HERO or VR
    school: str
    size: int
    duration_min: int
    windows: tuple[Window, ...]
    topic: str
    language: str
    created_at: dt.datetime
    # Higher goes first among equally old requests; the coordinator's override.
    priority: int = 0
    neighbourhood: str | None = None
    # The school says the topic is required (a hard rule), not a wish (fit).
    topic_required: bool = False

    def needs_topic(self, inst: Instance) -> bool:
        """Whether only a hero with the topic may come. The instance's flag (the fit bound of
        the benchmarks) asks it of every request: one without a topic then fits nobody."""
        return inst.topic_required or (self.topic_required and bool(self.topic))


@dataclass(frozen=True)
class Hero:
    """A volunteer, with availability already expanded to concrete windows (exceptions removed)."""

    id: str
    available: tuple[Window, ...]
    vog_valid_until: dt.date | None
    vr_trained: bool
    max_visits_per_month: int
    topics: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    home_neighbourhood: str | None = None
    neighbourhoods: frozenset[str] = frozenset()
    schools_before: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Kit:
    """A VR kit; it serves a class when headsets x 2 >= class size (two rotations)."""

    id: str
    headsets: int
    blocked: tuple[Window, ...] = ()


@dataclass(frozen=True)
class Assignment:
    request: str
    hero: str
    kit: str | None
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Instance:
    """Everything one matching run needs.

    `fixed` are accepted visits: they stay as they are and occupy hero and kit time.
    `exclusions` are (request id, hero id) pairs: the hero declined or let the offer expire.
    """

    requests: tuple[Request, ...]
    heroes: tuple[Hero, ...]
    kits: tuple[Kit, ...] = ()
    fixed: tuple[Assignment, ...] = ()
    exclusions: frozenset[tuple[str, str]] = frozenset()
    now: dt.datetime | None = None
    travel_buffer_min: int = 30
    grid_min: int = 15
    timezone: str = "Europe/Amsterdam"
    # A class must understand its hero; the topic is a wish that counts as fit, unless the
    # request (or, for every request, this flag) requires it.
    language_required: bool = True
    topic_required: bool = False


# Why a request stayed unmatched, in the order they are checked (see reasons.py).
WINDOW_PAST = "window_past"
NO_KIT_BIG_ENOUGH = "no_kit_big_enough"
NO_HERO_AVAILABLE = "no_hero_available"
NO_TOPIC_HERO = "no_hero_with_topic"
NO_VALID_VOG = "no_valid_vog"
NO_VR_TRAINED_HERO = "no_vr_trained_hero"
ALL_EXCLUDED = "all_candidates_excluded"
NO_KIT_FREE = "no_kit_free"
HERO_LIMITS = "hero_limits_reached"
COMPETITION = "lost_to_other_requests"

REASON_TEXT = {
    WINDOW_PAST: "every preferred window is in the past",
    NO_KIT_BIG_ENOUGH: "no VR kit has enough headsets for this class",
    NO_HERO_AVAILABLE: "no hero with the language is available in the windows",
    NO_TOPIC_HERO: "the topic is required and no hero with it is available in the windows",
    NO_VALID_VOG: "every hero available in the windows lacks a VOG valid on the date",
    NO_VR_TRAINED_HERO: "no VR-trained hero is free in the windows",
    ALL_EXCLUDED: "every fitting hero declined this request or let the offer expire",
    NO_KIT_FREE: "no big-enough kit is free when a fitting hero is",
    HERO_LIMITS: "every fitting hero has reached the monthly limit",
    COMPETITION: "fitting heroes were given to other requests",
}


@dataclass(frozen=True)
class Unmatched:
    request: str
    reason: str


@dataclass(frozen=True)
class Result:
    """A matching run's answer. `assignments` include the fixed ones, unchanged."""

    assignments: tuple[Assignment, ...]
    unmatched: tuple[Unmatched, ...] = ()
    status: str = ""
    upper_bound: int | None = None
    stats: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def served(self) -> int:
        return len({a.request for a in self.assignments})

"""Small instances for the matching engine's tests: one school day in March 2027."""

import datetime as dt

from scheduler.matching import solver
from scheduler.matching.model import HERO, Hero, Instance, Kit, Request
from scheduler.matching.rules import validate
from tests.clock import LOCAL_TZ

NOW = dt.datetime(2027, 2, 26, 9, 0, tzinfo=LOCAL_TZ)


def at(hour: int, minute: int = 0, day: int = 1, month: int = 3) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=LOCAL_TZ)


def request(rid: str, start: dt.datetime, end: dt.datetime, **kw) -> Request:
    fields = {
        "kind": HERO,
        "school": "S1",
        "size": 24,
        "duration_min": 60,
        "topic": "sport",
        "language": "nl",
        "created_at": NOW - dt.timedelta(days=1),
    }
    fields.update(kw)
    return Request(id=rid, windows=((start, end),), **fields)


def hero(hid: str, *spans, **kw) -> Hero:
    fields = {
        "vog_valid_until": dt.date(2030, 1, 1),
        "vr_trained": False,
        "max_visits_per_month": 8,
        "topics": frozenset({"sport"}),
        "languages": frozenset({"nl"}),
    }
    fields.update(kw)
    return Hero(id=hid, available=tuple(spans) or ((at(8), at(18)),), **fields)


def kit(kid: str, headsets: int = 15, blocked=()) -> Kit:
    return Kit(id=kid, headsets=headsets, blocked=tuple(blocked))


def instance(requests, heroes, kits=(), **kw) -> Instance:
    return Instance(requests=tuple(requests), heroes=tuple(heroes), kits=tuple(kits), now=NOW, **kw)


def solve(inst: Instance, time_limit: float = 2.0):
    """Solve and check the answer against every hard rule."""
    result = solver.solve(inst, solver.Params(time_limit_s=time_limit))
    assert validate(inst, result.assignments) == []
    return result


def served(result) -> set[str]:
    return {a.request for a in result.assignments}


def reasons(result) -> dict[str, str]:
    return {u.request: u.reason for u in result.unmatched}

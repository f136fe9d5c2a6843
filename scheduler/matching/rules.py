"""The hard rules, in one place: compiled instance, candidate starts and the validator.

Times become whole minutes since the Unix epoch (UTC), so arithmetic is exact across DST; the
visit's date and month are read in the instance's time zone.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .model import VR, Assignment, Hero, Instance, Kit, Request

UTC = dt.UTC


def to_min(value: dt.datetime) -> int:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: the engine needs aware datetimes")
    return int(value.timestamp()) // 60


def clash(s1: int, e1: int, c1: str, s2: int, e2: int, c2: str, buffer: int) -> bool:
    """Two visits of one hero (or kit) collide: overlap, or closer than the buffer when the
    schools differ. Back-to-back at the same school is allowed."""
    gap = 0 if c1 == c2 else buffer
    return s1 < e2 + gap and s2 < e1 + gap


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _inside(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """[s, e) lies inside one of the merged, sorted spans."""
    i = bisect.bisect_right(spans, (s, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= s and e <= spans[i][1]


@dataclass
class Busy:
    """Visits already placed on one hero or kit: (start, end, school), per local date."""

    by_day: dict[dt.date, list[tuple[int, int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def free(self, day: dt.date, s: int, e: int, school: str, buffer: int) -> bool:
        # Visits are daytime; the day before and after are checked too so midnight is no gap.
        for d in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)):
            for s2, e2, c2 in self.by_day.get(d, ()):
                if clash(s, e, school, s2, e2, c2, buffer):
                    return False
        return True

    def envelope_free(self, day: dt.date, s: int, e: int, school: str, buffer: int) -> bool:
        """Stricter than `free`: per school one envelope around its visits that day, and
        envelopes of different schools apart by the buffer (the CP model's encoding)."""
        if not self.free(day, s, e, school, buffer):
            return False
        env: dict[str, tuple[int, int]] = {school: (s, e)}
        for s2, e2, c2 in self.by_day.get(day, ()):
            lo, hi = env.get(c2, (s2, e2))
            env[c2] = (min(lo, s2), max(hi, e2))
        schools = sorted(env)
        for i, a in enumerate(schools):
            for b in schools[i + 1 :]:
                if clash(*env[a], a, *env[b], b, buffer):
                    return False
        return True

    def add(self, day: dt.date, s: int, e: int, school: str) -> None:
        self.by_day[day].append((s, e, school))


class Compiled:
    """An instance turned into minutes and indexes, shared by greedy, solver, bound, reasons."""

    def __init__(self, inst: Instance, fixed: tuple[Assignment, ...] | None = None):
        self.inst = inst
        self.tz = ZoneInfo(inst.timezone)
        self.buffer = inst.travel_buffer_min
        self.grid = inst.grid_min
        self.now = to_min(inst.now) if inst.now is not None else None
        self.requests = inst.requests
        self.heroes = inst.heroes
        self.kits = tuple(sorted(inst.kits, key=lambda k: (k.headsets, k.id)))
        self.req_index = {r.id: i for i, r in enumerate(self.requests)}
        self.hero_index = {h.id: i for i, h in enumerate(self.heroes)}
        self.kit_by_id = {k.id: k for k in self.kits}
        self._date_cache: dict[int, dt.date] = {}
        self.windows = [self._windows(r) for r in self.requests]
        self.avail = [_merge([(to_min(a), to_min(b)) for a, b in h.available]) for h in self.heroes]
        self.avail_by_date: dict[dt.date, list[tuple[int, int, int]]] = defaultdict(list)
        for hi, spans in enumerate(self.avail):
            for s, e in spans:
                self.avail_by_date[self.date(s)].append((hi, s, e))
        self.kit_blocked = {
            k.id: _merge([(to_min(a), to_min(b)) for a, b in k.blocked]) for k in self.kits
        }
        self.fixed = inst.fixed if fixed is None else fixed
        self.hero_busy: dict[str, Busy] = defaultdict(Busy)
        self.kit_busy: dict[str, Busy] = defaultdict(Busy)
        self.fixed_count: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
        self.fixed_requests: set[str] = set()
        for a in self.fixed:
            self.place(a, self.hero_busy, self.kit_busy, self.fixed_count)
            self.fixed_requests.add(a.request)

    def _windows(self, r: Request) -> list[tuple[int, int]]:
        spans = _merge([(to_min(a), to_min(b)) for a, b in r.windows])
        if self.now is None:
            return spans
        return [(max(s, self.now), e) for s, e in spans if max(s, self.now) + r.duration_min <= e]

    def date(self, minute: int) -> dt.date:
        # Amsterdam's offsets are whole hours, so the local date only changes on the hour.
        hour = minute // 60
        day = self._date_cache.get(hour)
        if day is None:
            day = dt.datetime.fromtimestamp(hour * 3600, UTC).astimezone(self.tz).date()
            self._date_cache[hour] = day
        return day

    def school_of(self, request_id: str) -> str:
        i = self.req_index.get(request_id)
        return self.requests[i].school if i is not None else f"?{request_id}"

    def place(self, a: Assignment, hero_busy, kit_busy, counts) -> None:
        s, e = to_min(a.start), to_min(a.end)
        day, school = self.date(s), self.school_of(a.request)
        hero_busy[a.hero].add(day, s, e, school)
        if a.kit is not None:
            kit_busy[a.kit].add(day, s, e, school)
        counts[(a.hero, (day.year, day.month))] += 1

    def cap_left(self, hero: Hero, month: tuple[int, int]) -> int:
        return hero.max_visits_per_month - self.fixed_count.get((hero.id, month), 0)

    # -- static checks -------------------------------------------------------------------

    def hero_fits(self, r: Request, h: Hero) -> bool:
        """Rules that do not depend on time: language/topic, VR training, exclusions."""
        inst = self.inst
        if inst.language_required and r.language not in h.languages:
            return False
        if r.needs_topic(inst) and r.topic not in h.topics:
            return False
        if r.kind == VR and not h.vr_trained:
            return False
        return (r.id, h.id) not in inst.exclusions

    def vog_ok(self, h: Hero, day: dt.date) -> bool:
        return h.vog_valid_until is not None and h.vog_valid_until >= day

    def kit_big_enough(self, r: Request, k: Kit) -> bool:
        return k.headsets * 2 >= r.size

    def kits_free(self, r: Request, s: int, busy: dict[str, Busy] | None = None) -> list[str]:
        """Big-enough kits free at [s, s + duration), smallest first."""
        e = s + r.duration_min
        day = self.date(s)
        busy = self.kit_busy if busy is None else busy
        out = []
        for k in self.kits:
            if not self.kit_big_enough(r, k):
                continue
            blocked = self.kit_blocked[k.id]
            i = bisect.bisect_left(blocked, (e, e))
            if i > 0 and blocked[i - 1][1] > s:
                continue
            if k.id in busy and not busy[k.id].free(day, s, e, r.school, self.buffer):
                continue
            out.append(k.id)
        return out

    def window_starts(self, ri: int) -> list[tuple[int, int, int]]:
        """(hero index, first start, last start) where a window meets an availability span."""
        r = self.requests[ri]
        d, g = r.duration_min, self.grid
        out = []
        for ws, we in self.windows[ri]:
            day = self.date(ws)
            days = {day, self.date(we - 1)}
            for dd in sorted(days):
                for hi, a_s, a_e in self.avail_by_date.get(dd, ()):
                    lo, last = max(ws, a_s), min(we, a_e) - d
                    lo = -(-lo // g) * g
                    if lo <= last:
                        out.append((hi, lo, last))
        return out

    def candidates(
        self, ri: int, *, check_fixed: bool = True, static: bool = True
    ) -> dict[int, list[int]]:
        """Every hero and start at which request `ri` could be served on its own."""
        r = self.requests[ri]
        out: dict[int, list[int]] = defaultdict(list)
        kit_ok: dict[int, bool] = {}
        for hi, lo, last in self.window_starts(ri):
            h = self.heroes[hi]
            if static and not self.hero_fits(r, h):
                continue
            busy = self.hero_busy.get(h.id) if check_fixed else None
            day = self.date(lo)
            if day != self.date(last):
                starts = [
                    s for s in range(lo, last + 1, self.grid) if self._day_ok(h, self.date(s))
                ]
            elif self._day_ok(h, day):
                starts = list(range(lo, last + 1, self.grid))
            else:
                continue
            if busy and busy.by_day:
                d = r.duration_min
                starts = [
                    s for s in starts if busy.free(self.date(s), s, s + d, r.school, self.buffer)
                ]
            if r.kind == VR:
                for s in starts:
                    if s not in kit_ok:
                        kit_ok[s] = bool(self.kits_free(r, s))
                starts = [s for s in starts if kit_ok[s]]
            out[hi].extend(starts)
        return {hi: sorted(set(st)) for hi, st in sorted(out.items()) if st}

    def _day_ok(self, h: Hero, day: dt.date) -> bool:
        return self.vog_ok(h, day) and self.cap_left(h, (day.year, day.month)) > 0

    def assignment(self, ri: int, hi: int, s: int, kit: str | None) -> Assignment:
        r = self.requests[ri]
        start = dt.datetime.fromtimestamp(s * 60, UTC).astimezone(self.tz)
        end = dt.datetime.fromtimestamp((s + r.duration_min) * 60, UTC).astimezone(self.tz)
        return Assignment(r.id, self.heroes[hi].id, kit, start, end)


def validate(inst: Instance, assignments: tuple[Assignment, ...] | list[Assignment]) -> list[str]:
    """Every way `assignments` break a hard rule; empty when the solution is valid."""
    c = Compiled(inst, fixed=())
    errors: list[str] = []
    seen: set[str] = set()
    fixed = set(inst.fixed)
    for a in inst.fixed:
        if a not in assignments:
            errors.append(f"fixed assignment of {a.request} changed or dropped")
    for a in assignments:
        if a.request in seen:
            errors.append(f"{a.request} assigned twice")
        seen.add(a.request)
        if a not in fixed:
            errors.extend(_check_one(c, a))
    errors.extend(_check_pairs(c, assignments, fixed))
    errors.extend(_check_caps(c, assignments, fixed))
    return errors


def _check_one(c: Compiled, a: Assignment) -> list[str]:
    ri, hi = c.req_index.get(a.request), c.hero_index.get(a.hero)
    if ri is None or hi is None:
        return [f"{a.request}: unknown request or hero {a.hero}"]
    r, h = c.requests[ri], c.heroes[hi]
    s, e = to_min(a.start), to_min(a.end)
    day = c.date(s)
    errs = []
    if s % c.grid:
        errs.append(f"{r.id}: starts off the {c.grid}-minute grid")
    if e - s != r.duration_min:
        errs.append(f"{r.id}: lasts {e - s} min, not {r.duration_min}")
    if not _inside(c.windows[ri], s, e):
        errs.append(f"{r.id}: not inside a preferred window (or in the past)")
    if not _inside(c.avail[hi], s, e):
        errs.append(f"{r.id}: {h.id} is not available then")
    if not c.vog_ok(h, day):
        errs.append(f"{r.id}: {h.id} has no VOG valid on {day}")
    if c.inst.language_required and r.language not in h.languages:
        errs.append(f"{r.id}: {h.id} does not speak {r.language}")
    if r.needs_topic(c.inst) and r.topic not in h.topics:
        errs.append(f"{r.id}: {h.id} lacks topic {r.topic}")
    if (r.id, h.id) in c.inst.exclusions:
        errs.append(f"{r.id}: {h.id} is excluded (declined or expired)")
    if r.kind == VR:
        if not h.vr_trained:
            errs.append(f"{r.id}: {h.id} is not VR-trained")
        k = c.kit_by_id.get(a.kit) if a.kit else None
        if k is None:
            errs.append(f"{r.id}: VR session without a (known) kit")
        elif not c.kit_big_enough(r, k):
            errs.append(f"{r.id}: kit {k.id} too small for {r.size}")
        elif any(bs < e and s < be for bs, be in c.kit_blocked[k.id]):
            errs.append(f"{r.id}: kit {k.id} is blocked then")
    elif a.kit is not None:
        errs.append(f"{r.id}: a Local Hero visit with a kit")
    return errs


def _check_pairs(c: Compiled, assignments, fixed) -> list[str]:
    errs = []
    for key in ("hero", "kit"):
        groups: dict[str, list[Assignment]] = defaultdict(list)
        for a in assignments:
            if getattr(a, key) is not None:
                groups[getattr(a, key)].append(a)
        for owner, items in sorted(groups.items()):
            items.sort(key=lambda a: (a.start, a.request))
            for i, a in enumerate(items):
                sa, ea = to_min(a.start), to_min(a.end)
                for b in items[i + 1 :]:
                    sb, eb = to_min(b.start), to_min(b.end)
                    if sb >= ea + c.buffer:
                        break
                    if a in fixed and b in fixed:
                        continue
                    if clash(
                        sa, ea, c.school_of(a.request), sb, eb, c.school_of(b.request), c.buffer
                    ):
                        errs.append(f"{key} {owner}: {a.request} and {b.request} collide")
    return errs


def _check_caps(c: Compiled, assignments, fixed) -> list[str]:
    counts: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    new: set[tuple[str, tuple[int, int]]] = set()
    for a in assignments:
        day = c.date(to_min(a.start))
        key = (a.hero, (day.year, day.month))
        counts[key] += 1
        if a not in fixed:
            new.add(key)
    errs = []
    for key in sorted(new):
        hi = c.hero_index.get(key[0])
        if hi is not None and counts[key] > c.heroes[hi].max_visits_per_month:
            errs.append(f"hero {key[0]}: {counts[key]} visits in {key[1]}, above the limit")
    return errs


TOPIC_FIT, LANGUAGE_FIT, PLACE_FIT, CONTINUITY_FIT = 3, 3, 1, 2
FIT_MAX = TOPIC_FIT + LANGUAGE_FIT + PLACE_FIT + CONTINUITY_FIT


def fit(inst: Instance, r: Request, h: Hero) -> int:
    """How well a hero fits a request; only the parts that are not hard rules count."""
    score = 0
    if not r.needs_topic(inst) and r.topic in h.topics:
        score += TOPIC_FIT
    if not inst.language_required and r.language in h.languages:
        score += LANGUAGE_FIT
    if _knows_the_place(r, h):
        score += PLACE_FIT
    if r.school in h.schools_before:
        score += CONTINUITY_FIT
    return score


# Why a hero fits a request, in the words' order (scheduler.fit_text says them).
TOPIC, LANGUAGE, PLACE, BEFORE = "topic", "language", "place", "before"


def fit_parts(r: Request, h: Hero) -> list[str]:
    """Why the hero fits the request, hard rules included (they were met): the topic asked,
    the visit's language, the school's neighbourhood, the school visited before."""
    parts = []
    if r.topic and r.topic in h.topics:
        parts.append(TOPIC)
    if r.language in h.languages:
        parts.append(LANGUAGE)
    if _knows_the_place(r, h):
        parts.append(PLACE)
    if r.school in h.schools_before:
        parts.append(BEFORE)
    return parts


def _knows_the_place(r: Request, h: Hero) -> bool:
    """The hero lives in, or volunteers in, the school's neighbourhood."""
    return r.neighbourhood is not None and (
        r.neighbourhood == h.home_neighbourhood or r.neighbourhood in h.neighbourhoods
    )


def urgency_key(c: Compiled, i: int) -> tuple:
    """Most urgent first: priority, then older, then sooner; the id last, for a fixed order."""
    r = c.requests[i]
    first = c.windows[i][0][0] if c.windows[i] else 2**62
    return (-r.priority, r.created_at, first, r.id)


def urgency_order(c: Compiled) -> list[int]:
    """Request indices, most urgent first (`urgency_key`)."""
    return sorted(range(len(c.requests)), key=lambda i: urgency_key(c, i))

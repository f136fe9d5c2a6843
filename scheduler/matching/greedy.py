"""Two greedy matchers: the round-robin baseline, and the strong greedy that hints the solver.

Both place one request at a time and never undo a placement.
"""

from __future__ import annotations

from collections import defaultdict

from .model import VR, Assignment, Instance, Result
from .rules import Busy, Compiled, fit, urgency_order


class State:
    """Visits placed so far (fixed ones included), per hero, per kit and per hero-month."""

    def __init__(self, c: Compiled, *, strict: bool = False):
        self.c = c
        # strict: also keep the solver's per-school envelopes, so the result is a valid hint.
        self.strict = strict
        self.hero_busy: dict[str, Busy] = defaultdict(Busy)
        self.kit_busy: dict[str, Busy] = defaultdict(Busy)
        self.counts: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
        self.new_hero: dict[str, Busy] = defaultdict(Busy)
        self.new_kit: dict[str, Busy] = defaultdict(Busy)
        self.assignments: list[Assignment] = list(c.fixed)
        for a in c.fixed:
            c.place(a, self.hero_busy, self.kit_busy, self.counts)

    def _free(self, busy: Busy, new: Busy, day, s: int, e: int, school: str) -> bool:
        buf = self.c.buffer
        if not busy.free(day, s, e, school, buf):
            return False
        return not self.strict or new.envelope_free(day, s, e, school, buf)

    def fits(self, ri: int, hi: int, s: int) -> tuple[bool, str | None]:
        """Whether request `ri` can go to hero `hi` at `s` now; for VR, the smallest free kit."""
        c = self.c
        r, h = c.requests[ri], c.heroes[hi]
        e, day = s + r.duration_min, c.date(s)
        if self.counts[(h.id, (day.year, day.month))] >= h.max_visits_per_month:
            return False, None
        if not self._free(self.hero_busy[h.id], self.new_hero[h.id], day, s, e, r.school):
            return False, None
        if r.kind != VR:
            return True, None
        for kit in c.kits_free(r, s, self.kit_busy):
            if self._free(self.kit_busy[kit], self.new_kit[kit], day, s, e, r.school):
                return True, kit
        return False, None

    def put(self, ri: int, hi: int, s: int, kit: str | None) -> None:
        c = self.c
        a = c.assignment(ri, hi, s, kit)
        c.place(a, self.hero_busy, self.kit_busy, self.counts)
        day, school = c.date(s), c.requests[ri].school
        self.new_hero[a.hero].add(day, s, s + c.requests[ri].duration_min, school)
        if kit is not None:
            self.new_kit[kit].add(day, s, s + c.requests[ri].duration_min, school)
        self.assignments.append(a)


def open_requests(c: Compiled) -> list[int]:
    return [i for i, r in enumerate(c.requests) if r.id not in c.fixed_requests]


def baseline(inst: Instance, *, strict: bool = False, cands=None) -> Result:
    """One request at a time in the order they came in, heroes taken round-robin.

    1. Sort open requests by created_at.
    2. For each, walk the heroes from the one after the last assigned, and take the first
       hero and earliest start that fit (for VR, the first free kit).
    """
    c = Compiled(inst)
    st = State(c, strict=strict)
    n = len(c.heroes)
    pointer = 0
    order = sorted(open_requests(c), key=lambda i: (c.requests[i].created_at, c.requests[i].id))
    for ri in order:
        # Starts that clash with fixed visits, which the given candidates leave out, fail in
        # `fits` anyway: the same answer either way.
        mine = cands[ri] if cands is not None else c.candidates(ri, check_fixed=False)
        for step in range(n):
            hi = (pointer + step) % n
            placed = _first_start(st, ri, hi, mine.get(hi, ()))
            if placed:
                pointer = hi + 1
                break
    return Result(tuple(st.assignments), status="GREEDY_BASELINE")


def _first_start(st: State, ri: int, hi: int, starts) -> bool:
    for s in starts:
        ok, kit = st.fits(ri, hi, s)
        if ok:
            st.put(ri, hi, s, kit)
            return True
    return False


def strong(inst: Instance, c: Compiled | None = None, cands=None, plan=None) -> Result:
    """The solver's hint: hardest requests first, each to the least-demanded fitting hero.

    1. Order: VR requests first, then fewest candidate heroes, then most urgent.
    2. Hero: lowest demand (open requests that could use the hero, per allowed visit), then
       best fit, then earliest start; for VR the smallest kit that is free.
    3. Placements keep the solver's per-school envelopes (strict), so the hint is feasible.
    With a `plan` (request -> (hero, day), from the max-flow bound) a first pass places each
    planned request with its planned hero on the planned day; step 1-2 place the rest.
    """
    c = c or Compiled(inst)
    st = State(c, strict=True)
    todo = open_requests(c)
    if cands is None:
        cands = {ri: c.candidates(ri, check_fixed=False) for ri in todo}
    demand: dict[int, int] = defaultdict(int)
    for ri in todo:
        for hi in cands[ri]:
            demand[hi] += 1
    rank = {ri: k for k, ri in enumerate(urgency_order(c))}
    todo.sort(key=lambda ri: (c.requests[ri].kind != VR, len(cands[ri]), rank[ri]))
    placed: set[int] = set()
    for ri in todo if plan else ():
        if ri in plan:
            hi, day = plan[ri]
            starts = [s for s in cands[ri].get(hi, ()) if c.date(s) == day]
            if _first_start(st, ri, hi, starts):
                placed.add(ri)
    for ri in todo:
        if ri in placed:
            continue
        r = c.requests[ri]
        heroes = sorted(
            cands[ri],
            key=lambda hi: (
                demand[hi] / max(1, c.heroes[hi].max_visits_per_month),
                -fit(inst, r, c.heroes[hi]),
                hi,
            ),
        )
        for hi in heroes:
            if _first_start(st, ri, hi, cands[ri][hi]):
                break
    return Result(tuple(st.assignments), status="GREEDY_STRONG")

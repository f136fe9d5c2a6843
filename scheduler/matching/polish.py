"""Local search: single-visit moves that raise the objective (solver.Weights: served,
urgency, fit, fairness across schools, balance), fast enough to touch every visit.

Seeds: every unserved request (most urgent first), then every served visit whose hero fits
less well than another of its candidates would (the largest fit gap first). For a seed:
1. relocate: serve it with a better-fitting hero (any fitting hero when it is unserved) at
   one of its candidate starts where that hero is free and has room in the month;
2. eject: where exactly one other visit stands in the way (a clash, the per-school envelope,
   or a full month), that visit makes room and goes to the best place among its own
   candidates; or, for an unserved seed, stays unserved when the trade still gains (a more
   urgent request, a better fit, or an unserved request moved to a school that waits less).
A move is kept only when the objective rises, computed exactly, term by term, as the moves
are applied (and undone when it does not). Placements keep the rules of
greedy.State(strict=True): exact clashes and the solver's per-school envelopes, so the
answer stays a feasible hint for the CP-SAT steps.

Deterministic: requests, heroes and starts are walked in sorted order; the work is counted
in placements checked (`checks`), which the solver charges to its budget.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .model import VR
from .rules import Busy, Compiled, clash, urgency_order

Choice = tuple[int, int, str | None]
DAY = dt.timedelta(days=1)


class Schedule:
    """A solution's visits per hero, kit and hero-month, with its objective kept exact."""

    def __init__(self, c: Compiled, w, sol: dict[int, Choice]):
        self.c, self.w = c, w
        self.sol: dict[int, Choice] = {}
        self.hero: dict[int, Busy] = defaultdict(Busy)
        self.kit: dict[str, Busy] = defaultdict(Busy)
        self.owner: dict[tuple, int] = {}  # (hero, day, start, end, school) -> request
        self.month: dict[tuple[int, tuple[int, int]], set[int]] = defaultdict(set)
        self.load: dict[int, int] = defaultdict(int)
        self.unserved = w.unserved({})
        self.checks = 0
        # Moves kept so far (the epoch), and per hero the epoch its visits last changed: a
        # seed that found no move, or a visit that found no other place, is tried again only
        # after one of its heroes changed (kits are not followed: a heuristic, still sound).
        self.epoch = 0
        self.changed: dict[int, int] = defaultdict(int)
        self.touched: set[int] = set()
        self.stuck: dict[int, int] = {}
        for ri, ch in sorted(sol.items()):
            self.add(ri, ch)

    def _span(self, ri: int, s: int):
        r = self.c.requests[ri]
        day = self.c.date(s)
        return day, s, s + r.duration_min, r.school, (day.year, day.month)

    def _terms(self, ri: int, hi: int, change: int) -> int:
        """Fairness and balance change of serving (+1) or unserving (-1) `ri` with `hi`."""
        w, t = self.w, self.w.target
        school = w.school[ri]
        u, n = self.unserved[school], self.load[hi]
        fair = w.unfair(school, u - change) - w.unfair(school, u)
        bal = max(0, n + change - t) - max(0, n - t)
        return -fair - bal

    def add(self, ri: int, ch: Choice) -> int:
        """Serve `ri` at `ch`; returns the objective's change."""
        hi, s, kit = ch
        delta = self.w.value(ri, hi) + self._terms(ri, hi, +1)
        day, s, e, school, month = self._span(ri, s)
        self.hero[hi].add(day, s, e, school)
        self.owner[(hi, day, s, e, school)] = ri
        if kit is not None:
            self.kit[kit].add(day, s, e, school)
        self.month[(hi, month)].add(ri)
        self.load[hi] += 1
        self.unserved[self.w.school[ri]] -= 1
        self.sol[ri] = ch
        self.touched.add(hi)
        return delta

    def remove(self, ri: int) -> tuple[Choice, int]:
        """Unserve `ri`; returns its place and the objective's change."""
        hi, s, kit = ch = self.sol.pop(ri)
        day, s, e, school, month = self._span(ri, s)
        self.hero[hi].by_day[day].remove((s, e, school))
        del self.owner[(hi, day, s, e, school)]
        if kit is not None:
            self.kit[kit].by_day[day].remove((s, e, school))
        self.month[(hi, month)].discard(ri)
        self.load[hi] -= 1
        self.unserved[self.w.school[ri]] += 1
        self.touched.add(hi)
        return ch, -self.w.value(ri, hi) + self._terms(ri, hi, -1)

    def commit(self) -> None:
        """A move was kept: its heroes changed."""
        self.epoch += 1
        for hi in self.touched:
            self.changed[hi] = self.epoch
        self.touched.clear()

    def unchanged(self, ri: int, since: int | None, cands) -> bool:
        return since is not None and all(self.changed[hi] <= since for hi in cands[ri])

    def place(self, ri: int, hi: int, s: int) -> Choice | None:
        """(hero, start, kit) when `ri` can go to `hi` at its candidate start `s` now."""
        self.checks += 1
        c = self.c
        day, s, e, school, month = self._span(ri, s)
        if len(self.month[(hi, month)]) >= c.cap_left(c.heroes[hi], month):
            return None
        if not self.hero[hi].envelope_free(day, s, e, school, c.buffer):
            return None
        if c.requests[ri].kind != VR:
            return (hi, s, None)
        for kit in c.kits_free(c.requests[ri], s):
            if self.kit[kit].envelope_free(day, s, e, school, c.buffer):
                return (hi, s, kit)
        return None

    def blockers(self, ri: int, hi: int, s: int) -> list[list[int]]:
        """Ways to make room for `ri` at `hi`, `s` by removing one visit: [[rj]] when exactly
        one visit of `hi` is in the way (clash or envelope), one [rj] per visit of the month
        when only the monthly limit is; [] when more than one visit is in the way."""
        self.checks += 1
        c, buf = self.c, self.c.buffer
        day, s, e, school, month = self._span(ri, s)
        busy = self.hero[hi].by_day
        found: set[int] = set()
        for d in (day - DAY, day, day + DAY):
            for s2, e2, c2 in busy.get(d, ()):
                if clash(s, e, school, s2, e2, c2, buf):
                    found.add(self.owner[(hi, d, s2, e2, c2)])
        env: dict[str, tuple[int, int]] = {}
        for s2, e2, c2 in busy.get(day, ()):
            lo, up = env.get(c2, (s2, e2))
            env[c2] = (min(lo, s2), max(up, e2))
        lo, up = env.get(school, (s, e))
        mine = (min(lo, s), max(up, e))
        for c2, (lo2, up2) in env.items():
            if c2 != school and clash(*mine, school, lo2, up2, c2, buf):
                found.update(
                    self.owner[(hi, day, s2, e2, c3)] for s2, e2, c3 in busy[day] if c3 == c2
                )
        if len(found) > 1:
            return []
        if found:
            return [sorted(found)]
        if len(self.month[(hi, month)]) >= c.cap_left(c.heroes[hi], month):
            return [[rj] for rj in sorted(self.month[(hi, month)])]
        return []


def polish(c: Compiled, w, cands, sol: dict[int, Choice], max_checks: int):
    """Improve `sol` by moves until a round gains nothing or `max_checks` placements were
    checked; returns (solution, checks used, moves kept)."""
    st = Schedule(c, w, sol)
    order = [ri for ri in urgency_order(c) if cands.get(ri)]
    best = {ri: max(w.fit(ri, hi) for hi in cands[ri]) for ri in order}
    failed: dict[int, int] = {}
    improved = True
    while improved and st.checks < max_checks:
        improved = False
        waiting = [ri for ri in order if ri not in st.sol]
        gaps = sorted(
            (w.fit(ri, st.sol[ri][0]) - best[ri], k, ri)
            for k, ri in enumerate(order)
            if ri in st.sol and w.fit(ri, st.sol[ri][0]) < best[ri]
        )
        for ri in waiting + [ri for *_, ri in gaps]:
            if st.checks >= max_checks:
                break
            if st.unchanged(ri, failed.get(ri), cands):
                continue
            st.touched.clear()
            if _improve(st, cands, ri, max_checks):
                st.commit()
                improved = True
                failed.pop(ri, None)
            else:
                failed[ri] = st.epoch
    return dict(sorted(st.sol.items())), st.checks, st.epoch


def _improve(st: Schedule, cands, ri: int, max_checks: int) -> bool:
    """The first gaining move for `ri` (relocate, else eject), applied; False if none."""
    w = st.w
    old = st.sol.get(ri)
    d0 = 0
    if old is not None:
        _, d0 = st.remove(ri)
    floor = w.fit(ri, old[0]) if old is not None else -1
    heroes = sorted(
        (hi for hi in cands[ri] if w.fit(ri, hi) > floor), key=lambda h: (-w.fit(ri, h), h)
    )
    for hi in heroes:
        for s in cands[ri][hi]:
            ch = st.place(ri, hi, s)
            if ch is None:
                continue
            if d0 + st.add(ri, ch) > 0:
                return True
            st.remove(ri)
            break  # every start of this hero gains the same
    for hi in heroes:
        for s in cands[ri][hi]:
            if st.checks >= max_checks:
                break
            for way in st.blockers(ri, hi, s):
                if _eject(st, cands, ri, hi, s, way[0], d0):
                    return True
    if old is not None:
        st.add(ri, old)
    return False


def _eject(st: Schedule, cands, ri: int, hi: int, s: int, rj: int, d0: int) -> bool:
    """`ri` takes `hi` at `s` from `rj`, which moves to its best other place or stays
    unserved; kept when the whole gains, else undone. `d0` is the change of unserving `ri`
    (0 when it was not served)."""
    w = st.w
    stuck = st.unchanged(rj, st.stuck.get(rj), cands)
    if stuck and d0:
        return False  # a served seed cannot gain by leaving rj unserved
    old_j, dj = st.remove(rj)
    ch = st.place(ri, hi, s)
    if ch is None:
        st.add(rj, old_j)
        return False
    total = d0 + dj + st.add(ri, ch)
    seen_any = False
    for h3 in [] if stuck else sorted(cands[rj], key=lambda h: (-w.fit(rj, h), h)):
        # Serving rj gains at most its value plus what fairness and balance can add.
        if total + w.value(rj, h3) + _slack(st, rj) <= 0:
            seen_any = True  # not searched to the end: proves nothing about rj
            break
        for s3 in cands[rj][h3]:
            if (h3, s3) == (old_j[0], old_j[1]):
                continue
            ch3 = st.place(rj, h3, s3)
            if ch3 is None:
                continue
            seen_any = True
            if total + st.add(rj, ch3) > 0:
                return True
            st.remove(rj)
            break
    if not seen_any and not stuck:
        st.stuck[rj] = st.epoch
    if total > 0:
        return True
    st.remove(ri)
    st.add(rj, old_j)
    return False


def _slack(st: Schedule, rj: int) -> int:
    """The most that fairness and balance can add to serving `rj` again."""
    school = st.w.school[rj]
    u = st.unserved[school]
    return st.w.unfair(school, u) - st.w.unfair(school, u - 1) + 1

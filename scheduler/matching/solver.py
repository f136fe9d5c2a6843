"""The CP-SAT matcher: pruned candidates, a strong greedy hint, then local and neighbourhood
search. The objective, in order: served, urgency, fit, fairness across schools, balance.

Steps (see docs/matching.md for why each is there):
1. Candidates: every hero and 15-minute start at which a request could be served alone.
2. Hint: the strong greedy (greedy.strong), which respects the model's envelope encoding,
   once following the least-cost maximum-flow plan (serving the most, fitting best).
3. Local search (polish.py) from the best hint and from the plan's; the better goes on.
4. Full model on the best K heroes per request (always keeping the hint's hero).
5. LNS on unserved requests: re-solve a group of competing heroes, all their candidates
   unpruned, everything else fixed, starting from the current solution; keep it when the
   objective is no worse. Then local search, LNS on any seed, local search.
6. Unmatched requests get a reason (reasons.explain).

Deterministic: every CP-SAT call is limited by deterministic time (a work count, not the
clock), runs with a fixed seed and `interleave_search`, the local search is charged by the
placements it checked, and Python iterates in sorted order.
A wall-clock safety stop exists; when it fires, `stats["wall_stop"]` says so (and then a
second run may differ).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from . import greedy, polish
from .bound import flow_plan
from .model import VR, Instance, Result
from .reasons import explain
from .rules import FIT_MAX, Compiled, fit, urgency_key, urgency_order

# The objective's levels, each outweighing what one visit can change below it (the order is
# in docs/matching.md): served, urgency, fit, fairness across schools, balance.
FAIR_Q = 16  # a school's fairness penalty: FAIR_Q * unserved² / its open requests
FIT_W = 2 * FAIR_Q + 3  # a fit point outweighs one exchange of an unserved request (< 2 Q + 1)
# One step of urgency outweighs the whole fit of a visit and an exchange's fairness.
AGE_W = FIT_MAX * FIT_W + 2 * FAIR_Q + 2
AGE_STEPS = 10

Choice = tuple[int, int, str | None]  # hero index, start minute, kit


@dataclass(frozen=True)
class Params:
    time_limit_s: float = 30.0
    seed: int = 0
    # One worker: with a fixed seed and a deterministic-time limit that is reproducible.
    # Two workers need interleave_search to be reproducible, which found nothing here.
    workers: int = 1
    k_heroes: int = 5
    starts: int | None = 3  # starts kept per run of a (request, hero) pair; None keeps all
    k_kits: int = 4
    lns: bool = True
    lns_step_s: float = 1.5
    group_size: int = 10
    group_waiting: int = 60  # unserved requests taken into one neighbourhood
    # Deterministic time units per second on the benchmark machine (measured, docs/matching.md).
    det_per_s: float = 0.11
    first_share: float = 0.25
    # The steps before the search (candidates, hints, pruning) are charged to the budget by
    # their size: candidate starts per second of that work, measured on the benchmark machine.
    pre_starts_per_s: float = 5e5
    # The search gets at least this share of the budget, however long the steps before it
    # were, times (open requests / search_ref_requests) when there are more: an LNS step
    # re-solves a neighbourhood of about constant size, so a large instance needs more steps.
    # A large instance then runs longer than the limit instead of skipping the search.
    search_share: float = 0.5
    search_ref_requests: int = 1000
    # The wall-clock safety stop fires at this many times the planned seconds.
    wall_factor: float = 3.0
    # Above this many variables the full model spends its share in presolve: LNS only.
    full_model_max_vars: int = 15000
    # Local search (polish.py) before LNS on this share of the search budget, and after it
    # on what LNS leaves; its work is charged at this many placements checked per second.
    polish: bool = True
    polish_share: float = 0.3
    # LNS on unserved requests only, after the first local search: this share of what is left.
    cover_share: float = 0.5
    polish_checks_per_s: float = 6e5


class Weights:
    """The objective: per served visit its value (serve, urgency, fit), minus the fairness
    penalty per school (`unfair`) and the balance penalty per hero."""

    def __init__(self, c: Compiled, n_open: int, todo: list[int] | None = None):
        self.c = c
        order = urgency_order(c)
        n = max(1, len(order))
        # Equally urgent requests (same priority, age and first window) weigh the same, so
        # that fit and fairness, not the id, decide between them.
        self.age: dict[int, int] = {}
        last = None
        for k, ri in enumerate(order):
            key = urgency_key(c, ri)[:-1]
            if key != last:
                step, last = AGE_STEPS - 1 - (AGE_STEPS * k) // n, key
            self.age[ri] = step
        self.target = -(-n_open // max(1, len(c.heroes)))
        self._fit: dict[tuple[int, int], int] = {}
        todo = greedy.open_requests(c) if todo is None else todo
        # Fairness: per school its open requests; spreading the unserved evenly over the
        # schools (shares, not counts) minimises the sum of unserved² / requests.
        self.school = {ri: c.requests[ri].school for ri in todo}
        self.per_school: dict[str, int] = defaultdict(int)
        for school in self.school.values():
            self.per_school[school] += 1
        self.serve = n_open * ((AGE_STEPS - 1) * AGE_W + FIT_MAX * FIT_W + 2 * FAIR_Q + 2) + 1

    def fit(self, ri: int, hi: int) -> int:
        key = (ri, hi)
        if key not in self._fit:
            self._fit[key] = fit(self.c.inst, self.c.requests[ri], self.c.heroes[hi])
        return self._fit[key]

    def value(self, ri: int, hi: int) -> int:
        return self.serve + AGE_W * self.age[ri] + FIT_W * self.fit(ri, hi)

    def plan_cost(self, ri: int, hi: int) -> int:
        """The flow plan's cost of serving `ri` with `hi`: fit first, then urgency (small
        integers: the min-cost flow's time grows with the range of the costs)."""
        return 2 * (FIT_MAX - self.fit(ri, hi)) + AGE_STEPS - 1 - self.age[ri]

    def unfair(self, school: str, unserved: int) -> int:
        """The school's fairness penalty: convex in its unserved requests, rounded."""
        n = self.per_school[school]
        return (2 * FAIR_Q * unserved * unserved + n) // (2 * n) if n else 0

    def unserved(self, sol: dict[int, Choice]) -> dict[str, int]:
        out = dict(self.per_school)
        for ri in sol:
            if ri in self.school:
                out[self.school[ri]] -= 1
        return out

    def objective(self, sol: dict[int, Choice]) -> int:
        load: dict[int, int] = defaultdict(int)
        total = 0
        for ri, (hi, _, _) in sol.items():
            total += self.value(ri, hi)
            load[hi] += 1
        total -= sum(self.unfair(school, u) for school, u in sorted(self.unserved(sol).items()))
        return total - sum(max(0, n - self.target) for n in load.values())


class Clock:
    """Deterministic budget plus a wall-clock safety stop.

    The budget is `time_limit_s * det_per_s` units. The steps before the search are charged
    by their size (`charge_pre`); the search then gets what is left, but at least
    `search_share` of the budget, scaled up by open requests / `search_ref_requests`. The
    safety stop fires at `wall_factor` times the planned seconds (pre-search charge and
    search budget over `det_per_s`); `now` is injectable so tests can move time."""

    def __init__(self, params: Params, now: Callable[[], float] = time.perf_counter):
        self.p = params
        self.now = now
        self.t0 = now()
        self.det_used = 0.0
        self.det_budget = params.time_limit_s * params.det_per_s
        self.pre_det = 0.0
        self.wall_stop = False

    def charge_pre(self, det: float, n_open: int) -> None:
        """Charge pre-search work; the budget grows when the search's share would shrink."""
        p = self.p
        self.pre_det += det
        self.det_used += det
        scale = max(1.0, n_open / p.search_ref_requests)
        floor = self.det_used + p.search_share * scale * p.time_limit_s * p.det_per_s
        self.det_budget = max(p.time_limit_s * p.det_per_s, floor)

    def planned_s(self) -> float:
        return self.det_budget / self.p.det_per_s

    def left_det(self) -> float:
        return self.det_budget - self.det_used

    def wall_out(self) -> bool:
        """The safety stop: less than half a second left; records that it fired."""
        out = self.wall_left() <= 0.5
        self.wall_stop = self.wall_stop or out
        return out

    def wall_left(self) -> float:
        # A second is kept for reading the answer and explaining the unmatched requests.
        deadline = self.p.wall_factor * self.planned_s() - 1.0
        return deadline - (self.now() - self.t0)


def solve(
    inst: Instance, params: Params | None = None, *, now: Callable[[], float] = time.perf_counter
) -> Result:
    """Solve `inst` within `params.time_limit_s` (a deterministic budget, see Clock); `now`
    is the wall clock of the safety stop only."""
    params = params or Params()
    clock = Clock(params, now)
    c = Compiled(inst)
    todo = greedy.open_requests(c)
    cands = {ri: c.candidates(ri) for ri in todo}
    w = Weights(c, len(todo), todo)
    # The best of three greedy answers is the hint; all keep the model's envelopes. The plan
    # is a maximum flow of least cost: among the plans serving the most, the best fitting.
    hints = [
        greedy.strong(inst, c, cands),
        greedy.strong(inst, c, cands, plan=flow_plan(c, cands, w.plan_cost)),
        greedy.baseline(inst, strict=True, cands=cands),
    ]
    sols = [_to_choices(c, h.assignments) for h in hints]
    sol = max(sols, key=w.objective)
    stats: dict[str, float | int | str] = {"hint_served": len(sol) + len(c.fixed_requests)}
    stats["hint_fit"] = _fit_total(w, sol)
    # Candidates, hints and pruning count against the budget, charged by their size (the
    # candidate starts, which the flow plan and the greedy walk too), not by the clock.
    starts = sum(len(s) for v in cands.values() for s in v.values())
    clock.charge_pre(
        params.det_per_s * (starts / params.pre_starts_per_s + len(todo) / 1e3), len(todo)
    )
    moves = 0
    if params.polish:
        sol, moves = _first_polish(c, w, cands, sol, sols[1], params, clock)

    pruned = _prune(c, w, cands, sol, params.k_heroes, params.starts)
    stats["variables"] = sum(len(s) for v in pruned.values() for s in v.values())
    status = "SKIPPED"
    if stats["variables"] <= params.full_model_max_vars:
        first = min(clock.left_det(), (clock.det_budget - clock.pre_det) * params.first_share)
        status, sol = _improve(c, w, todo, pruned, sol, first, params, clock)
    stats["first_status"] = status
    # Coverage first, fit after: local search (above), LNS on unserved requests (a share of
    # the budget), local search until it finds nothing (or the budget ends), then LNS on any
    # seed and a last local search on what is left.
    steps = 0
    if params.lns:
        until = clock.det_used + clock.left_det() * params.cover_share
        steps, sol = _lns(c, w, cands, sol, params, clock, until=until, fit_seeds=False)
    if params.polish:
        sol, more = _polish(c, w, cands, sol, clock.left_det(), params, clock)
        moves += more
    if params.lns:
        more, sol = _lns(c, w, cands, sol, params, clock)
        steps += more
    if params.polish and steps:
        sol, more = _polish(c, w, cands, sol, clock.left_det(), params, clock)
        moves += more
    stats["lns_steps"] = steps
    stats["polish_moves"] = moves
    stats["wall_stop"] = int(clock.wall_stop)
    stats["det_used"] = round(clock.det_used, 2)
    stats["pre_det"] = round(clock.pre_det, 2)
    stats["planned_s"] = round(clock.planned_s(), 2)
    stats["objective"] = w.objective(sol)
    assignments = tuple(c.fixed) + tuple(
        c.assignment(ri, hi, s, kit) for ri, (hi, s, kit) in sorted(sol.items())
    )
    optimal = status == "OPTIMAL" and all(len(v) <= params.k_heroes for v in cands.values())
    return Result(
        assignments=assignments,
        unmatched=tuple(explain(inst, assignments)),
        status="OPTIMAL" if optimal else "FEASIBLE",
        stats=stats,
    )


def _fit_total(w: Weights, sol: dict[int, Choice]) -> int:
    return sum(w.fit(ri, hi) for ri, (hi, _, _) in sol.items())


def _first_polish(c, w, cands, best, planned, params: Params, clock: Clock):
    """The first local search, from the best hint and from the least-cost plan's hint when
    that is another one: the best by the objective often serves one or two more and fits
    far worse, and the local search serves those from the planned one too (contended
    benchmark, seed 1: 1,439 served and 549 topic-matched against 1,437 and 1,276; after a
    million checks each, 1,445 and 558 against 1,447 and 1,297). Both get the same share;
    the better answer goes on."""
    starts = [best] if planned is best else [best, planned]
    det = clock.left_det() * params.polish_share / len(starts)
    runs = [_polish(c, w, cands, sol, det, params, clock) for sol in starts]
    return max(runs, key=lambda run: w.objective(run[0]))


def _polish(c, w, cands, sol, det: float, params: Params, clock: Clock):
    """Local search (polish.py) on `det` units of the budget; returns (solution, moves
    kept). Charged by the placements it checked, not by the clock."""
    det = min(det, clock.left_det())
    checks = int(det / params.det_per_s * params.polish_checks_per_s)
    if checks <= 0 or clock.wall_out():
        return sol, 0
    new, used, moves = polish.polish(c, w, cands, sol, checks)
    clock.det_used += used / params.polish_checks_per_s * params.det_per_s
    if w.objective(new) < w.objective(sol):  # cannot happen: every kept move gains
        return sol, 0
    return new, moves


def _to_choices(c: Compiled, assignments) -> dict[int, Choice]:
    from .rules import to_min

    fixed = set(c.fixed)
    return {
        c.req_index[a.request]: (c.hero_index[a.hero], to_min(a.start), a.kit)
        for a in assignments
        if a not in fixed
    }


def _thin(starts: list[int], keep: int | None, step: int) -> list[int]:
    """At most `keep` starts per run of consecutive starts (first, last, evenly between);
    the exact start of the hint is added back by the caller."""
    if not keep or len(starts) <= keep:
        return starts
    runs, run = [], [starts[0]]
    for s in starts[1:]:
        if s - run[-1] == step:
            run.append(s)
        else:
            runs.append(run)
            run = [s]
    runs.append(run)
    out = []
    for run in runs:
        if len(run) <= keep:
            out.extend(run)
        else:
            out.extend(run[(len(run) - 1) * i // (keep - 1)] for i in range(keep))
    return sorted(set(out))


def _prune(c: Compiled, w: Weights, cands, sol: dict[int, Choice], k: int, starts: int | None):
    """Keep the best k heroes per request: best fit, then least demanded; the hint's hero stays."""
    demand: dict[int, int] = defaultdict(int)
    for heroes in cands.values():
        for hi in heroes:
            demand[hi] += 1
    out = {}
    for ri, heroes in cands.items():
        ranked = sorted(
            heroes,
            key=lambda hi: (
                -w.fit(ri, hi),
                demand[hi] / max(1, c.heroes[hi].max_visits_per_month),
                hi,
            ),
        )
        keep = set(ranked[:k])
        if ri in sol:
            keep.add(sol[ri][0])
        out[ri] = {}
        for hi in sorted(keep):
            thin = _thin(heroes[hi], starts, c.grid)
            if ri in sol and sol[ri][0] == hi and sol[ri][1] not in thin:
                thin = sorted([*thin, sol[ri][1]])
            out[ri][hi] = thin
    return out


def _improve(c, w, items, cands, sol, det_limit, params, clock):
    """Solve the model over `items` with `sol` as hint; return (status, new solution)."""
    if det_limit <= 0.05 or clock.wall_out():
        return "UNKNOWN", sol
    m = _Model(c, w, params)
    m.build(items, cands, sol)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = params.workers
    p.random_seed = params.seed
    p.interleave_search = params.workers > 1
    p.cp_model_probing_level = 0
    p.symmetry_level = 0
    p.max_deterministic_time = det_limit
    p.max_time_in_seconds = max(0.5, clock.wall_left())
    code = solver.solve(m.model)
    used = solver.response_proto.deterministic_time
    clock.det_used += max(used, 0.01)
    if solver.wall_time >= p.max_time_in_seconds - 0.05 and used < det_limit * 0.95:
        clock.wall_stop = True
    status = solver.status_name(code)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, sol
    new = dict(sol)
    for ri in items:
        new.pop(ri, None)
    new.update(m.read(solver))
    if w.objective(new) < w.objective(sol):
        return status, sol
    return status, new


class _Model:
    def __init__(self, c: Compiled, w: Weights, params: Params):
        self.c, self.w, self.params = c, w, params
        self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.z: dict[tuple[int, str, int], cp_model.IntVar] = {}
        self.by_request: dict[int, list] = {}

    def build(self, items, cands, sol: dict[int, Choice]) -> None:
        c, m = self.c, self.model
        hero_visits: dict[int, list] = defaultdict(list)
        kit_visits: dict[str, list] = defaultdict(list)
        month_vars: dict[tuple[int, tuple[int, int]], list] = defaultdict(list)
        terms = []
        for ri in items:
            r = c.requests[ri]
            mine = []
            for hi, starts in cands.get(ri, {}).items():
                for s in starts:
                    v = m.new_bool_var(f"x{ri}_{hi}_{s}")
                    self.x[(ri, hi, s)] = v
                    mine.append(v)
                    day = c.date(s)
                    hero_visits[hi].append((v, s, s + r.duration_min, r.school, day))
                    month_vars[(hi, (day.year, day.month))].append(v)
                    terms.append((v, self.w.value(ri, hi)))
            self.by_request[ri] = mine
            if len(mine) > 1:
                m.add_at_most_one(mine)
            if r.kind == VR:
                self._kits(ri, kit_visits, sol)
        for visits in [*hero_visits.values(), *kit_visits.values()]:
            self._no_overlap(visits)
        for (hi, month), vs in month_vars.items():
            cap = c.cap_left(c.heroes[hi], month)
            if len(vs) > cap:
                m.add(sum(vs) <= cap)
        penalty = self._fairness(items, sol)
        for hi, visits in hero_visits.items():
            if len(visits) > self.w.target:
                ex = m.new_int_var(0, len(visits), f"ex{hi}")
                m.add(ex >= sum(v for v, *_ in visits) - self.w.target)
                penalty.append(ex)
        m.maximize(
            cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [k for _, k in terms])
            - sum(penalty)
        )
        self._hint(sol)

    def _fairness(self, items, sol: dict[int, Choice]) -> list:
        """Per school with requests in the model its fairness penalty, a table over how many
        of them are served (the unserved outside the model are a constant)."""
        m, w = self.model, self.w
        inside: dict[str, list] = defaultdict(list)
        for ri in items:
            inside[w.school[ri]].append(ri)
        item_set = set(items)
        unserved = w.unserved({ri: ch for ri, ch in sol.items() if ri not in item_set})
        out = []
        for school, ris in sorted(inside.items()):
            xs = [v for ri in ris for v in self.by_request.get(ri, ())]
            # Without any request that could be served here the penalty is a constant.
            if not xs:
                continue
            base = unserved[school]
            table = [w.unfair(school, base - k) for k in range(len(ris) + 1)]
            k = m.new_int_var(0, len(ris), "")
            m.add(k == sum(xs))
            pen = m.new_int_var(min(table), max(table), "")
            m.add_element(k, table, pen)
            out.append(pen)
        return out

    def _kits(self, ri: int, kit_visits, sol) -> None:
        c, m = self.c, self.model
        r = c.requests[ri]
        by_start: dict[int, list] = defaultdict(list)
        for (rj, _hi, s), v in self.x.items():
            if rj == ri:
                by_start[s].append(v)
        for s, xs in sorted(by_start.items()):
            kits = c.kits_free(r, s)[: self.params.k_kits]
            if ri in sol and sol[ri][1] == s and sol[ri][2] not in kits and sol[ri][2] is not None:
                kits.append(sol[ri][2])
            zs = []
            for kit in kits:
                z = m.new_bool_var(f"z{ri}_{kit}_{s}")
                self.z[(ri, kit, s)] = z
                zs.append(z)
                kit_visits[kit].append((z, s, s + r.duration_min, r.school, c.date(s)))
            m.add(sum(zs) == sum(xs))

    def _no_overlap(self, visits) -> None:
        """Visits of one hero (or kit) apart, with the buffer between different schools.

        Per (owner, school, day) one envelope interval from the first visit's start to the
        last visit's end plus the buffer; envelopes of one owner may not overlap. Sound (never
        allows a real clash); it only forbids returning to a school later the same day after
        another school, which the hint also avoids.
        """
        m, buf = self.model, self.c.buffer
        if len(visits) > 1:
            m.add_no_overlap(
                [
                    m.new_optional_fixed_size_interval_var(s, e - s, v, "")
                    for v, s, e, _, _ in visits
                ]
            )
        groups: dict[tuple, list] = defaultdict(list)
        for v, s, e, school, day in visits:
            groups[(day, school)].append((v, s, e))
        days: dict = defaultdict(list)
        for day, school in groups:
            days[day].append(school)
        envelopes = []
        for (day, _school), vs in sorted(groups.items()):
            if len(days[day]) < 2:
                continue
            lo, hi = min(s for _, s, _ in vs), max(e for _, _, e in vs)
            if len(vs) == 1:
                v, s, e = vs[0]
                envelopes.append(m.new_optional_fixed_size_interval_var(s, e - s + buf, v, ""))
                continue
            start, end = m.new_int_var(lo, hi, ""), m.new_int_var(lo, hi, "")
            present = m.new_bool_var("")
            for v, s, e in vs:
                m.add_implication(v, present)
                m.add(start <= s).only_enforce_if(v)
                m.add(end >= e).only_enforce_if(v)
            m.add_bool_or([v for v, _, _ in vs]).only_enforce_if(present)
            size = m.new_int_var(0, hi - lo + buf, "")
            envelopes.append(m.new_optional_interval_var(start, size, end + buf, present, ""))
        if len(envelopes) > 1:
            m.add_no_overlap(envelopes)

    def _hint(self, sol: dict[int, Choice]) -> None:
        m = self.model
        for (ri, hi, s), v in self.x.items():
            m.add_hint(v, ri in sol and sol[ri][0] == hi and sol[ri][1] == s)
        for (ri, kit, s), z in self.z.items():
            m.add_hint(z, ri in sol and sol[ri][1] == s and sol[ri][2] == kit)

    def read(self, solver: cp_model.CpSolver) -> dict[int, Choice]:
        out: dict[int, Choice] = {}
        for (ri, hi, s), v in self.x.items():
            if solver.boolean_value(v):
                out[ri] = (hi, s, None)
        for (ri, kit, s), z in self.z.items():
            if solver.boolean_value(z) and ri in out and out[ri][1] == s:
                out[ri] = (out[ri][0], s, kit)
        return out


def _lns(
    c, w, cands, sol, params, clock, *, until: float | None = None, fit_seeds: bool = True
) -> tuple[int, dict[int, Choice]]:
    """Re-solve groups of competing heroes, everything else fixed, until the budget is used.

    Seeds are unserved requests first (most urgent first): serving one more outweighs all
    else. When none is left to try, served requests whose hero fits less well than another
    candidate would are seeds, with their own hero in the group, so the time left goes to fit
    (without it, an instance too large for the full model kept the greedy's fit)."""
    steps = 0
    seen_fail: set[int] = set()
    best_fit: dict[int, int] = {}
    while clock.left_det() > 0.2 and not clock.wall_out():
        if until is not None and clock.det_used >= until:
            break
        order = [ri for ri in urgency_order(c) if ri in cands and cands[ri] and ri not in seen_fail]
        seeds = [ri for ri in order if ri not in sol]
        if not seeds and fit_seeds:
            seeds = [
                ri for ri in order if w.fit(ri, sol[ri][0]) < _best_fit(w, cands, ri, best_fit)
            ]
        if not seeds:
            break
        seed = seeds[0]
        group = _group(c, w, cands, sol, seed, params.group_size)
        if seed in sol and sol[seed][0] not in group:
            group = sorted([*group, sol[seed][0]])
        before = w.objective(sol)
        sol = _solve_group(c, w, cands, sol, group, params, clock)
        # Building a neighbourhood costs Python time too (about 0.2 s).
        clock.det_used += 0.2 * params.det_per_s
        steps += 1
        if w.objective(sol) <= before:
            seen_fail.add(seed)
    return steps, sol


def _best_fit(w, cands, ri: int, memo: dict[int, int]) -> int:
    if ri not in memo:
        memo[ri] = max(w.fit(ri, hi) for hi in sorted(cands[ri]))
    return memo[ri]


def _group(c, w, cands, sol, seed: int, size: int) -> list[int]:
    """Heroes for one neighbourhood: a few of the seed's heroes, then heroes with room left
    that could take over the requests those heroes serve now (an augmenting chain)."""
    load: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
    for hi, s, _ in sol.values():
        day = c.date(s)
        load[(hi, (day.year, day.month))] += 1

    def room(hi: int, s: int) -> bool:
        day = c.date(s)
        month = (day.year, day.month)
        return load[(hi, month)] < c.cap_left(c.heroes[hi], month)

    first = sorted(cands[seed], key=lambda h: (-w.fit(seed, h), h))[: max(2, size // 3)]
    group = list(first)
    if c.requests[seed].kind == VR:
        # A VR request waits for a kit as much as for a hero: the heroes who hold the kits
        # it could use on its days join, so their visits can move to another time or kit.
        group += [hi for hi in _kit_holders(c, cands, sol, seed) if hi not in group][: size // 3]
        first = list(group)
    for ri, (hi, _, _) in sorted(sol.items()):
        if hi not in first:
            continue
        for h2, starts in cands[ri].items():
            if len(group) >= size:
                break
            if h2 not in group and any(room(h2, s) for s in starts):
                group.append(h2)
    return sorted(group)


def _kit_holders(c, cands, sol, seed: int) -> list[int]:
    """Heroes of VR visits on the kits `seed` could use, on the days it could be served."""
    r = c.requests[seed]
    starts = sorted({s for st in cands[seed].values() for s in st})
    days = {c.date(s) for s in starts}
    kits = {k for s in starts for k in c.kits_free(r, s)}
    return sorted(
        {hi for hi, s, kit in sol.values() if kit in kits and c.date(s) in days},
    )


def _solve_group(c, w, cands, sol, group, params, clock) -> dict[int, Choice]:
    gset = set(group)
    served = [ri for ri, (hi, _, _) in sorted(sol.items()) if hi in gset]
    rank = {ri: k for k, ri in enumerate(urgency_order(c))}
    waiting = sorted(
        (ri for ri, heroes in cands.items() if ri not in sol and gset & heroes.keys()),
        key=lambda ri: rank[ri],
    )
    items = sorted(served + waiting[: params.group_waiting])
    outside = tuple(c.fixed) + tuple(
        c.assignment(ri, hi, s, kit) for ri, (hi, s, kit) in sorted(sol.items()) if ri not in items
    )
    sub = Compiled(c.inst, fixed=outside)
    sub_cands = {}
    for ri in items:
        r = c.requests[ri]
        heroes = {}
        for hi in group:
            starts = cands[ri].get(hi)
            if starts:
                starts = _thin(starts, params.starts, c.grid)
                if ri in sol and sol[ri][0] == hi and sol[ri][1] not in starts:
                    starts = sorted([*starts, sol[ri][1]])
            if starts and r.kind == VR:
                starts = [s for s in starts if sub.kits_free(r, s)]
            if starts:
                heroes[hi] = starts
        sub_cands[ri] = heroes
    det = min(params.lns_step_s * params.det_per_s, clock.left_det())
    # Same weights as the full model, so objectives stay comparable.
    _, new = _improve(sub, w, items, sub_cands, sol, det, params, clock)
    return new

"""An upper bound on the requests any valid solution can serve (the real rules, not a pruned
model): a max-flow relaxation. The proof is in docs/matching.md.

Network for the open requests (those without a fixed visit):

    source -1-> request -1-> hero-day -cap_day-> hero-month -cap_month-> sink

An edge request -> hero-day exists when the hero could serve the request alone on that day
(language, VOG, training, exclusion, availability, fixed visits, a free kit for VR). cap_day is
how many of the shortest such visits fit into the hero's availability spans that day;
cap_month is the monthly limit minus fixed visits. For VR a second network

    source -1-> VR request -1-> kit-day -cap-> sink

counts what the kits allow. The bound is fixed + min(F_all, F_local_hero_only + F_kits).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace

from ortools.graph.python import max_flow, min_cost_flow
from ortools.sat.python import cp_model

from .model import VR, Instance
from .rules import Compiled, to_min


class _Net:
    """A flow network on named nodes; with `costs`, a maximum flow of minimum cost."""

    def __init__(self, *, costs: bool = False):
        self.costs = costs
        self.flow = min_cost_flow.SimpleMinCostFlow() if costs else max_flow.SimpleMaxFlow()
        self.ids: dict[object, int] = {"source": 0, "sink": 1}

    def node(self, key) -> int:
        if key not in self.ids:
            self.ids[key] = len(self.ids)
        return self.ids[key]

    def arc(self, a, b, cap: int, cost: int = 0) -> None:
        if cap <= 0:
            return
        if self.costs:
            self.flow.add_arc_with_capacity_and_unit_cost(self.node(a), self.node(b), cap, cost)
        else:
            self.flow.add_arc_with_capacity(self.node(a), self.node(b), cap)

    def solve(self) -> int:
        if len(self.ids) <= 2:
            return 0
        if self.costs:
            total = self.flow.num_nodes()
            self.flow.set_node_supply(0, total)
            self.flow.set_node_supply(1, -total)
            status = self.flow.solve_max_flow_with_min_cost()
            if status != self.flow.OPTIMAL:
                raise RuntimeError(f"min-cost flow failed: {status}")
            return self.flow.maximum_flow()
        status = self.flow.solve(0, 1)
        if status != self.flow.OPTIMAL:
            raise RuntimeError(f"max-flow failed: {status}")
        return self.flow.optimal_flow()


def upper_bound(
    inst: Instance, c: Compiled | None = None, cands=None, *, kit_det: float = 30.0
) -> int:
    c = c or Compiled(inst)
    open_ = [i for i, r in enumerate(c.requests) if r.id not in c.fixed_requests]
    if cands is None:
        cands = {ri: c.candidates(ri) for ri in open_}
    fixed_served = sum(1 for r in c.requests if r.id in c.fixed_requests)
    f_all = _hero_flow(c, [ri for ri in open_ if cands[ri]], cands)
    f_local = _hero_flow(c, [ri for ri in open_ if cands[ri] and c.requests[ri].kind != VR], cands)
    vr = [ri for ri in open_ if cands[ri] and c.requests[ri].kind == VR]
    f_kits = min(_kit_flow(c, vr, cands), kit_schedule_bound(c, vr, cands, det_limit=kit_det))
    return fixed_served + min(f_all, f_local + f_kits)


def fit_bound(inst: Instance, *, kit_det: float = 30.0) -> int:
    """The most visits with a hero who has the requested topic that any valid solution can
    make: the served bound of the same instance with every topic required (a visit whose
    hero has the topic is valid there too), fixed visits counted only when their hero has
    the topic. A solution serving s requests has at most min(fit_bound, s) such visits."""
    topical = replace(inst, topic_required=True)
    requests = {r.id: r for r in inst.requests}
    heroes = {h.id: h for h in inst.heroes}
    off_topic = {
        a.request
        for a in inst.fixed
        if a.request in requests
        and (a.hero not in heroes or requests[a.request].topic not in heroes[a.hero].topics)
    }
    return upper_bound(topical, kit_det=kit_det) - len(off_topic)


def flow_plan(c: Compiled, cands, cost=None) -> dict[int, tuple[int, object]]:
    """A maximum flow read back as a plan: request index -> (hero index, day). With `cost`
    ((request, hero) -> a non-negative integer) the plan is a maximum flow of least cost."""
    net = _Net(costs=cost is not None)
    todo = [ri for ri in sorted(cands) if cands[ri]]
    _hero_flow(c, todo, cands, net, cost)
    flow, names = net.flow, {v: k for k, v in net.ids.items()}
    plan = {}
    for arc in range(flow.num_arcs()):
        if flow.flow(arc) > 0:
            tail, head = names[flow.tail(arc)], names[flow.head(arc)]
            if isinstance(tail, tuple) and tail[0] == "r" and head[0] == "hd":
                plan[tail[1]] = head[1]
    return plan


def _hero_flow(c: Compiled, todo: list[int], cands, net: _Net | None = None, cost=None) -> int:
    net = net or _Net()
    shortest: dict[tuple[int, object], int] = {}
    schools: dict[tuple[int, object], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for ri in todo:
        r = c.requests[ri]
        net.arc("source", ("r", ri), 1)
        days = {(hi, c.date(s)) for hi, starts in cands[ri].items() for s in starts}
        for key in sorted(days):
            net.arc(("r", ri), ("hd", key), 1, cost(ri, key[0]) if cost else 0)
            shortest[key] = min(shortest.get(key, r.duration_min), r.duration_min)
            schools[key][r.school] += 1
    months = set()
    for (hi, day), d in sorted(shortest.items()):
        # Spans are keyed by the date they start; one from the evening before may reach in.
        spans = [
            (max(s, lo), e)
            for dd in (day - dt.timedelta(days=1), day)
            for h2, s, e in c.avail_by_date.get(dd, ())
            if h2 == hi and e > (lo := _day_start(c, day))
        ]
        counts = _by_size(schools[(hi, day)])
        net.arc(
            ("hd", (hi, day)),
            ("hm", hi, (day.year, day.month)),
            sum(packable(e - s, d, counts, c.buffer) for s, e in spans),
        )
        months.add((hi, (day.year, day.month)))
    for hi, month in sorted(months):
        net.arc(("hm", hi, month), "sink", c.cap_left(c.heroes[hi], month))
    return net.solve()


def _day_start(c: Compiled, day: dt.date) -> int:
    return to_min(dt.datetime.combine(day, dt.time(), c.tz))


def _kit_flow(c: Compiled, todo: list[int], cands) -> int:
    net = _Net()
    span: dict[tuple[str, object], list[int]] = {}
    schools: dict[tuple[str, object], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for ri in todo:
        r = c.requests[ri]
        net.arc("source", ("r", ri), 1)
        starts = sorted({s for st in cands[ri].values() for s in st})
        keys = set()
        for s in starts:
            for kit in c.kits_free(r, s):
                key = (kit, c.date(s))
                keys.add(key)
                lo, hi, d = span.get(key, [s, s + r.duration_min, r.duration_min])
                span[key] = [min(lo, s), max(hi, s + r.duration_min), min(d, r.duration_min)]
        for key in sorted(keys):
            net.arc(("r", ri), ("kd", key), 1)
            schools[key][r.school] += 1
    for key, (lo, hi, d) in sorted(span.items()):
        # Every visit on this kit-day lies in [lo, hi) and visits on a kit do not overlap.
        net.arc(("kd", key), "sink", packable(hi - lo, d, _by_size(schools[key]), c.buffer))
    return net.solve()


def kit_schedule_bound(c: Compiled, todo: list[int], cands, *, det_limit: float) -> int:
    """The most VR requests the kits alone can take: each at one of its candidate starts
    with a big-enough kit free then, a kit's visits apart (overlap, and the travel buffer
    between schools, exactly), no heroes. CP-SAT's proven bound on that relaxation, within
    `det_limit` deterministic units (one worker, so the same every time); len(todo) when it
    proves nothing.

    Tighter than the kit flow where requests' windows crowd into part of a kit's day: the
    flow counts the day's whole span, this places the visits."""
    m = cp_model.CpModel()
    options: dict[tuple[str, object], list] = defaultdict(list)
    per_request: dict[int, list] = defaultdict(list)
    for ri in todo:
        r = c.requests[ri]
        for s in sorted({s for st in cands[ri].values() for s in st}):
            for kit in c.kits_free(r, s):
                z = m.new_bool_var("")
                per_request[ri].append(z)
                options[(kit, c.date(s))].append((z, s, s + r.duration_min, r.school))
    if not per_request:
        return 0
    for opts in options.values():
        m.add_no_overlap(
            [m.new_optional_fixed_size_interval_var(s, e - s, z, "") for z, s, e, _ in opts]
        )
        for i, (z1, s1, e1, c1) in enumerate(opts):
            for z2, s2, e2, c2 in opts[i + 1 :]:
                # Overlaps are the no-overlap's; the buffer is only between schools.
                near = s1 < e2 + c.buffer and s2 < e1 + c.buffer and not (s1 < e2 and s2 < e1)
                if c1 != c2 and near:
                    m.add_bool_or([z1.Not(), z2.Not()])
    served = []
    for zs in per_request.values():
        y = m.new_bool_var("")
        m.add(sum(zs) == y)
        served.append(y)
    m.maximize(sum(served))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = det_limit
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return len(todo)
    return min(len(todo), int(solver.best_objective_bound + 1e-6))


def _by_size(counts: dict[str, int]) -> list[int]:
    return sorted(counts.values(), reverse=True)


def packable(length: int, shortest: int, counts: list[int], buffer: int) -> int:
    """The most visits of one hero (or kit) that fit into `length` minutes: each lasts at
    least `shortest`, and between visits at different schools lies the travel buffer.

    `counts` is, per school, how many of the requests could be there (largest first). n visits
    then come from at least m(n) schools, the fewest whose counts add up to n; ordered in
    time they change school at least m(n) - 1 times, so they need n * shortest +
    (m(n) - 1) * buffer minutes. Both terms grow with n: the largest n that fits is the cap.
    """
    n, m, room = 0, 0, 0
    while True:
        if room == 0:
            if m == len(counts):
                return n
            room, m = counts[m], m + 1
        if (n + 1) * shortest + (m - 1) * buffer > length:
            return n
        n, room = n + 1, room - 1

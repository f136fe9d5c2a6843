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

from ortools.graph.python import max_flow

from .model import VR, Instance
from .rules import Compiled, to_min


class _Net:
    def __init__(self):
        self.flow = max_flow.SimpleMaxFlow()
        self.ids: dict[object, int] = {"source": 0, "sink": 1}

    def node(self, key) -> int:
        if key not in self.ids:
            self.ids[key] = len(self.ids)
        return self.ids[key]

    def arc(self, a, b, cap: int) -> None:
        if cap > 0:
            self.flow.add_arc_with_capacity(self.node(a), self.node(b), cap)

    def solve(self) -> int:
        if len(self.ids) <= 2:
            return 0
        status = self.flow.solve(0, 1)
        if status != self.flow.OPTIMAL:
            raise RuntimeError(f"max-flow failed: {status}")
        return self.flow.optimal_flow()


def upper_bound(inst: Instance, c: Compiled | None = None, cands=None) -> int:
    c = c or Compiled(inst)
    open_ = [i for i, r in enumerate(c.requests) if r.id not in c.fixed_requests]
    if cands is None:
        cands = {ri: c.candidates(ri) for ri in open_}
    fixed_served = sum(1 for r in c.requests if r.id in c.fixed_requests)
    f_all = _hero_flow(c, [ri for ri in open_ if cands[ri]], cands)
    f_local = _hero_flow(c, [ri for ri in open_ if cands[ri] and c.requests[ri].kind != VR], cands)
    f_kits = _kit_flow(c, [ri for ri in open_ if cands[ri] and c.requests[ri].kind == VR], cands)
    return fixed_served + min(f_all, f_local + f_kits)


def flow_plan(c: Compiled, cands) -> dict[int, tuple[int, object]]:
    """A maximum flow read back as a plan: request index -> (hero index, day)."""
    net = _Net()
    todo = [ri for ri in sorted(cands) if cands[ri]]
    _hero_flow(c, todo, cands, net)
    flow, names = net.flow, {v: k for k, v in net.ids.items()}
    plan = {}
    for arc in range(flow.num_arcs()):
        if flow.flow(arc) > 0:
            tail, head = names[flow.tail(arc)], names[flow.head(arc)]
            if isinstance(tail, tuple) and tail[0] == "r" and head[0] == "hd":
                plan[tail[1]] = head[1]
    return plan


def _hero_flow(c: Compiled, todo: list[int], cands, net: _Net | None = None) -> int:
    net = net or _Net()
    shortest: dict[tuple[int, object], int] = {}
    for ri in todo:
        d = c.requests[ri].duration_min
        net.arc("source", ("r", ri), 1)
        days = {(hi, c.date(s)) for hi, starts in cands[ri].items() for s in starts}
        for key in sorted(days):
            net.arc(("r", ri), ("hd", key), 1)
            shortest[key] = min(shortest.get(key, d), d)
    months = set()
    for (hi, day), d in sorted(shortest.items()):
        # Spans are keyed by the date they start; one from the evening before may reach in.
        spans = [
            (max(s, lo), e)
            for dd in (day - dt.timedelta(days=1), day)
            for h2, s, e in c.avail_by_date.get(dd, ())
            if h2 == hi and e > (lo := _day_start(c, day))
        ]
        net.arc(
            ("hd", (hi, day)),
            ("hm", hi, (day.year, day.month)),
            sum((e - s) // d for s, e in spans),
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
    for key, (lo, hi, d) in sorted(span.items()):
        # Every visit on this kit-day lies in [lo, hi) and visits on a kit do not overlap.
        net.arc(("kd", key), "sink", (hi - lo) // d)
    return net.solve()

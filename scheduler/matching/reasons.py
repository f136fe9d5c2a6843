"""Why a request stayed unmatched, found by checking the hard rules one by one.

The rules are applied in a fixed order, each narrowing the (hero, start) options left; the
first rule that leaves nothing is the reason. When options survive every rule, other
requests took them (competition).
"""

from __future__ import annotations

from collections import defaultdict

from . import model as m
from .model import VR, Instance, Unmatched
from .rules import Busy, Compiled, to_min


def explain(inst: Instance, assignments) -> list[Unmatched]:
    c = Compiled(inst)
    served = {a.request for a in assignments}
    counts: dict = defaultdict(int)
    hero_busy: dict[str, Busy] = defaultdict(Busy)
    kit_busy: dict[str, Busy] = defaultdict(Busy)
    for a in assignments:
        c.place(a, hero_busy, kit_busy, counts)
    out = []
    for ri, r in enumerate(c.requests):
        if r.id not in served:
            out.append(Unmatched(r.id, _reason(c, ri, counts)))
    return out


def _reason(c: Compiled, ri: int, counts) -> str:
    r = c.requests[ri]
    if not c.windows[ri]:
        if c.now is not None and all(to_min(b) - r.duration_min < c.now for _, b in r.windows):
            return m.WINDOW_PAST
        return m.NO_HERO_AVAILABLE
    if r.kind == VR and not any(c.kit_big_enough(r, k) for k in c.kits):
        return m.NO_KIT_BIG_ENOUGH
    inst = c.inst
    options = [
        (hi, s)
        for hi, lo, last in c.window_starts(ri)
        if not inst.language_required or r.language in c.heroes[hi].languages
        for s in range(lo, last + 1, c.grid)
    ]
    steps = [
        (m.NO_HERO_AVAILABLE, lambda hi, s: True),
        (m.NO_TOPIC_HERO, lambda hi, s: not r.needs_topic(inst) or r.topic in c.heroes[hi].topics),
        (m.NO_VALID_VOG, lambda hi, s: c.vog_ok(c.heroes[hi], c.date(s))),
        (m.NO_VR_TRAINED_HERO, lambda hi, s: r.kind != VR or c.heroes[hi].vr_trained),
        (m.ALL_EXCLUDED, lambda hi, s: (r.id, c.heroes[hi].id) not in inst.exclusions),
        (m.COMPETITION, lambda hi, s: _free_of_fixed(c, ri, hi, s)),
        (m.NO_KIT_FREE, lambda hi, s: r.kind != VR or bool(c.kits_free(r, s))),
        (m.HERO_LIMITS, lambda hi, s: _below_limit(c, hi, s, counts)),
    ]
    for reason, keep in steps:
        options = [(hi, s) for hi, s in options if keep(hi, s)]
        if not options:
            return reason
    return m.COMPETITION


def _free_of_fixed(c: Compiled, ri: int, hi: int, s: int) -> bool:
    """Accepted visits hold the hero then: that is competition from earlier requests."""
    r, h = c.requests[ri], c.heroes[hi]
    busy = c.hero_busy.get(h.id)
    return busy is None or busy.free(c.date(s), s, s + r.duration_min, r.school, c.buffer)


def _below_limit(c: Compiled, hi: int, s: int, counts) -> bool:
    h, day = c.heroes[hi], c.date(s)
    return counts[(h.id, (day.year, day.month))] < h.max_visits_per_month

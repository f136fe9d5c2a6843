"""Matching benchmark: a generated month of Local Hero and VR requests, solved and checked.

    python -m bench.matching [--requests 2000] [--heroes 500] [--kits 20] [--weeks 4] \
        [--seed 1] [--time-limit 30] [--dump DIR] [--tiny]

It generates an instance shaped like MATCHING.md's (school days, in-school and after-school
windows of 2-4 hours, 85 % Local Hero and 15 % VR at about 60 schools, heroes with 1-3 weekly
blocks, monthly limits 2-8, 20 % VR-trained, 5 % VOG expiring), solves it with the engine and
with the round-robin baseline, validates both against every hard rule, computes the max-flow
upper bound, and prints human lines and, last, one JSON object (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

from core.time import local_datetime
from scheduler.matching import bound, greedy, instance, quality, reasons, solver
from scheduler.matching.model import HERO, VR, Hero, Instance, Kit, Request
from scheduler.matching.rules import validate

# A Monday; four weeks of school days stay inside March (one calendar month).
FIRST_DAY = dt.date(2027, 3, 1)
TOPICS = ["sport", "muziek", "techniek", "zorg", "ondernemen", "kunst", "politie", "media"]
LANGUAGES = [("nl", 0.82), ("en", 0.1), ("tr", 0.04), ("ar", 0.04)]
SPREAD_MIN_REQUESTS = 10  # schools with fewer requests are left out of the spread
NEIGHBOURHOODS = ["Poelenburg", "Peldersveld", "Saendelft", "Kogerveld", "Rosmolenwijk",
                  "Westerkoog", "Oude Haven", "Krommenie"]  # fmt: skip


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return local_datetime(day, dt.time(minutes // 60, minutes % 60))


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def generate(
    requests: int,
    heroes: int,
    kits: int,
    weeks: int,
    seed: int,
    *,
    schools: int = 60,
    first_day: dt.date = FIRST_DAY,
) -> Instance:
    """A realistic instance; the same arguments always give the same instance. `first_day`
    is a Monday; bench.matching_national moves it ahead of today."""
    rng = random.Random(seed)
    days = [first_day + dt.timedelta(days=7 * w + d) for w in range(weeks) for d in range(5)]
    now = _at(first_day - dt.timedelta(days=3), 9 * 60)
    places = [(f"S{i:02d}", rng.choice(NEIGHBOURHOODS)) for i in range(schools)]
    return Instance(
        requests=tuple(_request(rng, i, days, places, now) for i in range(requests)),
        heroes=tuple(_hero(rng, i, weeks, places, first_day) for i in range(heroes)),
        kits=tuple(_kit(rng, i, days) for i in range(kits)),
        now=now,
    )


def _request(rng: random.Random, i: int, days, schools, now) -> Request:
    kind = VR if rng.random() < 0.15 else HERO
    school, hood = rng.choice(schools)
    duration = rng.choice([90, 120]) if kind == VR else rng.choice([45, 60, 60, 90])
    windows = []
    for day in sorted(rng.sample(days, rng.randint(1, 3))):
        length = rng.choice([120, 150, 180, 210, 240])
        # In school (8:30-15:00) or after school (until 18:00).
        start = rng.choice([510, 540, 570, 600, 660, 720, 780]) if rng.random() < 0.7 else 900
        windows.append((_at(day, start), _at(day, min(start + length, 18 * 60))))
    return Request(
        id=f"R{i:05d}",
        kind=kind,
        school=school,
        size=rng.randint(18, 32),
        duration_min=duration,
        windows=tuple(windows),
        topic=rng.choice(TOPICS),
        language=_pick(rng, LANGUAGES),
        created_at=now - dt.timedelta(minutes=rng.randint(60, 60 * 24 * 60)),
        neighbourhood=hood,
    )


def _hero(rng: random.Random, i: int, weeks: int, schools, first_day: dt.date) -> Hero:
    blocks = []
    for _ in range(rng.randint(1, 3)):
        weekday, start = rng.randint(0, 4), rng.choice(range(480, 900, 30))
        blocks.append((weekday, start, min(start + rng.choice([180, 240, 300]), 19 * 60)))
    away = rng.randrange(weeks) if rng.random() < 0.1 else None
    available = sorted(
        (
            _at(first_day + dt.timedelta(days=7 * w + wd), s),
            _at(first_day + dt.timedelta(days=7 * w + wd), e),
        )
        for w in range(weeks)
        if w != away
        for wd, s, e in blocks
    )
    r = rng.random()
    if r < 0.05:  # expires during the horizon
        vog = first_day + dt.timedelta(days=rng.randint(0, 7 * weeks))
    elif r < 0.06:
        vog = None
    else:
        vog = first_day + dt.timedelta(days=rng.randint(200, 1000))
    languages = {"nl"} if rng.random() < 0.95 else set()
    for lang, p in (("en", 0.4), ("tr", 0.1), ("ar", 0.1)):
        if rng.random() < p:
            languages.add(lang)
    return Hero(
        id=f"H{i:04d}",
        available=tuple(available),
        vog_valid_until=vog,
        vr_trained=rng.random() < 0.2,
        max_visits_per_month=rng.randint(2, 8),
        topics=frozenset(rng.sample(TOPICS, rng.randint(2, 4))),
        languages=frozenset(languages or {"en"}),
        home_neighbourhood=rng.choice(NEIGHBOURHOODS),
        neighbourhoods=frozenset(rng.sample(NEIGHBOURHOODS, 2)),
        schools_before=frozenset(s for s, _ in rng.sample(schools, rng.randint(0, 3))),
    )


def _kit(rng: random.Random, i: int, days) -> Kit:
    blocked = tuple((_at(d, 8 * 60), _at(d, 18 * 60)) for d in sorted(rng.sample(days, 2)))
    return Kit(id=f"K{i:02d}", headsets=rng.choice([8, 10, 12, 15, 16]), blocked=blocked)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--heroes", type=int, default=500)
    p.add_argument("--kits", type=int, default=20)
    p.add_argument("--weeks", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--time-limit", type=float, default=30.0)
    p.add_argument("--dump", type=Path)
    p.add_argument(
        "--spread-min",
        type=int,
        default=SPREAD_MIN_REQUESTS,
        help="schools with fewer requests are left out of the unserved spread",
    )
    p.add_argument("--tiny", action="store_true", help="a few dozen requests, for CI")
    a = p.parse_args(argv)
    if a.tiny:
        a.requests, a.heroes, a.kits, a.weeks, a.time_limit = 40, 12, 2, 1, 3.0
        a.spread_min = 2

    inst = generate(a.requests, a.heroes, a.kits, a.weeks, a.seed)
    print(f"instance: {a.requests} requests, {a.heroes} heroes, {a.kits} kits, {a.weeks} weeks")

    t0 = time.perf_counter()
    base = greedy.baseline(inst)
    greedy_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ub = bound.upper_bound(inst)
    fit_ub = bound.fit_bound(inst)
    bound_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = solver.solve(inst, solver.Params(time_limit_s=a.time_limit, seed=a.seed))
    solve_s = time.perf_counter() - t0

    errors = validate(inst, result.assignments)
    greedy_errors = validate(inst, base.assignments)
    why = reasons.explain(inst, result.assignments)
    served, greedy_served = result.served, base.served
    print(
        f"greedy baseline: {greedy_served} served in {greedy_s:.2f} s, {len(greedy_errors)} errors"
    )
    print(
        f"solver: {served} served in {solve_s:.2f} s ({result.status}), {len(errors)} rule errors"
    )
    print(f"upper bound (max-flow): {ub} in {bound_s:.2f} s; solver at {served / max(ub, 1):.2%}")
    matched = quality.topic_matched(inst, result.assignments)
    spread = quality.school_spread(inst, result.assignments, a.spread_min)
    print(
        f"topic fit: {matched} of {served} visits ({matched / max(served, 1):.1%}); fit bound "
        f"{fit_ub}, reached {matched / max(fit_ub, 1):.2%}"
    )
    print(
        f"unserved per school ({spread['schools']} schools with >= {a.spread_min} requests): "
        f"max share {spread['max']:.1%}, std {spread['std']:.1%}"
    )
    counts: dict[str, int] = {}
    for u in why:
        counts[u.reason] = counts.get(u.reason, 0) + 1
    print("unmatched:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")
    for e in (errors + greedy_errors)[:10]:
        print("  rule error:", e)

    if a.dump:
        a.dump.mkdir(parents=True, exist_ok=True)
        instance.write(a.dump / "instance.json", instance.instance_to_dict(inst))
        instance.write(a.dump / "solution.json", instance.solution_to_dict(result.assignments))
        print(f"wrote {a.dump / 'instance.json'} and {a.dump / 'solution.json'}")

    out = {
        "requests": a.requests,
        "heroes": a.heroes,
        "kits": a.kits,
        "weeks": a.weeks,
        "seed": a.seed,
        "time_limit": a.time_limit,
        "served": served,
        "greedy_served": greedy_served,
        "strong_greedy_served": result.stats.get("hint_served"),
        "upper_bound": ub,
        "ratio_to_bound": round(served / max(ub, 1), 4),
        "topic_matched": matched,
        "topic_fit": round(matched / max(served, 1), 4),
        "fit_bound": fit_ub,
        "fit_ratio": round(matched / max(fit_ub, 1), 4),
        "spread_schools": spread["schools"],
        "unserved_school_max": spread["max"],
        "unserved_school_std": spread["std"],
        "solve_s": round(solve_s, 2),
        "greedy_s": round(greedy_s, 2),
        "bound_s": round(bound_s, 2),
        "status": result.status,
        "errors": len(errors),
        "greedy_errors": len(greedy_errors),
        "unmatched": counts,
        "lns_steps": result.stats.get("lns_steps"),
        "wall_stop": result.stats.get("wall_stop"),
        "variables": result.stats.get("variables"),
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "load_avg": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    sys.exit(0 if main()["errors"] == 0 else 1)

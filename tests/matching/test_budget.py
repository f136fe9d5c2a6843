"""The time budget: the steps before the search count, the search keeps its share, and the
wall-clock safety stop is measured with an injected clock, not by timing."""

import itertools

from bench.matching import generate
from scheduler.matching import solver
from scheduler.matching.bound import packable


class Ticking:
    """A clock that moves `step` seconds at every reading."""

    def __init__(self, step: float):
        self.step = step
        self.readings = itertools.count()

    def __call__(self) -> float:
        return next(self.readings) * self.step


def test_pre_search_steps_count_against_the_budget():
    inst = generate(150, 30, 2, 1, seed=4)
    params = solver.Params(time_limit_s=4)
    result = solver.solve(inst, params)
    budget = params.time_limit_s * params.det_per_s
    assert result.stats["pre_det"] > 0
    assert result.stats["planned_s"] == params.time_limit_s  # small: the limit covers it all
    assert result.stats["det_used"] <= budget + 0.05
    assert result.stats["wall_stop"] == 0


def test_search_keeps_its_share_when_the_pre_search_steps_exceed_the_limit():
    inst = generate(150, 30, 2, 1, seed=4)
    # Charged as if the candidates were a thousand times as slow: more than the whole limit.
    params = solver.Params(time_limit_s=4, pre_starts_per_s=solver.Params().pre_starts_per_s / 1000)
    result = solver.solve(inst, params)
    pre = result.stats["pre_det"]
    assert pre > params.time_limit_s * params.det_per_s
    search = params.search_share * params.time_limit_s * params.det_per_s
    assert abs(result.stats["planned_s"] - (pre + search) / params.det_per_s) < 0.1
    # The search ran (the full model, LNS) on its share.
    assert result.stats["det_used"] - pre > 0.05


def test_search_share_grows_with_the_open_requests():
    inst = generate(150, 30, 2, 1, seed=4)
    # 150 open requests against a reference of 50: the search keeps three half-limits.
    params = solver.Params(time_limit_s=2, search_ref_requests=50)
    result = solver.solve(inst, params)
    pre_s = result.stats["pre_det"] / params.det_per_s
    assert abs(result.stats["planned_s"] - (pre_s + 3 * 0.5 * 2)) < 0.1
    assert result.stats["planned_s"] > params.time_limit_s
    assert result.stats["wall_stop"] == 0


def test_same_answer_whatever_the_wall_clock_reads_below_the_safety_stop():
    inst = generate(120, 24, 2, 1, seed=2)
    params = solver.Params(time_limit_s=3)
    slow = solver.solve(inst, params, now=Ticking(0.0001))
    quick = solver.solve(inst, params, now=Ticking(0.0))
    assert slow.stats["wall_stop"] == quick.stats["wall_stop"] == 0
    assert slow.assignments == quick.assignments


def test_safety_stop_fires_past_the_wall_factor_and_says_so():
    inst = generate(120, 24, 2, 1, seed=2)
    params = solver.Params(time_limit_s=3)
    # Every reading moves the clock by the whole planned time: the stop fires at once.
    stopped = solver.solve(inst, params, now=Ticking(params.wall_factor * 3))
    assert stopped.stats["lns_steps"] == 0
    assert stopped.stats["wall_stop"] == 1
    assert stopped.stats["first_status"] in {"SKIPPED", "UNKNOWN"}


def test_packable_counts_the_travel_buffer_between_schools():
    # 240 minutes, visits of 60: four at one school back to back ...
    assert packable(240, 60, [4], 30) == 4
    # ... but from four different schools only three (three changes of 30 minutes do not fit).
    assert packable(240, 60, [1, 1, 1, 1], 30) == 3
    # Two schools with two requests each: one change, 4 * 60 + 30 > 240, so three.
    assert packable(240, 60, [2, 2], 30) == 3
    assert packable(270, 60, [2, 2], 30) == 4
    assert packable(50, 60, [3], 30) == 0

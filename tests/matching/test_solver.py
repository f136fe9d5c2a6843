"""The solver against the greedy, the bound and itself; the validator; the JSON format."""

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from bench.matching import generate
from scheduler.matching import bound, greedy, solver
from scheduler.matching import instance as io
from scheduler.matching.model import VR, Assignment
from scheduler.matching.rules import Compiled, fit, validate

from . import NOW, at, hero, instance, kit, request, served, solve

ROOT = Path(__file__).resolve().parents[2]


def test_same_input_gives_the_same_answer():
    inst = generate(80, 16, 2, 1, seed=3)
    params = solver.Params(time_limit_s=3)
    first, second = solver.solve(inst, params), solver.solve(inst, params)
    assert first.stats["wall_stop"] == 0
    assert first.assignments == second.assignments
    assert first.unmatched == second.unmatched


def test_solver_serves_at_least_the_greedy_and_at_most_the_bound_on_a_contended_instance():
    inst = generate(150, 18, 2, 1, seed=5)
    base = greedy.baseline(inst)
    result = solve(inst, time_limit=5)
    ub = bound.upper_bound(inst)
    assert validate(inst, base.assignments) == []
    assert base.served <= result.served <= ub
    assert base.served < ub  # contended: not everyone can be served


def test_bound_counts_fixed_visits_and_holds_on_small_cases():
    reqs = [
        request("A", at(10), at(11)),
        request("B", at(10), at(11)),
        request("C", at(10), at(12)),
    ]
    fixed = (Assignment("A", "H", None, at(10), at(11)),)
    inst = instance(reqs, [hero("H"), hero("J", max_visits_per_month=1)], fixed=fixed)
    result = solve(inst)
    assert result.served == 3
    assert bound.upper_bound(inst) == 3


def test_older_request_wins_a_tie():
    old = request("B", at(10), at(11), created_at=NOW - dt.timedelta(days=9))
    young = request("A", at(10), at(11), created_at=NOW - dt.timedelta(days=1))
    assert served(solve(instance([young, old], [hero("H")]))) == {"B"}


def test_topic_fit_chooses_the_hero():
    reqs = [request("A", at(10), at(11), topic="muziek")]
    heroes = [hero("H"), hero("J", topics=frozenset({"muziek"}))]
    assert [a.hero for a in solve(instance(reqs, heroes)).assignments] == ["J"]


def test_time_left_after_serving_goes_to_fit_past_the_full_model():
    """Too large for the full model (forced here), nothing left to serve: the neighbourhood
    search then moves visits to heroes who fit better (it used to stop at the greedy's fit)."""
    inst = generate(40, 20, 2, 1, seed=4)
    c = Compiled(inst)
    hint = greedy.strong(inst, c, {ri: c.candidates(ri) for ri in greedy.open_requests(c)})
    result = solver.solve(inst, solver.Params(time_limit_s=3, full_model_max_vars=0))

    def total_fit(assignments) -> int:
        requests = {r.id: r for r in inst.requests}
        heroes = {h.id: h for h in inst.heroes}
        return sum(fit(inst, requests[a.request], heroes[a.hero]) for a in assignments)

    assert result.stats["first_status"] == "SKIPPED" and result.stats["wall_stop"] == 0
    assert validate(inst, result.assignments) == []
    assert result.served == hint.served
    assert total_fit(result.assignments) > total_fit(hint.assignments)


def test_validator_catches_a_broken_solution():
    reqs = [request("A", at(10), at(11)), request("B", at(11), at(12), school="S2")]
    fixed = (Assignment("A", "H", None, at(10), at(11)),)
    inst = instance(reqs, [hero("H"), hero("J")], fixed=fixed)
    good = solve(inst).assignments
    assert validate(inst, good) == []
    clash = [*fixed, Assignment("B", "H", None, at(11), at(12))]
    assert any("collide" in e for e in validate(inst, clash))
    outside = [*fixed, Assignment("B", "J", None, at(12), at(13))]
    assert any("window" in e for e in validate(inst, outside))
    assert any("dropped" in e for e in validate(inst, [Assignment("B", "J", None, at(11), at(12))]))
    twice = [*fixed, Assignment("A", "J", None, at(10), at(11))]
    assert any("twice" in e for e in validate(inst, twice))


def test_instance_and_solution_survive_json():
    inst = dataclasses.replace(
        generate(30, 8, 2, 1, seed=2), exclusions=frozenset({("R00001", "H0002")})
    )
    result = solve(inst)
    back = io.instance_from_dict(json.loads(json.dumps(io.instance_to_dict(inst))))
    assert back == inst
    data = json.loads(json.dumps(io.solution_to_dict(result.assignments)))
    assert io.solution_from_dict(data) == result.assignments
    assert data["assignments"][0]["start"].endswith("+01:00")


def test_bench_runs_in_tiny_mode(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bench.matching", "--tiny", "--dump", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["errors"] == 0 and out["greedy_errors"] == 0
    assert out["greedy_served"] <= out["upper_bound"]
    assert out["served"] <= out["upper_bound"]
    assert out["topic_matched"] <= out["fit_bound"] <= out["upper_bound"]
    assert 0 <= out["unserved_school_std"] <= out["unserved_school_max"] <= 1
    inst = io.instance_from_dict(io.read(tmp_path / "instance.json"))
    assignments = io.solution_from_dict(io.read(tmp_path / "solution.json"))
    assert len(assignments) == out["served"]
    assert validate(inst, assignments) == []


def test_bound_places_vr_visits_on_the_kits_where_windows_crowd():
    # One kit; two schools want it 9:00-10:30, a third 14:00-15:30. The day's span holds
    # three visits with the buffer, but only one of the first two fits: at most two.
    reqs = [
        request("A", at(9), at(10, 30), kind=VR, school="S1", duration_min=90),
        request("B", at(9), at(10, 30), kind=VR, school="S2", duration_min=90),
        request("C", at(14), at(15, 30), kind=VR, school="S3", duration_min=90),
    ]
    heroes = [hero("H", vr_trained=True), hero("J", vr_trained=True)]
    inst = instance(reqs, heroes, [kit("K")])
    c = Compiled(inst)
    cands = {ri: c.candidates(ri) for ri in range(3)}
    assert bound._kit_flow(c, [0, 1, 2], cands) == 3
    assert bound.upper_bound(inst) == 2
    assert solve(inst).served == 2

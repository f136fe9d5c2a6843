"""The objective's order (served and urgency, then fit, then fairness across schools), the
local search that follows it, and the fit bound against brute force."""

import itertools

import pytest

from bench.matching import generate
from scheduler.matching import bound, greedy, polish, quality, solver
from scheduler.matching.rules import Compiled, validate

from . import at, hero, instance, request, served

# The full model on a small instance, and the local search with LNS as on a large one.
PATHS = [
    pytest.param({}, id="full-model"),
    pytest.param({"full_model_max_vars": 0}, id="local-search-and-lns"),
]


def run(inst, **params):
    result = solver.solve(inst, solver.Params(time_limit_s=2, **params))
    assert validate(inst, result.assignments) == []
    assert result.stats["wall_stop"] == 0
    return result


def heroes_of(result) -> dict[str, str]:
    return {a.request: a.hero for a in result.assignments}


@pytest.mark.parametrize("params", PATHS)
def test_serving_one_more_beats_any_fit_gain(params):
    # M has the topic and knows both schools; only M is there in B's window. Giving A its
    # best hero (M) would leave B unserved: A goes to N, who has nothing but the language.
    a = request("A", at(10), at(11), topic="muziek", neighbourhood="West")
    b = request("B", at(10), at(11), topic="muziek", school="S2", neighbourhood="West")
    m = hero("M", topics=frozenset({"muziek"}), home_neighbourhood="West",
             schools_before=frozenset({"S1", "S2"}))  # fmt: skip
    n = hero("N", (at(10), at(11)), topics=frozenset())
    inst = instance([a, b], [n, m], exclusions=frozenset({("B", "N")}))
    result = run(inst, **params)
    assert heroes_of(result) == {"A": "N", "B": "M"}


@pytest.mark.parametrize("params", PATHS)
def test_equal_coverage_prefers_the_better_fit(params):
    # Two requests at the same time, two heroes with one topic each: each gets its topic,
    # whatever order the greedy took them in.
    reqs = [
        request("A", at(10), at(11), topic="muziek"),
        request("B", at(10), at(11), topic="sport", school="S2"),
    ]
    heroes = [hero("H", topics=frozenset({"sport"})), hero("J", topics=frozenset({"muziek"}))]
    result = run(instance(reqs, heroes), **params)
    assert heroes_of(result) == {"A": "J", "B": "H"}


@pytest.mark.parametrize("params", PATHS)
def test_equal_coverage_and_fit_spread_the_unserved_over_schools(params):
    # One hero with room for two visits, two equally urgent requests at each of two schools:
    # one of each school waits, not both of one (the greedy takes S1's two by id).
    reqs = [
        request(rid, at(9), at(17), school=school)
        for rid, school in (("A1", "S1"), ("A2", "S1"), ("B1", "S2"), ("B2", "S2"))
    ]
    inst = instance(reqs, [hero("H", max_visits_per_month=2)])
    c = Compiled(inst)
    hint = greedy.strong(inst, c, {ri: c.candidates(ri) for ri in greedy.open_requests(c)})
    assert served(hint) == {"A1", "A2"}
    result = run(inst, **params)
    assert result.served == 2
    assert {r[0] for r in served(result)} == {"A", "B"}
    spread = quality.school_spread(inst, result.assignments, min_requests=2)
    assert spread == {"schools": 2, "max": 0.5, "std": 0.0}


def test_local_search_never_lowers_the_objective_and_keeps_the_rules():
    inst = generate(120, 14, 2, 1, seed=7)
    c = Compiled(inst)
    todo = greedy.open_requests(c)
    cands = {ri: c.candidates(ri) for ri in todo}
    w = solver.Weights(c, len(todo), todo)
    start = solver._to_choices(c, greedy.baseline(inst, strict=True, cands=cands).assignments)
    sol, checks, moves = polish.polish(c, w, cands, start, 10**6)
    assert moves > 0 and checks < 10**6
    assert len(sol) >= len(start)
    assert w.objective(sol) > w.objective(start)
    assignments = [c.assignment(ri, *choice) for ri, choice in sol.items()]
    assert validate(inst, assignments) == []
    assert polish.polish(c, w, cands, start, 10**6) == (sol, checks, moves)  # deterministic


def test_a_required_topic_stays_honoured_while_fit_is_optimised():
    # B requires muziek; the only muziek hero is busy with A (a wish) unless A moves.
    reqs = [
        request("A", at(10), at(11), topic="muziek"),
        request("B", at(10), at(11), topic="muziek", school="S2", topic_required=True),
    ]
    heroes = [hero("H", topics=frozenset({"muziek"})), hero("J", topics=frozenset())]
    for params in ({}, {"full_model_max_vars": 0}):
        result = run(instance(reqs, heroes), **params)
        assert heroes_of(result) == {"A": "J", "B": "H"}


def _best_by_brute_force(inst):
    """(most served, most topic-matched visits among those serving the most, most
    topic-matched visits of any solution), over every valid solution."""
    c = Compiled(inst)
    options = []
    for ri in range(len(c.requests)):
        opts = [None]
        for hi, starts in sorted(c.candidates(ri).items()):
            for s in starts:
                for kit in c.kits_free(c.requests[ri], s) or [None]:
                    opts.append(c.assignment(ri, hi, s, kit))
        options.append(opts)
    best = (0, 0, 0)
    for combo in itertools.product(*options):
        chosen = [a for a in combo if a is not None]
        if validate(inst, chosen):
            continue
        topic = quality.topic_matched(inst, chosen)
        n = len(chosen)
        most, fit_at_most, fit_any = best
        if n > most:
            most, fit_at_most = n, topic
        elif n == most:
            fit_at_most = max(fit_at_most, topic)
        best = (most, fit_at_most, max(fit_any, topic))
    return best


def _small(variant: int):
    """Three requests in exact one-hour windows, three heroes: few enough to enumerate."""
    topics = [("sport", "muziek", "sport"), ("muziek", "muziek", "zorg"), ("zorg", "zorg", "zorg")]
    schools = [("S1", "S2", "S1"), ("S1", "S2", "S3"), ("S1", "S1", "S1")]
    reqs = [
        request(f"R{i}", at(10 + i % 2), at(11 + i % 2), topic=topics[variant][i],
                school=schools[variant][i])
        for i in range(3)
    ]  # fmt: skip
    heroes = [
        hero("H1", (at(10), at(12)), topics=frozenset({"sport"}), max_visits_per_month=1),
        hero("H2", (at(10), at(12)), topics=frozenset({"muziek", "zorg"})),
        hero("H3", (at(11), at(12)), topics=frozenset({"zorg"})),
    ]
    return instance(reqs, heroes)


@pytest.mark.parametrize("variant", [0, 1, 2])
def test_fit_bound_holds_against_brute_force(variant):
    inst = _small(variant)
    most, fit_at_most, fit_any = _best_by_brute_force(inst)
    fb = bound.fit_bound(inst)
    assert fit_at_most <= fit_any <= fb
    assert most <= bound.upper_bound(inst)
    result = run(inst)
    assert result.served == most
    assert quality.topic_matched(inst, result.assignments) == fit_at_most <= fb


def test_fit_bound_is_reached_where_the_relaxation_is_exact():
    # Every request fits one topic hero per day with room: the bound is the optimum.
    inst = _small(0)
    assert _best_by_brute_force(inst)[2] == bound.fit_bound(inst)


def test_fit_bound_counts_fixed_visits_only_with_the_topic():
    from scheduler.matching.model import Assignment

    reqs = [request("A", at(10), at(11), topic="muziek"), request("B", at(12), at(13))]
    fixed = (Assignment("A", "H", None, at(10), at(11)),)  # H has sport, not muziek
    inst = instance(reqs, [hero("H")], fixed=fixed)
    assert bound.upper_bound(inst) == 2
    assert bound.fit_bound(inst) == 1

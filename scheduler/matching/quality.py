"""How good an answer is beyond the served count: topic fit and the spread of the unserved
over schools. Measures for the benchmarks and tests; the solver's objective is in solver.py.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from .model import Assignment, Instance


def topic_matched(inst: Instance, assignments) -> int:
    """Visits whose hero has the requested topic (a request without a topic never counts)."""
    requests = {r.id: r for r in inst.requests}
    heroes = {h.id: h for h in inst.heroes}
    return sum(
        1
        for a in assignments
        if a.request in requests
        and a.hero in heroes
        and requests[a.request].topic
        and requests[a.request].topic in heroes[a.hero].topics
    )


def school_spread(
    inst: Instance, assignments: tuple[Assignment, ...] | list[Assignment], min_requests: int = 10
) -> dict[str, float | int]:
    """The unserved share per school, among schools with at least `min_requests` requests:
    how many such schools, the largest share and the population standard deviation."""
    served = {a.request for a in assignments}
    total: dict[str, int] = defaultdict(int)
    unserved: dict[str, int] = defaultdict(int)
    for r in inst.requests:
        total[r.school] += 1
        unserved[r.school] += r.id not in served
    shares = [unserved[s] / n for s, n in sorted(total.items()) if n >= min_requests]
    if not shares:
        return {"schools": 0, "max": 0.0, "std": 0.0}
    return {
        "schools": len(shares),
        "max": round(max(shares), 4),
        "std": round(statistics.pstdev(shares), 4),
    }

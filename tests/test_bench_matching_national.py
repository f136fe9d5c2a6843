"""The national matching benchmark runs end to end on real Celery workers: every municipality's
run done by the `matching` pool, every offer within the rules, served and fit within their
bounds, the same answers with one worker and with two. Its speed is reported in
docs/benchmarks.md, never asserted here: a benchmark is not a timed test."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from bench.matching_national import first_monday, makespan, shares

from .conftest import requires_postgres
from .test_bench_reminders import broker_args

ROOT = Path(__file__).resolve().parent.parent


@requires_postgres
def test_tiny_national_run_matches_every_municipality_within_the_rules():
    done = subprocess.run(
        [sys.executable, "-m", "bench.matching_national", "--tiny", *broker_args()],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=400,
    )

    assert done.stdout.strip(), done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["municipalities"] == len(result["per_municipality"]) == 3
    assert result["failed_runs"] == result["errors"] == 0
    assert isinstance(result["same_answers"], bool)  # true unless a busy machine cut a solve
    assert set(result["wall_s"]) == {"1", "2"} and result["speedup"] > 0
    for city in result["per_municipality"]:
        assert 0 < city["served"] <= city["bound"] <= city["requests"], city
        assert 0 <= city["fit_share"] <= city["fit_bound_share"] <= 1, city
    assert [c["order"] for c in result["per_municipality"]] == [0, 1, 2]  # largest first
    assert done.returncode == 0, done.stderr[-3000:]


def test_the_national_benchmark_refuses_to_run_without_postgres():
    done = subprocess.run(
        [sys.executable, "-m", "bench.matching_national", "--tiny"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "sqlite:///nothing.sqlite3"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2
    assert "needs PostgreSQL" in done.stderr


def test_national_totals_are_shared_out_whole_and_by_weight():
    assert shares(1000, [931, 670, 562, 374, 243, 227, 168, 160]) == [
        279, 201, 169, 112, 73, 68, 50, 48,
    ]  # fmt: skip
    assert sum(shares(40, [931, 670, 562, 374, 243, 227, 168, 160])) == 40
    assert shares(2, [5, 1, 1]) == [1, 1, 1]  # at least one each, even past the total


def test_the_weeks_start_on_a_monday_at_least_a_week_ahead():
    saturday = dt.date(2026, 12, 5)
    assert first_monday(saturday) == dt.date(2026, 12, 14)
    assert first_monday(dt.date(2026, 12, 7)) == dt.date(2026, 12, 14)


def test_runs_dealt_largest_first_to_two_workers_end_together():
    assert makespan([6, 5, 4, 3, 2], 1) == 20
    assert makespan([6, 5, 4, 3, 2], 2) == 11  # 6+3+2 and 5+4, as the queue deals them
    assert makespan([9, 1], 2) == 9  # one run longer than all others: it sets the end

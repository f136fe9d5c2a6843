"""The dashboard benchmark seeds a city, measures every dashboard page that exists and the
floor, and reports each one's times and queries. Its figures are reported in
docs/benchmarks.md, never asserted here: a benchmark is not a timed test."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.urls import NoReverseMatch, reverse

from bench.dashboards import PAGES

from .conftest import requires_postgres

ROOT = Path(__file__).resolve().parent.parent


def resolves(name: str) -> bool:
    try:
        reverse(name, kwargs={"pk": 1} if name == "reports:school" else None)
    except NoReverseMatch:
        return False
    return True


def assert_measured(figures: dict) -> None:
    assert figures["status"] == [200], figures
    assert figures["queries"] > 0
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]


@requires_postgres
def test_a_tiny_city_is_seeded_and_every_dashboard_that_exists_is_measured_against_the_floor():
    done = subprocess.run(
        [sys.executable, "-m", "bench.dashboards", "--tiny", "--seed", "7"],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.stdout.strip(), done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["size"] == "tiny"
    assert result["rows"]["schools"] == 4
    assert result["rows"]["children"] == 300
    assert result["rows"]["activities"] == 20
    assert 150 <= result["rows"]["enrolments"] <= 200
    assert result["rows"]["visits"] == 50
    assert result["rows"]["attendance"] > 0
    assert_measured(result["floor"])
    assert set(result["pages"]) | set(result["skipped"]) == set(PAGES)
    for name, figures in result["pages"].items():
        assert_measured(figures)
        assert figures["ratio_p50"] > 0 and figures["ratio_p95"] > 0, name
    for name in PAGES:
        if resolves(name):
            assert name in result["pages"] or "role" in result["skipped"][name]
        else:
            assert name in result["skipped"]
    assert result["ok"] is True
    assert done.returncode == 0, done.stderr[-3000:]
    assert "p50 ms" in done.stderr  # the table for people


def test_the_dashboard_benchmark_refuses_to_run_without_postgres():
    done = subprocess.run(
        [sys.executable, "-m", "bench.dashboards", "--tiny"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "sqlite:///nothing.sqlite3"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2
    assert "needs PostgreSQL" in done.stderr

"""The enrolment benchmark runs end to end and finds nothing wrong. Its speed is reported in
docs/benchmarks.md, never asserted here: a benchmark is not a timed test."""

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import requires_postgres

ROOT = Path(__file__).resolve().parent.parent


@requires_postgres
def test_a_tiny_enrolment_rush_oversells_nothing_and_loses_nothing():
    done = subprocess.run(
        [sys.executable, "-m", "bench.enrolment_rush", "--tiny", "--rounds", "2"],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert done.stdout.strip(), done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert results.keys() == {"api", "page"}  # the API, and the family's form as a phone sends it
    for result in results.values():
        assert result["attempts"] > 0
        assert result["oversold"] == 0
        assert result["lost"] == 0
        assert result["errors"] == 0, result["codes"]
        assert result["refused"] == 0, result["codes"]
        assert result["confirmed"] + result["waitlisted"] == result["attempts"]
        assert result["floor_errors"] == result["floor_lost"] == 0
        assert isinstance(result["ratio"], float) and result["ratio"] > 0
        # The CPU the web server and PostgreSQL spent, per request, was counted for both.
        for figure in ("cpu_web_ms", "cpu_db_ms", "floor_cpu_web_ms", "floor_cpu_db_ms"):
            assert result[figure] > 0, figure
        assert result["cpu_ratio"] > 0
        # Sent in two rounds, app and floor in turn: a ratio for each.
        assert len(result["round_ratios"]) == 2 and all(r > 0 for r in result["round_ratios"])
    assert set(results["api"]["codes"]) == {"201"}
    assert set(results["page"]["codes"]) == {"302"}  # each form answered with its result page
    assert done.returncode == 0, done.stderr[-3000:]


def test_the_enrolment_rush_refuses_to_run_without_postgres():
    done = subprocess.run(
        [sys.executable, "-m", "bench.enrolment_rush", "--tiny"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "sqlite:///nothing.sqlite3"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2
    assert "needs PostgreSQL" in done.stderr


@requires_postgres
def test_a_tiny_enrolment_profile_answers_every_request_and_writes_its_statistics(tmp_path):
    """bench.enrolment_profile: the rush's requests in one process, each path and its floor."""
    for path, expected in [("api", "201"), ("page", "302"), ("floor", "201")]:
        stats = tmp_path / f"{path}.prof"
        command = ["bench.enrolment_profile", "--tiny", "--path", path, "--profile", str(stats)]
        done = subprocess.run(
            [sys.executable, "-m", *command],
            cwd=ROOT,
            env={**os.environ},
            capture_output=True,
            text=True,
            timeout=180,
        )

        assert done.returncode == 0, done.stderr[-3000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["codes"] == {expected: result["requests"]}
        assert result["not_done"] == 0  # a form answered with its result page, not the login
        assert result["requests"] > 0 and result["cpu_ms"] > 0
        assert stats.stat().st_size > 0

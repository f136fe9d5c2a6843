"""The reminders benchmark runs end to end: every reminder sent once, none lost. Its speed is
reported in docs/benchmarks.md, never asserted here: a benchmark is not a timed test."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import requires_postgres

ROOT = Path(__file__).resolve().parent.parent


def broker_args() -> list[str]:
    """Its own redis-server when there is one; else REDIS_URL's server, on database 12."""
    if shutil.which("redis-server"):
        return []
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("needs redis-server or REDIS_URL")
    return ["--broker", f"{url.rsplit('/', 1)[0] if url.count('/') > 2 else url}/12"]


@requires_postgres
def test_tiny_reminders_run_sends_every_reminder_exactly_once():
    done = subprocess.run(
        [sys.executable, "-m", "bench.reminders", "--tiny", *broker_args()],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert done.stdout.strip(), done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["written"] == result["n"] == 50
    assert result["notifications"] == result["sent"] == result["received"] == 100
    assert result["lost"] == result["duplicates"] == result["failed"] == 0
    assert result["strangers"] == 0
    assert isinstance(result["ratio"], float) and result["ratio"] > 0
    assert result["noop_per_s"] > 0
    assert done.returncode == 0, done.stderr[-3000:]


def test_the_reminders_benchmark_refuses_to_run_without_postgres():
    done = subprocess.run(
        [sys.executable, "-m", "bench.reminders", "--tiny"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "sqlite:///nothing.sqlite3"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2
    assert "needs PostgreSQL" in done.stderr

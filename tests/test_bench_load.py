"""The load benchmark serves the demo and two tiny towns with gunicorn, a Celery worker and
Redis, and has locust's people use it through its pages: every page answers, none fails, and
the worker empties the queues. Its speed is reported in docs/benchmarks.md, never asserted here: a
benchmark is not a timed test."""

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.load_accounts import totp
from bench.scale import FLOOR, OPENED

from .conftest import requires_postgres, requires_redis

ROOT = Path(__file__).resolve().parent.parent


def test_the_codes_are_the_ones_an_authenticator_app_shows():
    # RFC 6238, appendix B: the SHA-1 secret "12345678901234567890", last six digits.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

    assert totp(secret, at=59) == "287082"
    assert totp(secret, at=1111111109) == "081804"
    assert totp(secret, at=2000000000) == "279037"


@requires_postgres
@requires_redis
def test_a_tiny_city_answers_every_page_of_the_scenario_without_a_failure():
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--tiny"],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.stdout.strip(), done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    (tiny,) = result["sizes"]
    assert tiny["size"] == "tiny"
    assert tiny["rows"]["children"] > 300  # the demo's and two tiny towns'
    assert set(tiny["accounts"]) == {"parent", "staff", "hero", "coordinator", "programme"}
    assert tiny["failures"] == 0, tiny["failure_kinds"]
    assert tiny["missing"] == [], done.stderr[-3000:]
    for name in (FLOOR, *OPENED):
        assert tiny["pages"][name]["requests"] > 0, name
        assert tiny["pages"][name]["p95_ms"] > 0, name
    assert tiny["queued_left"] == 0
    assert done.returncode == 0, done.stderr[-3000:]

"""`make run` is the whole system: the web server, a worker and beat start together, scheduled
work runs without Redis (a lottery that closes is drawn within moments), links use the address
served on, and Ctrl-C stops every process.

It runs the real `make run` on a SQLite file and a broker folder of its own, with the lottery
job every 2 seconds instead of every minute so the test takes seconds, not minutes.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)
    except OSError:
        return 0, {}


def wait_for(predicate, what: str, log: Path):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.5)
    pytest.fail(f"{what} did not happen within {WAIT_SECONDS} s; log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def make_run(tmp_path):
    """`make run HOST=127.0.0.1:<port>` in its own process group; stopped as Ctrl-C would."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS_", "CELERY_", "SITE_URL"))
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_FOLDER": str(tmp_path / "broker"),
        "LOTTERY_DRAW_EVERY_S": "2",
    }
    log = tmp_path / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "run", f"HOST=127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    yield process, f"http://127.0.0.1:{port}", tmp_path / "db.sqlite3", log
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)


def test_make_run_draws_a_closing_lottery_and_stops_on_ctrl_c(make_run):
    process, site, database, log = make_run

    health = wait_for(lambda: ok_health(site), "the site and its scheduled work", log)
    assert health["broker"] == "ok"
    assert health["scheduled_work"] == "ok"
    assert f"Open {site}/" in log.read_text()

    round_pk = close_a_lottery_soon(database, in_seconds=3)
    drawn_at = wait_for(lambda: lottery_drawn_at(database, round_pk), "the lottery draw", log)
    assert drawn_at is not None
    # The parents hear of it, with links to the address the site is served on.
    wait_for(lambda: f"{site}/activities/mine/" in log.read_text(), "the result mail", log)
    assert "http://127.0.0.1:8000" not in log.read_text()

    assert len(processes_of(database)) >= 3  # make, web, worker (and more)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the foreground group: make, honcho
    process.wait(timeout=30)
    wait_for(lambda: not processes_of(database), "every process stopping", log)
    assert get_json(f"{site}/healthz") == (0, {})


def processes_of(database: Path) -> list[int]:
    """Processes started for this run: they carry its DATABASE_URL in their environment."""
    marker = str(database).encode()
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if marker in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def ok_health(site: str):
    status, body = get_json(f"{site}/healthz")
    return body if status == 200 and body.get("scheduled_work") == "ok" else None


def close_a_lottery_soon(database: Path, in_seconds: int) -> int:
    """Move the demo's open lottery round (and its activities) to close in a few seconds."""
    closes = datetime.now(UTC) + timedelta(seconds=in_seconds)
    stamp = closes.strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(database, timeout=30) as db:
        (round_pk,) = db.execute(
            "SELECT id FROM activities_lotteryround WHERE drawn_at IS NULL LIMIT 1"
        ).fetchone()
        db.execute(
            "UPDATE activities_lotteryround SET closes_at = ? WHERE id = ?", (stamp, round_pk)
        )
        db.execute(
            "UPDATE activities_activity SET enrolment_closes_at = ? WHERE lottery_round_id = ?",
            (stamp, round_pk),
        )
    return round_pk


def lottery_drawn_at(database: Path, round_pk: int):
    with sqlite3.connect(database, timeout=30) as db:
        (drawn_at,) = db.execute(
            "SELECT drawn_at FROM activities_lotteryround WHERE id = ?", (round_pk,)
        ).fetchone()
    return drawn_at

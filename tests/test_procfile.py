"""The production Procfile starts what docs/deploy.md describes: gunicorn, one worker pool per
queue the settings route tasks to, and exactly one beat."""

import re
import shlex
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
QUEUES = {"mail", "matching", "default"}


def processes() -> dict[str, list[str]]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    found = [re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line) for line in lines]
    return {match[1]: shlex.split(match[2]) for match in found if match}


def queue_of(command: list[str]) -> str:
    return command[command.index("-Q") + 1]


def test_the_web_process_is_gunicorn_serving_the_app():
    web = processes()["web"]

    assert web[:2] == ["gunicorn", "config.wsgi"]
    assert "--max-requests" in web


def test_every_queue_has_a_pool_of_its_own_and_no_pool_reads_two():
    workers = {name: cmd for name, cmd in processes().items() if cmd[3:4] == ["worker"]}

    assert {queue_of(cmd) for cmd in workers.values()} == QUEUES
    assert all("," not in queue_of(cmd) for cmd in workers.values())
    routed = {route["queue"] for route in getattr(settings, "CELERY_TASK_ROUTES", {}).values()}
    assert routed <= QUEUES


def test_there_is_exactly_one_beat_and_no_worker_runs_one_inside():
    commands = processes().values()

    assert sum(cmd[3:4] == ["beat"] for cmd in commands) == 1
    assert not any("--beat" in cmd or "-B" in cmd for cmd in commands)

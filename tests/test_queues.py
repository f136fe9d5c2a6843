"""Every task lands on the queue its pool reads (config/settings.py, CELERY_TASK_ROUTES), and a
worker started without -Q reads all three queues, so nothing waits in a queue nobody reads."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from config.celery import app

MAIL, MATCHING, DEFAULT = "mail", "matching", "default"

# Every task of ours, by the queue it must land on. A new task fails this test until it is
# placed here (and, when it is not `default`, in CELERY_TASK_ROUTES).
QUEUE_OF = {
    "notifications.tasks.deliver": MAIL,
    "notifications.tasks.deliver_batch": MAIL,
    "notifications.tasks.drain": MAIL,
    "notifications.tasks.sweep_pending": MAIL,
    "notifications.tasks.send_due_reminders": MAIL,
    "campaigns.tasks.send_parent_message": MAIL,
    "campaigns.tasks.send_due_parent_messages": MAIL,
    "campaigns.tasks.send_monthly_digests": MAIL,
    "heroes.tasks.remind_vog_expiring": MAIL,
    "scheduler.tasks.run_matching": MATCHING,
    "scheduler.tasks.rematch_open_requests": DEFAULT,
    "scheduler.tasks.expire_offers": DEFAULT,
    "activities.tasks.expire_place_offers": DEFAULT,
    "activities.tasks.draw_due_lotteries": DEFAULT,
    "accounts.tasks.build_data_export": DEFAULT,
    "accounts.tasks.retention_run": DEFAULT,
    "reports.tasks.count_figures": DEFAULT,
}


def queue_of(name: str) -> str:
    """The queue the app's own router sends task `name` to (as .delay() and beat do)."""
    return app.amqp.router.route({}, name)["queue"].name


def ours() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_task_is_placed_on_a_queue():
    assert ours() == set(QUEUE_OF)


# The tasks that web processes queue by name (core.tasks.queue_task); beat's jobs are sent by
# name from the schedule and need no registration where they are sent.
QUEUED_BY_NAME = {
    "notifications.tasks.deliver",
    "notifications.tasks.deliver_batch",
    "notifications.tasks.drain",
    "campaigns.tasks.send_parent_message",
    "scheduler.tasks.run_matching",
    "accounts.tasks.build_data_export",
    "reports.tasks.count_figures",
}


def test_a_process_that_only_set_django_up_knows_the_tasks_it_queues():
    """A web process never runs Celery's autodiscovery: the app's ready() imports its tasks,
    or core.tasks.queue_task would fail there with NotRegistered."""
    code = (
        "import django; django.setup();"
        "from config.celery import app; print(sorted(n for n in app.tasks if '.tasks.' in n))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=settings.BASE_DIR,
    )
    registered = set(ast.literal_eval(done.stdout.strip().splitlines()[-1]))
    assert QUEUED_BY_NAME - registered == set()


def test_each_task_lands_on_its_queue():
    landed = {name: queue_of(name) for name in sorted(ours())}
    assert landed == QUEUE_OF


def test_celerys_own_tasks_and_unknown_names_go_to_default():
    assert queue_of("celery.chord_unlock") == DEFAULT
    assert queue_of("somewhere.tasks.new_task") == DEFAULT


def test_every_scheduled_job_lands_on_a_queue_a_worker_reads():
    read = set(app.amqp.queues)
    for job in settings.CELERY_BEAT_SCHEDULE.values():
        assert queue_of(job["task"]) in read, job["task"]


def test_a_worker_without_q_reads_all_three_queues():
    assert set(app.amqp.queues) == {MAIL, MATCHING, DEFAULT}
    assert app.conf.task_default_queue == DEFAULT


def test_make_runs_worker_reads_every_queue():
    """Procfile.dev's worker names no queue (so it reads all) or names all three."""
    line = next(
        line
        for line in (Path(settings.BASE_DIR) / "Procfile.dev").read_text().splitlines()
        if line.startswith("worker:")
    )
    named = re.search(r"(?:-Q|--queues)[ =](\S+)", line)
    assert named is None or set(named.group(1).split(",")) == {MAIL, MATCHING, DEFAULT}

"""A real Celery worker on Redis delivers the outbox, and a broker outage loses no mail.

The worker runs as a subprocess against the pytest test database and a Redis database of
its own (db 15, or WORKER_REDIS_DB; flushed first), so it shares nothing with a developer's
running services.
"""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from kombu import pools as kombu_pools

from config.celery import app as celery_app
from notifications import relay, services, tasks
from notifications.models import Notification
from tests.conftest import requires_postgres, requires_redis

pytestmark = [requires_postgres, requires_redis, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 30


def worker_redis_url() -> str:
    """REDIS_URL's server, database 15 (or WORKER_REDIS_DB, when several suites share it)."""
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(parts._replace(path=f"/{os.environ.get('WORKER_REDIS_DB', '15')}"))


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture(scope="module")
def mail_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, mail_dir, tmp_path_factory):
    redis.Redis.from_url(worker_redis_url()).flushdb()
    with django_db_blocker.unblock():
        database_url = test_database_url()
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": worker_redis_url(),
        # The file backend writes each message to its own file in mail_dir.
        "EMAIL_URL": f"file://{mail_dir}",
        "DJANGO_DEBUG": "1",
    }
    command = [
        str(Path(sys.executable).parent / "celery"),
        *("-A", "config", "worker", "--pool=solo", "--concurrency=1"),
        *("--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            yield log
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def broker(url: str, **options):
    """Point this process's Celery app at a real broker instead of running tasks in-process."""
    conf = celery_app.conf
    names = ["task_always_eager", "broker_url", *options]
    saved = {name: conf[name] for name in names}
    conf.update(task_always_eager=False, broker_url=url, **options)
    reset_connections()
    try:
        yield
    finally:
        conf.update(saved)
        reset_connections()


@contextmanager
def redis_database_as_broker(database: int):
    """REDIS_URL's server, `database` emptied before and after, as this process's Celery broker
    with no worker; yields a client of that database, to read what was queued."""
    parts = urlsplit(os.environ["REDIS_URL"])
    url = urlunsplit(parts._replace(path=f"/{database}"))
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        with broker(url):
            yield client
    finally:
        client.flushdb()


def reset_connections() -> None:
    # The app and kombu cache connection pools for the broker they first used.
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def wait_until_sent(pk: int, log: Path) -> Notification:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        notification = Notification.objects.get(pk=pk)
        if notification.status == Notification.Status.SENT:
            return notification
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:]
    pytest.fail(f"not sent within {WAIT_SECONDS} s (status {notification.status}):\n{tail}")


def mail_files(mail_dir: Path) -> set[Path]:
    return set(mail_dir.iterdir())


def create(key: str) -> Notification:
    with transaction.atomic():
        notification, _ = services.notification_create(
            to_email="ouder@example.test",
            kind="test",
            subject="Welkom",
            body_text="Fijn dat je er bent.",
            body_html="<p>Fijn dat je er bent.</p>",
            idempotency_key=key,
        )
    return notification


def assert_one_new_mail(before: set[Path], mail_dir: Path, key: str) -> None:
    new = mail_files(mail_dir) - before
    assert len(new) == 1
    assert f"X-Backontrack-Key: {key}" in new.pop().read_text()


def test_worker_delivers_a_committed_notification_once(worker, mail_dir):
    before = mail_files(mail_dir)
    with broker(worker_redis_url()):
        notification = create("worker:1")
        sent = wait_until_sent(notification.pk, worker)
    assert sent.attempts == 1
    assert_one_new_mail(before, mail_dir, "worker:1")


def test_broker_outage_keeps_the_row_and_the_sweep_delivers_it(worker, mail_dir):
    before = mail_files(mail_dir)
    started = time.monotonic()
    with broker(
        closed_port_url(),
        task_publish_retry=False,
        broker_connection_timeout=1,
        broker_transport_options={"socket_connect_timeout": 1},
    ):
        notification = create("outage:1")
    assert time.monotonic() - started < 10
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 0

    # The sweep only picks up rows older than a minute; age this one instead of waiting.
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    with broker(worker_redis_url()):
        tasks.sweep_pending.delay()
        wait_until_sent(notification.pk, worker)
    assert_one_new_mail(before, mail_dir, "outage:1")


def test_a_burst_rings_the_relay_and_the_worker_sends_each_mail_once(worker, mail_dir):
    """Twenty-five rows committed one after another (notifications.relay): whatever drains the
    worker runs in between, every row is sent once and the relay's list ends empty."""
    before = mail_files(mail_dir)
    keys = [f"burst:{i}" for i in range(25)]
    with broker(worker_redis_url()):
        rows = [create(key) for key in keys]
        for row in rows:
            sent = wait_until_sent(row.pk, worker)
            assert sent.attempts == 1
        client = redis.Redis.from_url(worker_redis_url())
        assert client.llen(relay._keys()[0]) == 0
    new = mail_files(mail_dir) - before
    assert sorted(
        line.removeprefix("X-Backontrack-Key: ")
        for path in new
        for line in path.read_text().splitlines()
        if line.startswith("X-Backontrack-Key: ")
    ) == sorted(keys)

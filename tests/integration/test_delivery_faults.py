"""Delivery that loses nothing, against a real Redis, real Celery workers and a real SMTP
server: a worker killed mid-batch, Redis stopped and started again, a rolled-back change;
and a matching run asked for while Redis is down, handed over once it is back.

The test starts its own redis-server on a free port (so it can stop it without disturbing
anyone) and an SMTP sink (bench.smtp_sink) in this process that records every message it
accepts by its X-Backontrack-Key. Workers are subprocesses on the pytest test database.
"""

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from activities import services as activities
from bench.smtp_sink import SmtpSink
from notifications import services, tasks
from notifications.models import Notification
from scheduler import services as scheduler_services
from scheduler.models import MatchingRun, Offer
from scheduler.services import runs
from tests import factories
from tests.conftest import requires_postgres, requires_redis
from tests.integration.test_celery_worker import broker, test_database_url

pytestmark = [
    requires_postgres,
    requires_redis,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
    pytest.mark.django_db(transaction=True),
]

WAIT_SECONDS = 30
BATCH = 200
KILL_AFTER = BATCH // 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server without persistence: stopping it loses its queue, as an
    outage of a cache-configured Redis would."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class Worker:
    """One `celery worker --pool=solo` subprocess; SIGKILL ends it without any goodbye."""

    def __init__(self, env: dict, log: Path):
        self.log = log
        command = [
            str(Path(sys.executable).parent / "celery"),
            *("-A", "config", "worker", "--pool=solo", "--concurrency=1"),
            *("--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"),
        ]
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                command, env=env, cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT
            )
        wait_for(lambda: " ready." in log.read_text(errors="replace"), "worker ready", log)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(condition: Callable[[], bool], what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log else ""
            pytest.fail(f"waited {WAIT_SECONDS} s for {what}\n{tail}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="module")
def workers(django_db_setup, django_db_blocker, redis_server, smtp, tmp_path_factory):
    """Starts workers on demand (one at a time) and stops whatever still runs at the end."""
    with django_db_blocker.unblock():
        database_url = test_database_url()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_server.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "DJANGO_DEBUG": "1",
    }
    log = tmp_path_factory.mktemp("workers") / "workers.log"

    class Workers:
        current: Worker | None = None

        def running(self) -> Worker:
            if not (self.current and self.current.alive()):
                self.current = Worker(env, log)
            return self.current

    pool = Workers()
    yield pool
    if pool.current:
        pool.current.stop()


@pytest.fixture
def sink(smtp):
    smtp.delay = 0.0
    smtp.release()
    yield smtp
    smtp.release()


def statuses(pks) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Notification.objects.filter(pk__in=pks).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def all_sent(pks) -> Callable[[], bool]:
    return lambda: statuses(pks) == {Notification.Status.SENT: len(pks)}


def create_batch(prefix: str, n: int) -> list[int]:
    with transaction.atomic():
        return [
            services.notification_create(
                to_email=f"ouder{i}@example.test",
                kind="test",
                subject=f"Herinnering {i}",
                body_text="Morgen is er judo.",
                idempotency_key=f"{prefix}:{i}",
            )[0].pk
            for i in range(n)
        ]


def test_an_enrolment_queues_one_mail_that_arrives_once(workers, redis_server, sink):
    worker = workers.running()
    activity = factories.ActivityFactory()
    child = factories.ChildFactory(school=activity.school)
    now = factories.OPENS + dt.timedelta(days=1)

    with broker(redis_server.url):
        enrolment = activities.enrolment_create(
            guardian=child.guardian, child=child, activity=activity, now=now
        )
    key = f"enrolment:{enrolment.pk}:confirmed"
    notification = Notification.objects.get(idempotency_key=key)

    wait_for(all_sent([notification.pk]), "the confirmation", worker.log)
    time.sleep(0.5)  # a second delivery would arrive now
    assert sink.counts()[key] == 1
    [message] = [m for m in sink.messages if m["X-Backontrack-Key"].strip() == key]
    assert message["To"] == child.guardian.email
    assert Notification.objects.get(pk=notification.pk).attempts == 1


def test_a_rolled_back_change_sends_nothing(workers, redis_server, sink):
    worker = workers.running()
    with broker(redis_server.url):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.notification_create(
                to_email="ouder@example.test",
                kind="test",
                subject="Nooit verstuurd",
                body_text="-",
                idempotency_key="rollback:1",
            )
            raise RuntimeError("the enrolment failed after the message was written")
        # One worker takes tasks in order: once this one is sent, an earlier one would be too.
        [marker] = create_batch("rollback-marker", 1)
        wait_for(all_sent([marker]), "the marker", worker.log)

    assert not Notification.objects.filter(idempotency_key="rollback:1").exists()
    assert "rollback:1" not in sink.counts()
    assert sink.counts()["rollback-marker:0"] == 1


def test_with_redis_stopped_the_change_commits_and_the_sweep_sends_it_later(
    workers, redis_server, sink, caplog
):
    worker = workers.running()
    redis_server.stop()
    try:
        with broker(redis_server.url):  # the production publish settings, retries included
            started = time.monotonic()
            [pk] = create_batch("outage", 1)
            queuing_took = time.monotonic() - started
    finally:
        redis_server.start()

    # The caller's transaction committed and did not wait long; queuing failed quietly.
    assert queuing_took < 10, queuing_took
    assert f"Could not queue notification {pk}" in caplog.text
    notification = Notification.objects.get(pk=pk)
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 0)
    assert "outage:0" not in sink.counts()

    with broker(redis_server.url):
        # The worker reconnects by itself; beat's sweep then finds the row (waits shortened).
        tasks.sweep_pending.delay(older_than_s=0)
        wait_for(all_sent([pk]), "the swept notification", worker.log)
    time.sleep(0.5)
    assert sink.counts()["outage:0"] == 1


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    workers, redis_server, sink
):
    first = workers.running()
    sink.delay = 0.02  # a slow relay: the batch takes seconds
    sink.hold_after(KILL_AFTER)

    with broker(redis_server.url):
        pks = create_batch("batch", BATCH)
        # The worker is inside a send (its MAIL command unanswered) when it dies.
        wait_for(sink.holding.is_set, "the hold", first.log)
        first.kill()
        sink.release()
        at_kill = statuses(pks)
        assert at_kill[Notification.Status.SENT] == KILL_AFTER
        # The rest of the dead worker's claim: the rows of its batch not yet sent.
        stuck = at_kill[Notification.Status.SENDING]
        assert 1 <= stuck < services.DELIVERY_BATCH

        second = workers.running()
        # The dead worker's drain (notifications.relay) stays armed for a minute, so no ring
        # wakes another: beat's sweep queues the rows still pending and, once stale, the claim.
        time.sleep(1.1)  # let the stuck claim go stale (1 s here; 10 minutes in production)
        tasks.sweep_pending.delay(older_than_s=0, stale_after_s=1)
        wait_for(all_sent(pks), "the rest of the batch", second.log)
    time.sleep(0.5)

    counts = sink.counts()
    keys = [f"batch:{i}" for i in range(BATCH)]
    assert [key for key in keys if counts[key] == 0] == []  # lost
    assert [key for key in keys if counts[key] > 1] == []  # duplicates
    retried = Notification.objects.filter(pk__in=pks, attempts=2)
    assert retried.count() == stuck


def test_a_decline_with_redis_stopped_commits_and_matching_runs_once_it_is_back(
    workers, redis_server, sink
):
    worker = workers.running()
    school = factories.SchoolFactory(level="vo")
    municipality = school.neighbourhood.municipality
    group = factories.GroupFactory(school=school)
    heroes = {factories.hero_available(municipality, name) for name in ("Dennis", "Samira")}
    day = timezone.localdate() + dt.timedelta(days=7)
    day += dt.timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday, a week or more ahead
    start = dt.datetime.combine(day, dt.time(10), timezone.get_current_timezone())
    now = timezone.now()
    session_request = scheduler_services.request_create(
        school=school, group=group, requested_by=None, kind="hero",
        windows=[(start, start + dt.timedelta(hours=2))], now=now,
    )  # fmt: skip
    # Redis was up (tasks of this process run in-process): matching offered it at once.
    offer = Offer.objects.get(request=session_request, status="pending")

    redis_server.stop()
    try:
        with broker(redis_server.url):
            scheduler_services.offer_decline(
                offer=offer, code="time", reason="Dan werk ik.", now=now
            )
    finally:
        redis_server.start()

    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED  # the decline committed
    lost = MatchingRun.objects.get(municipality=municipality, trigger="decline")
    assert lost.status == MatchingRun.Status.QUEUED  # its run never reached the broker

    with broker(redis_server.url):
        # Beat's periodic run, a few minutes later, hands the queued run over again.
        runs.runs_periodic(now=timezone.now() + dt.timedelta(minutes=3))
        wait_for(
            lambda: Offer.objects.filter(request=session_request, status="pending").exists(),
            "the new offer",
            worker.log,
        )
    new_offer = Offer.objects.get(request=session_request, status="pending")
    assert new_offer.hero == (heroes - {offer.hero}).pop()
    assert MatchingRun.objects.get(pk=lost.pk).status == MatchingRun.Status.DONE
    assert MatchingRun.objects.filter(municipality=municipality).count() == 2  # no third

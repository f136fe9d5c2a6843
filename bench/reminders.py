"""Reminders and delivery: a day's session reminders go out through real Celery workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bot python -m bench.reminders \
        [--n 2000] [--workers 2] [--tiny]

It makes a fresh database beside the one in DATABASE_URL (`<name>_reminders`), migrates it,
and adds `--n` children, each with a confirmed place in an activity whose next session starts
in 20 hours, so the parents' 24-hour reminders are all due. It starts its own redis-server
on a free port (or, with `--broker URL`, uses that Redis database and empties it), a local SMTP
sink (bench.smtp_sink) in a process of its own, and `--workers` Celery worker processes
(`--pool=solo`) with the app's settings, sending through the sink.

Three runs on the same workers, each timed until the last task is done:
- the floor: `--n` tasks that do nothing (bench.worker.noop), queued from this process
  (once before and once after the reminders; `noop_per_s` is the mean);
- the scan: the periodic scan (`notifications.reminders.reminders_send_due`) writes the
  reminders, each queued as it commits, while the workers deliver them over SMTP
  (`scan_seconds`, `scan_to_sent_*`);
- delivery: the same reminders again as fresh outbox rows, queued from this process the way
  the no-op tasks are (`seconds`, `per_s`), so `ratio = per_s / noop_per_s` compares like
  with like: what delivering a message costs a worker beyond what Celery itself costs.
Then it checks every outbox row against the sink: each received exactly once (`lost`,
`duplicates`), every row sent. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

from bench.enrolment_rush import drop_database, free_port, recreate_database
from core.time import local_date

ROOT = Path(__file__).resolve().parent.parent
PER_ACTIVITY = 100
KIND = "reminder:parent_session"
LEAD_LEFT = dt.timedelta(hours=20)  # the session starts in 20 h: its 24 h reminder is due


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="reminders to deliver")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument(
        "--broker",
        default="",
        help="a Redis URL to use (its database is emptied before and after); default: start "
        "a private redis-server on a free port",
    )
    parser.add_argument("--timeout", type=float, default=None, help="give up after this (s)")
    parser.add_argument("--tiny", action="store_true", help="50 reminders, for tests")
    args = parser.parse_args(argv)
    if args.tiny:
        args.n = 50
    if args.n < 1 or args.workers < 1:
        parser.error("--n and --workers must be at least 1")
    args.timeout = args.timeout or max(120.0, args.n / 5)
    return args


def database_urls(url: str) -> tuple[str, str, str]:
    """(maintenance URL, bench URL, bench database name) on the server in `url`."""
    parts = urllib.parse.urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_reminders"
    return (
        urllib.parse.urlunsplit(parts._replace(path="/postgres")),
        urllib.parse.urlunsplit(parts._replace(path=f"/{name}")),
        name,
    )


# --- services: Redis, the SMTP sink, workers -------------------------------------------------


def start_redis(stack: ExitStack, args: argparse.Namespace) -> str:
    import redis

    if args.broker:
        url = args.broker
    else:
        if not shutil.which("redis-server"):
            raise SystemExit("bench.reminders needs redis-server on PATH, or --broker URL")
        port = free_port()
        url = f"redis://127.0.0.1:{port}/0"
        process = subprocess.Popen(
            [
                *("redis-server", "--port", str(port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stack.callback(stop, process)
    client = redis.Redis.from_url(url)
    wait_for(lambda: _pings(client), 10, "redis-server")
    client.flushdb()
    if args.broker:
        stack.callback(client.flushdb)
    return url


def _pings(client) -> bool:
    import redis

    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def start_sink(stack: ExitStack, log: Path) -> int:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_sink", "--port", str(port), "--log", str(log)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    stack.callback(stop, process)
    if "listening" not in (process.stdout.readline() if process.stdout else ""):
        raise RuntimeError("the SMTP sink did not start")
    return port


def start_workers(stack, args, *, bench_url: str, broker: str, smtp_port: int, logs: Path):
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "REDIS_URL": broker,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
    }
    celery_workers(
        stack,
        [("-A", "bench.worker", "worker", f"-n=bench{i}@%h") for i in range(args.workers)],
        env=env,
        logs=[logs / f"worker{i}.log" for i in range(args.workers)],
        ready_within=60,
    )


def celery_workers(stack, commands, *, env: dict, logs: list[Path], ready_within: float):
    """Start one Celery worker per command (its arguments after `celery`), each with the solo
    pool and logging to its file; stopped when `stack` closes. Returns once all are ready."""
    workers = []
    for arguments, log in zip(commands, logs, strict=True):
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "celery"),
                    *arguments,
                    *("--pool=solo", "--loglevel=INFO", "--without-gossip"),
                    *("--without-mingle", "--without-heartbeat"),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        stack.callback(stop, process)
        workers.append((process, log))
    for process, log in workers:
        wait_for(
            lambda p=process, log=log: p.poll() is not None or " ready." in log.read_text(),
            ready_within,
            log.name,
        )
        if process.poll() is not None:
            raise RuntimeError(f"{log.name} exited:\n{log.read_text()[-3000:]}")
    return [process for process, _log in workers]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what} after {seconds:.0f} s")
        time.sleep(0.1)


def setup_django(bench_url: str, broker: str) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ["REDIS_URL"] = broker  # this process queues tasks on the workers' broker
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DJANGO_DEBUG", "1")  # this process only seeds and queues
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


# --- data ----------------------------------------------------------------------------------


def seed(n: int, now: dt.datetime) -> None:
    """n children, each with a confirmed place in an activity whose session is due a reminder."""
    from accounts.models import User
    from activities.models import Activity, Child, Enrolment, Occurrence
    from bench.enrolment_rush import _school

    school = _school("reminders")
    starts = now + LEAD_LEFT
    day = local_date(starts)
    counts = [min(PER_ACTIVITY, n - start) for start in range(0, n, PER_ACTIVITY)]
    activities = Activity.objects.bulk_create(
        Activity(
            school=school,
            title=f"Judo {i}",
            description="Judo in de gymzaal.",
            category="sport",
            level=school.level,
            grade_min=1,
            grade_max=8,
            capacity=count,
            seats_taken=count,
            enrolment_opens_at=now - dt.timedelta(days=30),
            enrolment_closes_at=now - dt.timedelta(days=1),
            weekday=day.weekday(),
            start_time=dt.time(15, 0),
            end_time=dt.time(16, 0),
            first_date=day - dt.timedelta(days=7),
            last_date=day + dt.timedelta(days=60),
            status=Activity.Status.PUBLISHED,
        )
        for i, count in enumerate(counts)
    )
    Occurrence.objects.bulk_create(
        Occurrence(activity=a, date=day, starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
        for a in activities
    )
    parents = User.objects.bulk_create(
        User(email=f"parent{i}@bench.test", name=f"Ouder {i}", is_parent=True, password="!")
        for i in range(n)
    )
    children = Child.objects.bulk_create(
        Child(
            guardian=parent,
            first_name=f"Kind {i}",
            school=school,
            grade=5,
            consent_at=now,
            consent_version="2026-1",
        )
        for i, parent in enumerate(parents)
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            child=child,
            activity=activities[i // PER_ACTIVITY],
            status=Enrolment.Status.CONFIRMED,
            applied_at=now - dt.timedelta(days=20),
            created_by=child.guardian,
        )
        for i, child in enumerate(children)
    )


# --- the runs ----------------------------------------------------------------------------


def wait_until_done(counter, n: int, timeout: float, what: str) -> None:
    try:
        wait_for(lambda: counter() >= n, timeout, what)
    except RuntimeError as exc:  # reported as lost, not as a crash
        print(exc, file=sys.stderr)


def run_noop(n: int, timeout: float) -> float:
    """Seconds for n no-op tasks, from the first one queued to the last one done."""
    import redis

    from bench.worker import NOOP_COUNTER, app, noop

    client = redis.Redis.from_url(app.conf.broker_url)
    client.delete(NOOP_COUNTER)
    started = time.perf_counter()
    for _ in range(n):
        noop.delay()
    wait_until_done(lambda: int(client.get(NOOP_COUNTER) or 0), n, timeout, "the no-op tasks")
    return time.perf_counter() - started


def _finished(first_pk: int = 0):
    """A cheap count of the reminders delivered (or given up) with pk >= first_pk."""
    from notifications.models import Notification

    return Notification.objects.filter(
        kind=KIND,
        pk__gte=first_pk,
        status__in=[Notification.Status.SENT, Notification.Status.FAILED],
    ).count


def run_scan(n: int, timeout: float) -> tuple[float, float, int]:
    """The periodic scan writes the reminders, each queued as it commits, and the workers
    send them meanwhile: (seconds from the scan's start to the last one sent, seconds the
    scan took, reminders written)."""
    from django.utils import timezone

    from notifications.reminders import reminders_send_due

    started = time.perf_counter()
    written = reminders_send_due(now=timezone.now())
    scanned = time.perf_counter() - started
    wait_until_done(_finished(), written, timeout, "the reminders")
    return time.perf_counter() - started, scanned, written


def run_delivery(timeout: float) -> tuple[float, int]:
    """The same reminders once more as new outbox rows (fresh keys), queued the way the
    no-op tasks are: (seconds from the first queued to the last sent, rows)."""
    from notifications.models import Notification
    from notifications.services import notifications_queue

    copies = Notification.objects.bulk_create(
        Notification(
            recipient_id=row.recipient_id,
            to_email=row.to_email,
            kind=row.kind,
            language=row.language,
            subject=row.subject,
            body_text=row.body_text,
            body_html=row.body_html,
            idempotency_key=f"{row.idempotency_key}:again",
        )
        for row in Notification.objects.filter(kind=KIND).order_by("pk")
    )
    pks = [copy.pk for copy in copies]
    started = time.perf_counter()
    notifications_queue(pks)  # as the scan queues them: DELIVERY_BATCH rows per task
    wait_until_done(_finished(min(pks)), len(pks), timeout, "the deliveries")
    return time.perf_counter() - started, len(pks)


def check(sink_log: Path) -> dict:
    """Every outbox row against what the SMTP sink received, by idempotency key."""
    from notifications.models import Notification

    rows = Notification.objects.filter(kind=KIND)
    keys = set(rows.values_list("idempotency_key", flat=True))
    statuses = Counter(rows.values_list("status", flat=True))
    received = Counter(line for line in sink_log.read_text().splitlines() if line)
    return {
        "notifications": len(keys),
        "sent": statuses[Notification.Status.SENT],
        "failed": statuses[Notification.Status.FAILED],
        "received": sum(received[key] for key in keys),
        "duplicates": sum(received[key] - 1 for key in keys if received[key] > 1),
        "lost": sum(1 for key in keys if received[key] == 0),
        "strangers": sum(count for key, count in received.items() if key not in keys),
    }


def run(args: argparse.Namespace, bench_url: str) -> dict:
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        broker = start_redis(stack, args)
        setup_django(bench_url, broker)
        from django.db import connections
        from django.urls import reverse
        from django.utils import timezone

        seed(args.n, timezone.now())
        reverse("home")  # load the URLconf (the templates link to pages), as a warm worker has
        sink_log = tmp_path / "sink.log"
        smtp_port = start_sink(stack, sink_log)
        try:
            start_workers(
                stack, args, bench_url=bench_url, broker=broker, smtp_port=smtp_port, logs=tmp_path
            )
            print(f"{args.workers} workers on {broker}, SMTP sink on 127.0.0.1:{smtp_port}")
            run_noop(args.workers * 10, args.timeout)  # warm up: code loaded, connections open
            noop_before = run_noop(args.n, args.timeout)
            scan_total, scan_seconds, written = run_scan(args.n, args.timeout)
            seconds, delivered = run_delivery(args.timeout)
            noop_after = run_noop(args.n, args.timeout)
            time.sleep(0.5)  # a duplicate would still be on its way
        except BaseException:
            for log in sorted(tmp_path.glob("worker*.log")):
                sys.stderr.write(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}\n")
            raise
        result = check(sink_log)
        connections.close_all()
    noop_seconds = (noop_before + noop_after) / 2
    noop_per_s = args.n / noop_seconds
    result.update(
        n=args.n,
        written=written,
        seconds=seconds,
        per_s=delivered / seconds,
        noop_seconds=noop_seconds,
        noop_per_s=noop_per_s,
        ratio=delivered / seconds / noop_per_s,
        scan_seconds=scan_seconds,
        scan_to_sent_seconds=scan_total,
        scan_to_sent_per_s=written / scan_total,
        scan_to_sent_ratio=written / scan_total / noop_per_s,
        noop_per_s_before=args.n / noop_before,
        noop_per_s_after=args.n / noop_after,
        workers=args.workers,
        broker="redis (own server)" if not args.broker else "redis",
        cpus=os.cpu_count(),
    )
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}


def report(r: dict) -> None:
    print(
        f"Scan: {r['written']} reminders written in {r['scan_seconds']:.2f} s; the last one"
        f" sent {r['scan_to_sent_seconds']:.2f} s after the scan started"
        f" = {r['scan_to_sent_per_s']:.1f}/s (ratio to no-op {r['scan_to_sent_ratio']:.2f})"
    )
    print(
        f"Delivery: {r['n']} reminders queued and sent in {r['seconds']:.2f} s = {r['per_s']:.1f}/s"
    )
    print(
        f"No-op tasks: {r['n']} in {r['noop_seconds']:.2f} s = {r['noop_per_s']:.1f}/s"
        f" (before {r['noop_per_s_before']:.1f}/s, after {r['noop_per_s_after']:.1f}/s)"
    )
    print(
        f"Outbox: {r['notifications']} rows, sent {r['sent']}, failed {r['failed']}; received by"
        f" the sink {r['received']}: lost {r['lost']}, duplicates {r['duplicates']}"
    )
    print(f"Ratio delivery/no-op: {r['ratio']:.2f} (goal >= 0.5)")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "bench.reminders needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name"
            " (it creates and drops the database <name>_reminders on that server).",
            file=sys.stderr,
        )
        return 2
    maintenance_url, bench_url, name = database_urls(url)
    recreate_database(maintenance_url, name)
    try:
        result = run(args, bench_url)
    finally:
        drop_database(maintenance_url, name)
    report(result)
    print(json.dumps(result), flush=True)
    ok = result["lost"] == result["duplicates"] == result["failed"] == result["strangers"] == 0
    return 0 if ok and result["written"] == args.n and result["sent"] == 2 * args.n else 1


if __name__ == "__main__":
    sys.exit(main())

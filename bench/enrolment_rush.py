"""Enrolment rush: many parents enrol their children the moment enrolment opens.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bot python -m bench.enrolment_rush \
        [--path api|page|both] [--clients 50] [--children 2000] [--activities 20] \
        [--capacity 40] [--seconds N] [--rounds 1] [--tiny]

It makes a fresh database beside the one in DATABASE_URL (`<name>_rush`), migrates it, adds
parents (each with an API token and a signed-in session), children and open first-come
activities, and serves the app with gunicorn on a free local port. All clients start together
(a barrier) and enrol over keep-alive connections, by one of two paths:

- `api`: POST /api/v1/enrolments/ with the token, as an integration does;
- `page`: the family's enrol form, POST /activities/<id>/ with the session cookie and the CSRF
  token, answered with a redirect, as a parent's phone does.

Then it checks the database: no activity oversold, no answered enrolment missing, no 5xx. In
the same run the same load goes to a bare view behind the same middleware (bench.floor: a
locked counter update and an insert, for the token or for the session and its CSRF check), the
most this machine can do; the ratio of the two rates says how much the app costs on top, and
the CPU milliseconds per request of the web server and of PostgreSQL, app and floor, say it
again with less of the shared machine's noise. With `--rounds R` each client's enrolments are
sent in R parts, the app's and the floor's in turn (app, floor, app, floor, ...), so a slow
minute of the shared machine falls on both; the figures are the totals of the rounds, and
`round_ratios` the ratio of each. Each path has its own activities and children.
The last line printed is one JSON object (see docs/benchmarks.md). The database is dropped at
the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PATHS = {
    # path: (the app's URL, the floor's URL); {activity} is filled in per request
    "api": ("/api/v1/enrolments/", "/bench/floor/"),
    "page": ("/activities/{activity}/", "/bench/enrol/{activity}/"),
}
CHILDREN_PER_PARENT = 2
MAX_ACTIVITIES = 70  # 5 weekdays x 14 hourly slots, so no two activities overlap


@dataclass(frozen=True)
class Job:
    token: str  # the parent's API token
    cookie: str  # the parent's session and CSRF cookies
    csrf: str  # the CSRF token the form carries
    child: int
    activity: int


@dataclass
class Answer:
    job: Job
    code: int  # 0: no answer (connection error or timeout)
    body: dict
    ms: float


# --- arguments and database ---------------------------------------------------------------


def _bench_broker(redis_url: str) -> str:
    """REDIS_URL on database 13, so the benchmark's queue never mixes with anything else."""
    if not redis_url:
        return ""
    base = redis_url.rsplit("/", 1)[0] if redis_url.count("/") > 2 else redis_url
    return f"{base}/13"


def flush_broker(url: str) -> None:
    if url:
        import redis

        redis.Redis.from_url(url).flushdb()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.enrolment_rush", description=__doc__)
    parser.add_argument(
        "--path", choices=["api", "page", "both"], default="both", help="how parents enrol"
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--activities", type=int, default=20)
    parser.add_argument("--capacity", type=int, default=40, help="places per activity")
    parser.add_argument("--per-child", type=int, default=2, help="activities each child tries")
    parser.add_argument("--seconds", type=float, default=None, help="stop sending after this")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="send the enrolments in this many parts, app and floor in turn (see above)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--tiny", action="store_true", help="a few hundred requests, for tests")
    parser.add_argument(
        "--broker",
        default=_bench_broker(os.environ.get("REDIS_URL", "")),
        help="Redis URL for the app's Celery broker, as in production (mail is queued, not "
        "sent in the request; no worker runs, the queue is emptied afterwards). Default: "
        "REDIS_URL with database 13; empty: tasks run in-process.",
    )
    args = parser.parse_args(argv)
    if args.tiny:
        args.clients, args.children, args.activities, args.capacity = 10, 100, 5, 8
    if not 1 <= args.activities <= MAX_ACTIVITIES:
        parser.error(f"--activities must be between 1 and {MAX_ACTIVITIES}")
    args.per_child = min(args.per_child, args.activities)
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    return args


def database_urls(url: str, suffix: str = "rush") -> tuple[str, str, str]:
    """(maintenance URL, bench URL, bench database name `<name>_<suffix>`) on the server in
    `url`."""
    parts = urllib.parse.urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_{suffix}"
    return (
        urllib.parse.urlunsplit(parts._replace(path="/postgres")),
        urllib.parse.urlunsplit(parts._replace(path=f"/{name}")),
        name,
    )


def _admin(maintenance_url: str, statement: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def recreate_database(maintenance_url: str, name: str) -> None:
    _admin(maintenance_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
    _admin(maintenance_url, "CREATE DATABASE {}", name)


def drop_database(maintenance_url: str, name: str) -> None:
    from django.conf import settings
    from django.db import connections

    if settings.configured:
        connections.close_all()
    _admin(maintenance_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


def setup_django(bench_url: str) -> None:
    os.environ["DATABASE_URL"] = bench_url
    # The server signs sessions with the same key the seeding signs them with.
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.pop("REDIS_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


# --- data ----------------------------------------------------------------------------------


def seed(
    args: argparse.Namespace, rng: random.Random, tag: str
) -> tuple[list[int], list[list[Job]]]:
    """Activities open now, parents with tokens and sessions, and children; returns the
    activity ids and, for each client, the enrolments it will send (its parents' children,
    parent by parent). `tag` keeps each path's town, people and floor counters apart."""
    from accounts.authentication import password_fingerprint, token_digest
    from accounts.models import ApiToken, User
    from activities.models import Child
    from bench.floor import create_tables

    now = dt.datetime.now(dt.UTC)
    school = _school(tag)
    activity_ids = _activities(args, school, now)
    create_tables(activity_ids)
    n_parents = -(-args.children // CHILDREN_PER_PARENT)
    parents = User.objects.bulk_create(
        User(
            email=f"parent{i}@{tag}.bench.test",
            name=f"Parent {i}",
            is_parent=True,
            password="!",
            language="nl",
        )
        for i in range(n_parents)
    )
    keys = [secrets.token_urlsafe(32) for _ in parents]
    ApiToken.objects.bulk_create(
        ApiToken(
            user=parent,
            digest=token_digest(key),
            prefix=key[:8],
            password_hash=password_fingerprint(parent),
            created_at=now,
            expires_at=now + dt.timedelta(days=1),
        )
        for parent, key in zip(parents, keys, strict=True)
    )
    children = Child.objects.bulk_create(
        Child(
            guardian=parents[i // CHILDREN_PER_PARENT],
            first_name=f"Kind {i}",
            school=school,
            grade=rng.randint(1, 8),
            consent_at=now,
            consent_version="2026-1",
        )
        for i in range(args.children)
    )
    cookies = _signed_in(parents, now)
    plans: list[list[Job]] = [[] for _ in range(args.clients)]
    for index, child in enumerate(children):
        parent = index // CHILDREN_PER_PARENT
        for activity in rng.sample(activity_ids, args.per_child):
            cookie, csrf = cookies[parent]
            job = Job(keys[parent], cookie, csrf, child.pk, activity)
            plans[parent % args.clients].append(job)
    return activity_ids, plans


def _signed_in(parents, now: dt.datetime) -> list[tuple[str, str]]:
    """A session per parent, as the login leaves it (bulk-made: the login itself is not what
    is measured), and a CSRF cookie; returns each parent's Cookie header and form token."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    store = SessionStore()
    sessions, cookies = [], []
    for parent in parents:
        key, csrf = secrets.token_hex(16), secrets.token_hex(16)  # 32 characters each
        data = {
            SESSION_KEY: str(parent.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: parent.get_session_auth_hash(),
            "seen_at": int(now.timestamp()),
        }
        expires = now + dt.timedelta(days=1)
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
        cookie = f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={csrf}"
        cookies.append((cookie, csrf))
    Session.objects.bulk_create(sessions)
    return cookies


def _school(tag: str):
    from schools.models import Municipality, Neighbourhood, School

    municipality = Municipality.objects.create(name=f"Benchstad {tag}", slug=f"benchstad-{tag}")
    neighbourhood = Neighbourhood.objects.create(municipality=municipality, name="Centrum")
    return School.objects.create(
        name=f"Basisschool De Bank {tag}",
        brin=f"99Z{tag[0].upper()}",
        level=School.Level.PO,
        street="Schoolstraat 1",
        postcode="1506 AB",
        city="Zaandam",
        neighbourhood=neighbourhood,
    )


def _activities(args: argparse.Namespace, school, now: dt.datetime) -> list[int]:
    from activities.models import Activity

    first = now.date() + dt.timedelta(days=14)
    return [
        activity.pk
        for activity in Activity.objects.bulk_create(
            Activity(
                school=school,
                title=f"Activiteit {i}",
                description="Samen sporten na school.",
                category="sport",
                level=school.level,
                grade_min=1,
                grade_max=8,
                capacity=args.capacity,
                enrolment_opens_at=now,
                enrolment_closes_at=now + dt.timedelta(days=30),
                weekday=i % 5,
                start_time=dt.time(8 + i // 5, 0),
                end_time=dt.time(8 + i // 5, 50),
                first_date=first,
                last_date=first + dt.timedelta(days=90),
                status=Activity.Status.PUBLISHED,
            )
            for i in range(args.activities)
        )
    ]


# --- server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(bench_url: str, broker: str) -> dict[str, str]:
    """The environment the app is served in: its settings without debug, on the bench database,
    mail queued on `broker` (or sent in-process without one)."""
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ["DJANGO_SECRET_KEY"],
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "EMAIL_URL": "dummy://",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    if broker:
        env["REDIS_URL"] = broker  # mail is queued for workers, as in production
    return env


def start_server(args: argparse.Namespace, bench_url: str, port: int, log) -> subprocess.Popen:
    env = server_env(bench_url, args.broker)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={args.workers}",
        "--worker-class=gthread",
        f"--threads={args.threads}",
        "--keep-alive=75",
        "--backlog=2048",
        "--log-level=warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # the master stops its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_ready(server: subprocess.Popen, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            # Ready when the database and broker answer; no beat runs in the bench, so the
            # scheduled-work part of /healthz says 503 and does not count here.
            health = json.loads(conn.getresponse().read() or b"{}")
            if health.get("database") == "ok" and health.get("broker") == "ok":
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def warm_up(port: int, token: str, requests: int) -> None:
    """Let every worker load its code and open its database connection before the clock."""

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(4):
            conn.request("GET", "/api/v1/", headers={"Authorization": f"Token {token}"})
            conn.getresponse().read()
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(max(requests // 4, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- load ----------------------------------------------------------------------------------


def enrolment_request(path: str, job: Job) -> tuple[str, bytes, dict[str, str]]:
    """The URL, body and headers of one enrolment: JSON with the token to the API (or its
    floor), or the form with the session and CSRF token to a page (or its floor)."""
    url = path.format(activity=job.activity)
    if url.startswith("/api/") or url == "/bench/floor/":
        body = json.dumps({"child": job.child, "activity": job.activity})
        headers = {
            "Authorization": f"Token {job.token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
    else:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": job.csrf, "children": job.child})
        headers = {
            "Cookie": job.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "text/html",
        }
    headers["Accept-Language"] = "en"
    return url, body.encode(), headers


def post(conn: http.client.HTTPConnection, path: str, job: Job) -> Answer:
    """One enrolment (enrolment_request); a page, or its floor, answers with a redirect."""
    path, body, headers = enrolment_request(path, job)
    started = time.perf_counter()
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        code = response.status
        location = response.getheader("Location", "")
    except (OSError, http.client.HTTPException):
        conn.close()  # the next request opens a new connection
        code, raw, location = 0, b"", ""
    ms = (time.perf_counter() - started) * 1000
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}  # a page, or a redirect to one
    data = data if isinstance(data, dict) else {}
    if location:
        data = {"location": location}
    return Answer(job, code, data, ms)


# Where the enrol form sends a parent once it is done (the floor sends to its own page).
DONE_PAGES = ("/activities/enrolled/", "/bench/enrolled/")


def done(answer: Answer) -> bool:
    """The request did what it was sent for: 201 from the API, from the form a redirect to
    its result page (a form sent back with 200 shows an error; a redirect elsewhere, such as
    to the login page, did nothing)."""
    if answer.code in (302, 303):
        return answer.body.get("location", "").startswith(DONE_PAGES)
    return 200 < answer.code < 300


def rush(port: int, path: str, plans: list[list[Job]], seconds: float | None):
    """Every client sends its jobs one after another; all start together. Returns each
    client's answers and the seconds from the start to the last answer."""
    answers: list[list[Answer]] = [[] for _ in plans]
    ended = [0.0] * len(plans)
    clock: dict[str, float] = {}
    barrier = threading.Barrier(len(plans), action=lambda: clock.update(t=time.perf_counter()))

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.connect()
        barrier.wait()
        stop = clock["t"] + seconds if seconds else None
        for job in plans[index]:
            if stop is not None and time.perf_counter() >= stop:
                break
            answers[index].append(post(conn, path, job))
        ended[index] = time.perf_counter()
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(plans))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers, max(ended) - clock["t"]


class CpuMeter:
    """The CPU seconds the web server (its master and workers) and PostgreSQL's processes
    spend while the block runs, summed over every block it measures. A rate on a shared
    machine moves with its neighbours; the CPU an enrolment costs hardly does, so it says more
    surely whether a change made it cheaper."""

    def __init__(self, server: subprocess.Popen) -> None:
        self.server = server
        self.web = self.db = 0.0

    @staticmethod
    def _seconds(processes) -> float:
        total = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.Error:  # ended meanwhile
                continue
            total += times.user + times.system
        return total

    def _now(self) -> tuple[float, float]:
        master = psutil.Process(self.server.pid)
        web = self._seconds([master, *master.children(recursive=True)])
        database = [p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"]
        return web, self._seconds(database)

    def __enter__(self) -> CpuMeter:
        self._start = self._now()
        return self

    def __exit__(self, *exc) -> None:
        web, db = self._now()
        self.web += web - self._start[0]
        self.db += db - self._start[1]


def cpu_figures(app: CpuMeter, floor: CpuMeter, requests: int) -> dict:
    """Milliseconds of CPU per request, of the web server and of the database, for the app and
    the floor; `cpu_ratio` is the floor's total over the app's (1 would be as cheap as the
    floor)."""
    per = 1000 / max(requests, 1)
    figures = {
        "cpu_web_ms": app.web * per,
        "cpu_db_ms": app.db * per,
        "floor_cpu_web_ms": floor.web * per,
        "floor_cpu_db_ms": floor.db * per,
    }
    app_total, floor_total = (app.web + app.db) * per, (floor.web + floor.db) * per
    figures["cpu_ratio"] = floor_total / app_total if app_total else 0.0
    return {k: round(v, 2) for k, v in figures.items()}


def latency(answers: list[Answer]) -> dict:
    times = sorted(a.ms for a in answers)
    if len(times) < 2:
        times = times * 2 or [0.0, 0.0]
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50_ms": cuts[49], "p95_ms": cuts[94], "p99_ms": cuts[98], "max_ms": times[-1]}


# --- checks --------------------------------------------------------------------------------


def check_enrolments(answers: list[Answer], activity_ids: list[int]) -> dict:
    """What the database says after the rush, against what the clients were told."""
    from django.db.models import Count, Q

    from activities.models import Activity, Enrolment

    activities = Activity.objects.filter(pk__in=activity_ids).annotate(
        held=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.HOLDS_SEAT)),
        waiting=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED)),
    )
    rows = {
        (child, activity): status
        for child, activity, status in Enrolment.objects.filter(
            activity_id__in=activity_ids, status__in=Enrolment.ACTIVE
        ).values_list("child_id", "activity_id", "status")
    }
    answered = [a for a in answers if done(a)]
    statuses = Counter(rows.values())
    return {
        "attempts": len(answers),
        "confirmed": statuses[Enrolment.Status.CONFIRMED],
        "waitlisted": statuses[Enrolment.Status.WAITLISTED],
        "oversold": sum(a.seats_taken > a.capacity or a.held > a.capacity for a in activities),
        "errors": sum(a.code == 0 or a.code >= 500 for a in answers),
        "lost": sum((a.job.child, a.job.activity) not in rows for a in answered)
        + sum(a.code == 0 for a in answers),
        "refused": sum(not done(a) and 0 < a.code < 500 for a in answers),
        "told_wrong_status": sum(
            a.body.get("status") not in (None, rows.get((a.job.child, a.job.activity)))
            for a in answered
        ),
        "seat_count_wrong": sum(a.seats_taken != a.held for a in activities),
        "waiting_beside_free_place": sum(a.waiting > 0 and a.held < a.capacity for a in activities),
    }


def check_floor(answers: list[Answer], activity_ids: list[int]) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n), 0) FROM bench_counter WHERE id = ANY(%s)", [activity_ids]
        )
        (counted,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM bench_floor_row WHERE counter_id = ANY(%s)", [activity_ids]
        )
        (rows,) = cursor.fetchone()
    ok = sum(done(a) for a in answers)
    return {
        "floor_errors": sum(a.code == 0 or a.code >= 500 for a in answers),
        "floor_lost": ok - rows,
        "floor_counter_wrong": int(counted != rows),
    }


# --- main ----------------------------------------------------------------------------------


def flatten(answers: list[list[Answer]]) -> list[Answer]:
    return [answer for per_client in answers for answer in per_client]


@dataclass
class Rounds:
    app_seconds: float = 0.0
    floor_seconds: float = 0.0
    ratios: list[float] = field(default_factory=list)


def in_rounds(args: argparse.Namespace, server: subprocess.Popen, port: int, urls, plans):
    """Rush the app and then the floor, `args.rounds` times, each client sending the next part
    of its plan each round. The floor gets exactly the requests the app got, from the same
    clients. Returns the app's and the floor's answers, their CPU meters and the rounds'
    seconds and ratios."""
    app_path, floor_path = urls
    app: list[Answer] = []
    floor: list[Answer] = []
    app_cpu, floor_cpu, rounds = CpuMeter(server), CpuMeter(server), Rounds()
    seconds = args.seconds / args.rounds if args.seconds else None
    for part in range(args.rounds):
        round_plans = [
            plan[part * len(plan) // args.rounds : (part + 1) * len(plan) // args.rounds]
            for plan in plans
        ]
        with app_cpu:
            app_answers, app_seconds = rush(port, app_path, round_plans, seconds)
        floor_plans = [[a.job for a in per_client] for per_client in app_answers]
        with floor_cpu:
            floor_answers, floor_seconds = rush(port, floor_path, floor_plans, None)
        app += flatten(app_answers)
        floor += flatten(floor_answers)
        rounds.app_seconds += app_seconds
        rounds.floor_seconds += floor_seconds
        # The same requests both ways, so the ratio of the rates is that of the times.
        if app_seconds and floor_seconds:
            rounds.ratios.append(round(floor_seconds / app_seconds, 2))
    return app, floor, (app_cpu, floor_cpu), rounds


def run(args: argparse.Namespace, bench_url: str) -> dict:
    """Seed each path's town, serve the app, and rush each path and its floor in turn;
    returns each path's figures."""
    rng = random.Random(args.seed)
    setup_django(bench_url)
    paths = ["api", "page"] if args.path == "both" else [args.path]
    towns = {path: seed(args, rng, path) for path in paths}
    total = sum(map(len, towns[paths[0]][1]))
    print(
        f"Seeded {args.children} children of {-(-args.children // CHILDREN_PER_PARENT)} parents,"
        f" {args.activities} activities of {args.capacity} places per path ({', '.join(paths)});"
        f" {total} enrolments to send from {args.clients} clients per path."
    )
    port = free_port()
    flush_broker(args.broker)
    results = {}
    with tempfile.TemporaryFile("w+") as log:
        server = start_server(args, bench_url, port, log)
        try:
            wait_until_ready(server, port)
            warm_up(port, towns[paths[0]][1][0][0].token, args.workers * args.threads * 4)
            print(f"gunicorn on 127.0.0.1:{port}: {args.workers} workers x {args.threads} threads")
            for path in paths:
                activity_ids, plans = towns[path]
                app, floor, (app_cpu, floor_cpu), rounds = in_rounds(
                    args, server, port, PATHS[path], plans
                )
                results[path] = summarise(
                    args, app, rounds.app_seconds, floor, rounds.floor_seconds, activity_ids
                )
                results[path].update(cpu_figures(app_cpu, floor_cpu, len(app)))
                results[path]["round_ratios"] = rounds.ratios
        except BaseException:
            log.seek(0)
            sys.stderr.write(log.read()[-5000:])
            raise
        finally:
            stop_server(server)
            flush_broker(args.broker)
    return results


def summarise(args, app, app_seconds, floor, floor_seconds, activity_ids) -> dict:
    result = check_enrolments(app, activity_ids)
    result.update(latency(app))
    result["per_s"] = len(app) / app_seconds if app_seconds else 0.0
    result["floor_per_s"] = len(floor) / floor_seconds if floor_seconds else 0.0
    result["ratio"] = result["per_s"] / result["floor_per_s"] if result["floor_per_s"] else 0.0
    result.update({f"floor_{k}": v for k, v in latency(floor).items()})
    result.update(check_floor(floor, activity_ids))
    result["codes"] = dict(Counter(str(a.code) for a in app))
    result.update(
        broker="redis" if args.broker else "in-process",
        clients=args.clients,
        workers=args.workers,
        threads=args.threads,
        seconds=round(app_seconds, 2),
        floor_seconds=round(floor_seconds, 2),
        cpus=os.cpu_count(),
    )
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}


def report(path: str, result: dict) -> None:
    r = result
    print(f"--- {path}: {' '.join(PATHS[path])}")
    print(
        f"Enrolments: {r['attempts']} in {r['seconds']} s = {r['per_s']:.1f}/s;"
        f" p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms"
    )
    print(
        f"  confirmed {r['confirmed']}, waitlisted {r['waitlisted']}, refused (4xx) {r['refused']},"
        f" answers by HTTP status {r['codes']}"
    )
    print(
        f"  oversold {r['oversold']}, lost {r['lost']}, errors {r['errors']},"
        f" told a wrong status {r['told_wrong_status']}, seat count wrong {r['seat_count_wrong']},"
        f" waiting beside a free place {r['waiting_beside_free_place']}"
    )
    print(
        f"Floor: {r['attempts']} in {r['floor_seconds']} s = {r['floor_per_s']:.1f}/s;"
        f" p50 {r['floor_p50_ms']:.0f} ms, p95 {r['floor_p95_ms']:.0f} ms;"
        f" errors {r['floor_errors']}, lost {r['floor_lost']}"
    )
    rounds = r["round_ratios"]
    each = f"; by round {', '.join(f'{x:.2f}' for x in rounds)}" if len(rounds) > 1 else ""
    print(f"Ratio app/floor: {r['ratio']:.2f} (goal >= 0.5){each}")
    print(
        f"CPU per request: app {r['cpu_web_ms']:.1f} ms web + {r['cpu_db_ms']:.1f} ms database,"
        f" floor {r['floor_cpu_web_ms']:.1f} + {r['floor_cpu_db_ms']:.1f} ms;"
        f" floor/app {r['cpu_ratio']:.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "bench.enrolment_rush needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name"
            " (it creates and drops the database <name>_rush on that server).",
            file=sys.stderr,
        )
        return 2
    maintenance_url, bench_url, name = database_urls(url)
    recreate_database(maintenance_url, name)
    try:
        result = run(args, bench_url)
    finally:
        drop_database(maintenance_url, name)
    for path, figures in result.items():
        report(path, figures)
    print(json.dumps(result), flush=True)
    wrong = [r["oversold"] + r["lost"] + r["errors"] + r["floor_errors"] for r in result.values()]
    return 0 if not any(wrong) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Steering dashboards at city size: how long the server takes to render each page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bot python -m bench.dashboards \
        [--size city|tiny] [--tiny] [--seed 2026] [--warmup 5] [--runs 30] \
        [--cache none|local] [--keep]

It makes a fresh database beside the one in DATABASE_URL (`<name>_dash`), migrates it, and
seeds one city-sized municipality with bulk inserts (demo.scale: 200 schools with their
groups, 50,000 children of 25,000 parents, 2,000 published activities with their weekly
sessions and the register of past ones, 20,000 enrolments including drawn lottery rounds,
400 Local Heroes, 10 VR kits, 6,000 session requests of which 5,000 have a visit), then runs
VACUUM ANALYZE, as a database in use would have its statistics.

The pages, by URL name, each measured only when the name resolves, so the benchmark runs
before the reports app lands and picks its pages up when they do:
- `reports:dashboard?municipality=<pk>`, as a coordinator of the municipality;
- `reports:school` (pk), as a staff member of the school with the most enrolments;
- `reports:national`, as a member of the programme team (when that role exists).
The floor is `bench.floor.page`: a bare GET view that makes one trivial query and renders a
tiny template, behind the same middleware, session and context processors.

What is measured is the server's time: each request goes through Django's test Client in
this process, with production settings (DEBUG off, `--cache none`: no cache, so a page
computes its figures as on a first view), from the request entering the middleware to the
whole response rendered. That is what "a dashboard renders in under 1 s" means here: no
network, no browser, no static files. Each page (and the floor) gets `--warmup` requests,
one request whose SQL queries are counted, then `--runs` timed requests; the timed requests
go round the pages in turn (floor, page, page, ...), so a busy moment of the machine hits all
alike. It prints a table on stderr and, last on stdout, one JSON object: p50/p95 per page,
their ratio to the floor's, and the queries per page. The database is dropped at the end
(`--keep` leaves it, to look at the seeded city).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import time
import urllib.parse
import warnings
from dataclasses import dataclass, field

from bench.enrolment_rush import database_urls, drop_database, recreate_database

GOAL_MS = 1000
FLOOR = "floor"
# URL name -> (who looks, what the URL needs); see the module docstring.
PAGES = {
    "reports:dashboard": "coordinator",
    "reports:school": "staff",
    "reports:national": "programme",
}


@dataclass
class Target:
    name: str
    url: str
    who: str
    client: object
    times: list[float] = field(default_factory=list)
    queries: int = 0
    statuses: set[int] = field(default_factory=set)
    size: int = 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.dashboards",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--size", choices=["city", "tiny"], default="city")
    parser.add_argument("--tiny", action="store_true", help="the same as --size tiny")
    parser.add_argument("--seed", type=int, default=2026, help="the same seed, the same city")
    parser.add_argument("--warmup", type=int, default=None, help="requests per page (5; tiny 1)")
    parser.add_argument("--runs", type=int, default=None, help="timed requests (30; tiny 3)")
    parser.add_argument(
        "--cache",
        choices=["none", "local"],
        default="none",
        help="none: Django's dummy cache, every request computes (default); local: the "
        "local-memory cache, so a page that caches is measured warm",
    )
    parser.add_argument("--keep", action="store_true", help="leave the database for a look")
    args = parser.parse_args(argv)
    if args.tiny:
        args.size = "tiny"
    tiny = args.size == "tiny"
    args.warmup = (1 if tiny else 5) if args.warmup is None else args.warmup
    args.runs = (3 if tiny else 30) if args.runs is None else args.runs
    if args.warmup < 0 or args.runs < 2:
        parser.error("--warmup must be at least 0 and --runs at least 2")
    return args


def setup_django(bench_url: str, cache: str) -> None:
    """Production settings for this process (DEBUG off), on the bench database."""
    os.environ.update(
        DATABASE_URL=bench_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver",
        SITE_URL="https://testserver",
        EMAIL_URL="dummy://",
        LOG_LEVEL="WARNING",
        BENCH_CACHE=cache,
    )
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)  # nothing is queued; a page must not need a broker
    # WhiteNoise looks for collected static files; pages are measured without them.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# --- the pages ------------------------------------------------------------------------------


def targets(city) -> tuple[list[Target], dict[str, str]]:
    """The floor and every page whose URL name resolves, each with a client signed in as the
    person who looks at it; and the pages skipped, with why."""
    from django.urls import NoReverseMatch, reverse

    people = {
        "coordinator": city.coordinator_id,
        "staff": city.staff_id,
        "programme": city.programme_id,
    }
    needs = {
        "reports:dashboard": ({}, {"municipality": city.municipality_id}),
        "reports:school": ({"pk": city.school_id}, {}),
        "reports:national": ({}, {}),
    }
    floor_url = reverse("bench_page_floor") + f"?municipality={city.municipality_id}"
    found = [Target(FLOOR, floor_url, "coordinator", client_for(city.coordinator_id))]
    skipped = {}
    for name, who in PAGES.items():
        kwargs, query = needs[name]
        try:
            path = reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            skipped[name] = "the URL name does not resolve"
            continue
        if people[who] is None:
            skipped[name] = f"no {who} role in this code"
            continue
        url = f"{path}?{urllib.parse.urlencode(query)}" if query else path
        found.append(Target(name, url, who, client_for(people[who])))
    return found, skipped


def client_for(user_id: int):
    """A test Client signed in as the person; their TOTP authenticator (demo.scale) is what
    the two-step requirement checks."""
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    return client


def get(target: Target) -> tuple[float, int, int]:
    """(milliseconds, status, bytes) of one GET, over HTTPS as in production."""
    started = time.perf_counter()
    response = target.client.get(target.url, secure=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return (time.perf_counter() - started) * 1000, response.status_code, len(body)


def measure(found: list[Target], warmup: int, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        for target in found:
            get(target)
    for target in found:
        with CaptureQueriesContext(connection) as captured:
            _ms, status, target.size = get(target)
        target.queries = len(captured)
        target.statuses.add(status)
    for run in range(runs):
        turn = run % len(found)  # a different page goes first each round
        for target in found[turn:] + found[:turn]:
            ms, status, _size = get(target)
            target.times.append(ms)
            target.statuses.add(status)


def latency(times: list[float]) -> dict:
    ordered = sorted(times)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": cuts[49], "p95_ms": cuts[94], "max_ms": ordered[-1]}


def summarise(target: Target, floor: dict | None) -> dict:
    figures = {
        "url": target.url,
        "as": target.who,
        "status": sorted(target.statuses),
        "queries": target.queries,
        "bytes": target.size,
        **latency(target.times),
    }
    if floor is not None:
        figures["ratio_p50"] = figures["p50_ms"] / floor["p50_ms"]
        figures["ratio_p95"] = figures["p95_ms"] / floor["p95_ms"]
        figures["under_goal"] = figures["p95_ms"] < GOAL_MS
    return _rounded(figures)


def _rounded(values: dict) -> dict:
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in values.items()}


# --- main ----------------------------------------------------------------------------------


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run(args: argparse.Namespace, bench_url: str) -> dict:
    clock = time.perf_counter()
    setup_django(bench_url, args.cache)
    migrate_s, clock = time.perf_counter() - clock, time.perf_counter()
    from django.db import connection
    from django.utils import timezone

    from demo.scale import SIZES, seed_city

    cpu = time.process_time()
    city = seed_city(SIZES[args.size], random.Random(args.seed), timezone.now())
    seed_s, clock = time.perf_counter() - clock, time.perf_counter()
    seed_cpu_s = time.process_time() - cpu  # this process's share; the rest is PostgreSQL
    vacuum_analyze()
    analyze_s = time.perf_counter() - clock
    rows = ", ".join(f"{n} {name}" for name, n in city.rows.items())
    say(
        f"Seeded the {args.size} (seed {args.seed}) in {seed_s:.1f} s ({seed_cpu_s:.1f} s of"
        f" this process's CPU), then VACUUM ANALYZE in {analyze_s:.1f} s: {rows}"
    )
    found, skipped = targets(city)
    for name, why in skipped.items():
        say(f"Not measured: {name} ({why})")
    measure(found, args.warmup, args.runs)
    floor = summarise(found[0], None)
    result = {
        "size": args.size,
        "seed": args.seed,
        "rows": city.rows,
        "migrate_s": migrate_s,
        "seed_s": seed_s,
        "seed_cpu_s": seed_cpu_s,
        "seed_stage_s": city.stage_s,
        "analyze_s": analyze_s,
        "warmup": args.warmup,
        "runs": args.runs,
        "cache": args.cache,
        "goal_ms": GOAL_MS,
        "floor": floor,
        "pages": {t.name: summarise(t, floor) for t in found[1:]},
        "skipped": skipped,
        "postgres": connection.pg_version,
        "cpus": os.cpu_count(),
    }
    result["ok"] = all(f["status"] == [200] for f in [floor, *result["pages"].values()])
    return _rounded(result)


def report(result: dict) -> None:
    say(
        f"{'page':<20} {'as':<12} {'status':<7} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'max ms':>8} {'p50/floor':>9} {'p95/floor':>9}"
    )
    rows = [(FLOOR, result["floor"]), *result["pages"].items()]
    for name, f in rows:
        ratios = f"{f['ratio_p50']:>9.1f} {f['ratio_p95']:>9.1f}" if "ratio_p50" in f else " " * 19
        say(
            f"{name:<20} {f['as']:<12} {','.join(map(str, f['status'])):<7} {f['queries']:>7}"
            f" {f['p50_ms']:>8.1f} {f['p95_ms']:>8.1f} {f['max_ms']:>8.1f} {ratios}"
        )
    for name, f in result["pages"].items():
        verdict = "met" if f["under_goal"] else "NOT met"
        say(f"{name}: p95 {f['p95_ms']:.0f} ms, goal under {GOAL_MS} ms: {verdict}")
    if not result["ok"]:
        say("Some answers were not 200: see the status column.")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        say(
            "bench.dashboards needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name"
            " (it creates and drops the database <name>_dash on that server)."
        )
        return 2
    maintenance_url, bench_url, name = database_urls(url, "dash")
    recreate_database(maintenance_url, name)
    try:
        result = run(args, bench_url)
    finally:
        if args.keep:
            from django.db import connections

            connections.close_all()
            say(f"Kept the database: DATABASE_URL={bench_url}")
        else:
            drop_database(maintenance_url, name)
    report(result)
    print(json.dumps(result), flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

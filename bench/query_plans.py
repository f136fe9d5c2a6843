"""The slowest queries of the main pages at national scale, with their plans.

    python manage.py demo --scale national          # once, into the database below
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/national_demo DJANGO_DEBUG=1 \\
        python -m bench.query_plans [--town amsterdam] [--top 12] [--runs 3]

Signs in (in this process, with Django's test Client) as the people `demo --scale` made in
the town: its coordinator, a staff member of its busiest school, the parent with the most
children, the hero with the most offers, and the demo's programme team member; opens each
page and API list of `PAGES` `--runs` times and keeps every query with its time (the
fastest run). Then it runs `EXPLAIN (ANALYZE, BUFFERS)` on the `--top` slowest distinct
queries and prints, for each, the page, the time, the plan's key lines (scans, sorts, the
execution time). Last on stdout: one JSON line with the same, and per page its queries, their
time and its slowest query's plan. Nothing is written.

With pg_stat_statements this would be a view; the server here does not preload it, and the
pages' own queries are what the indexes must serve.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass

PAGES = [
    ("parent", "activities:browse"),
    ("parent", "activities:children"),
    ("parent", "activities:my_enrolments"),
    ("staff", "activities:staff_list"),
    ("staff", "scheduler:request-list"),
    ("staff", "reports:school"),
    ("coordinator", "activities:staff_list"),
    ("coordinator", "activities:venue_clashes"),
    ("coordinator", "heroes:hero_list"),
    ("coordinator", "scheduler:request-list"),
    ("coordinator", "scheduler:board"),
    ("coordinator", "schools:school_list"),
    ("coordinator", "reports:dashboard"),
    ("hero", "scheduler:hero-offers"),
    ("programme", "reports:national"),
    ("parent", "/api/v1/activities/"),
    ("parent", "/api/v1/enrolments/"),
    ("staff", "/api/v1/activities/"),
    ("staff", "/api/v1/session-requests/"),
    ("coordinator", "/api/v1/activities/"),
    ("coordinator", "/api/v1/heroes/"),
    ("coordinator", "/api/v1/session-requests/"),
    ("coordinator", "/api/v1/visits/"),
    ("coordinator", "/api/v1/groups/"),
    ("hero", "/api/v1/offers/"),
    ("hero", "/api/v1/visits/"),
]
KEY_LINE = re.compile(
    r"Seq Scan|Index Scan|Index Only Scan|Bitmap Heap|Sort Method|Hash Join|Nested Loop|"
    r"Rows Removed|Execution Time|Planning Time"
)


@dataclass
class Query:
    page: str
    sql: str
    ms: float


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def people(town: str) -> dict:
    """The town's people by role; the school's pages take its busiest school."""
    from accounts.models import User
    from activities.models import Child, Enrolment
    from scheduler.models import Offer

    domain = f"@{town}.scale.test"
    busiest = Counter(
        Enrolment.objects.filter(child__guardian__email__endswith=domain).values_list(
            "activity__school_id", flat=True
        )
    ).most_common(1)[0][0]
    parent = Counter(
        Child.objects.filter(guardian__email__endswith=domain).values_list("guardian_id", flat=True)
    ).most_common(1)[0][0]
    hero = Counter(
        Offer.objects.filter(hero__user__email__endswith=domain).values_list(
            "hero__user_id", flat=True
        )
    ).most_common(1)[0][0]
    return {
        "coordinator": User.objects.get(email=f"coordinator{domain}"),
        "staff": User.objects.filter(staff_memberships__school_id=busiest).first(),
        "parent": User.objects.get(pk=parent),
        "hero": User.objects.get(pk=hero),
        "programme": User.objects.get(email="programma@demo.test"),
        "school_id": busiest,
    }


def collect(found: dict, runs: int) -> tuple[list[Query], dict]:
    """Every query of every page (its fastest of `runs`), and per page: queries, total ms."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    queries, pages = [], {}
    for role, name in PAGES:
        client = Client()
        client.force_login(found[role])
        if name.startswith("/"):
            url, headers = name, {"HTTP_ACCEPT": "application/json"}
        else:
            kwargs = {"pk": found["school_id"]} if name == "reports:school" else None
            url, headers = reverse(name, kwargs=kwargs), {}
        client.get(url, **headers)  # the session's first write, caches
        best = None
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url, **headers)
            taken = [(q["sql"], float(q["time"]) * 1000) for q in ctx.captured_queries]
            if best is None or sum(t for _, t in taken) < sum(t for _, t in best):
                best = taken
        page = f"{role} {name}"
        total = round(sum(t for _, t in best), 1)
        pages[page] = {"status": response.status_code, "queries": len(best), "sql_ms": total}
        say(f"{page:<50} {response.status_code} {len(best):>3} queries {total:>8} ms")
        queries += [Query(page, sql, ms) for sql, ms in best]
    return queries, pages


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


def shape(sql: str) -> str:
    """The query without its literal values: two pages' same query counts once."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.query_plans", description=__doc__)
    parser.add_argument("--town", default="amsterdam", help="the slug of a `demo --scale` town")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        say("bench.query_plans needs PostgreSQL: set DATABASE_URL=postgres://...")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # the test Client's host, and captured queries with DEBUG off
    queries, pages = collect(people(args.town), args.runs)
    slowest, seen = [], set()
    for query in sorted(queries, key=lambda q: -q.ms):
        if shape(query.sql) in seen or not query.sql.lstrip().upper().startswith("SELECT"):
            continue
        seen.add(shape(query.sql))
        slowest.append(query)
        if len(slowest) == args.top:
            break
    for page, figures in pages.items():
        mine = [q for q in queries if q.page == page and q.sql.lstrip().startswith("SELECT")]
        worst = max(mine, key=lambda q: q.ms)
        plan = [line.strip() for line in explain(worst.sql) if KEY_LINE.search(line)]
        figures["slowest"] = {"ms": round(worst.ms, 1), "sql": worst.sql[:300], "plan": plan}
    top = []
    for rank, query in enumerate(slowest, start=1):
        plan = explain(query.sql)
        key = [line.strip() for line in plan if KEY_LINE.search(line)]
        say(f"\n#{rank} {query.ms:.1f} ms  {query.page}\n  {query.sql[:400]}")
        for line in key[:14]:
            say(f"    {line}")
        top.append({"page": query.page, "ms": round(query.ms, 1), "sql": query.sql, "plan": key})
    print(json.dumps({"town": args.town, "pages": pages, "top": top}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

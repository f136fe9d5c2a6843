"""National matching: eight municipalities matched at once by real Celery workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bot python -m bench.matching_national \
        [--municipalities 8] [--schools 1000] [--heroes 5000] [--kits 40] [--requests 10000] \
        [--weeks 4] [--time-limit 10] [--workers 1,2] [--seed 1] [--broker URL] [--tiny]

It makes a fresh database beside the one in DATABASE_URL (`<name>_national`), migrates it and
writes the municipalities into it with bulk inserts: the national totals shared out by
population (Amsterdam about a quarter, Zaanstad a twentieth), each municipality's schools,
heroes, kits and open requests drawn as bench.matching draws them (`--weeks` school weeks from
the first Monday a week ahead). Before any run it loads each municipality as a run does
(scheduler.adapter.load) and computes two bounds on the real problem:
- served: the max-flow bound of scheduler.matching.bound (docs/matching.md);
- fit: `bound.fit_bound`, the same bound with the topic required, i.e. the most requests any
  solution can serve with a hero who has the topic and speaks the language. Among solutions
  serving `served`, at most min(fit bound, served) visits fit.

Then for each worker count in `--workers` it copies the seeded database (so every
configuration starts from the same rows and run numbers, hence the same answers), starts that
many `celery -A config worker -Q matching --pool=solo` processes (the matching pool of
docs/deploy.md) on a Redis broker (its own redis-server, or `--broker URL`, whose database is
emptied), and runs the periodic re-match (`runs_periodic`), which queues one run task per
municipality. Wall time is from that call to the last run's end. It checks every written offer
against every hard rule (`rules.validate`). Figures are ratios within the run: served against
the bound per municipality, fit against the fit bound, speedup = wall with the first worker
count / wall with the last, beside what the split allows (the first configuration's run
durations dealt largest first to the last count of workers) and the cores the workers got
(their CPU seconds / wall seconds): on a shared machine the speedup is capped by the cores it
gives. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench.enrolment_rush import _admin, database_urls, drop_database, recreate_database
from bench.matching import TOPICS, generate
from bench.reminders import celery_workers, start_redis, wait_for

ROOT = Path(__file__).resolve().parent.parent
# The programme's municipalities with their inhabitants (thousands, 2024): the shares of the
# national totals, largest first.
MUNICIPALITIES = [
    ("Amsterdam", 931),
    ("Rotterdam", 670),
    ("Den Haag", 562),
    ("Utrecht", 374),
    ("Eindhoven", 243),
    ("Tilburg", 227),
    ("Arnhem", 168),
    ("Zaanstad", 160),
]
TINY = {"schools": 24, "heroes": 40, "kits": 3, "requests": 60, "weeks": 1, "time_limit": 5.0}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.matching_national", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--municipalities", type=int, default=len(MUNICIPALITIES))
    parser.add_argument("--schools", type=int, default=1000, help="national total")
    parser.add_argument("--heroes", type=int, default=5000, help="national total")
    parser.add_argument("--kits", type=int, default=40, help="national total")
    parser.add_argument("--requests", type=int, default=10_000, help="national total, open")
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=10.0, help="per run (s)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, first = base")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--broker", default="", help="a Redis URL (emptied); default: own server")
    parser.add_argument("--timeout", type=float, default=1800.0, help="per configuration (s)")
    parser.add_argument("--tiny", action="store_true", help="three small municipalities, for CI")
    args = parser.parse_args(argv)
    if args.tiny:
        args.municipalities = min(args.municipalities, 3)
        vars(args).update(TINY)
    if not 1 <= args.municipalities <= len(MUNICIPALITIES):
        parser.error(f"--municipalities must be between 1 and {len(MUNICIPALITIES)}")
    args.worker_counts = [int(n) for n in args.workers.split(",")]
    if not args.worker_counts or min(args.worker_counts) < 1:
        parser.error("--workers lists worker counts of at least 1, e.g. 1,2")
    return args


def shares(total: int, weights: list[int]) -> list[int]:
    """`total` shared out by weight (largest remainder), at least 1 each."""
    exact = [total * w / sum(weights) for w in weights]
    out = [max(1, int(x)) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: int(exact[i]) - exact[i])
    for i in by_remainder[: max(0, total - sum(out))]:
        out[i] += 1
    return out


def first_monday(today: dt.date) -> dt.date:
    """The first Monday at least a week ahead: every window lies in the future for the runs."""
    ahead = today + dt.timedelta(days=7)
    return ahead + dt.timedelta(days=(7 - ahead.weekday()) % 7)


# --- data ----------------------------------------------------------------------------------


def seed(args: argparse.Namespace, now: dt.datetime) -> list[dict]:
    """Write every municipality; returns their sizes, largest first."""
    from core.time import local_date

    chosen = MUNICIPALITIES[: args.municipalities]
    weights = [w for _, w in chosen]
    sizes = zip(
        *(shares(getattr(args, k), weights) for k in ("schools", "heroes", "kits", "requests")),
        strict=True,
    )
    first_day = first_monday(local_date(now))
    written = []
    for i, ((name, _w), (schools, heroes, kits, requests)) in enumerate(
        zip(chosen, sizes, strict=True)
    ):
        inst = generate(
            requests, heroes, kits, args.weeks, args.seed + i, schools=schools, first_day=first_day
        )
        municipality_id = write_municipality(name, i, inst, now)
        written.append(
            {"name": name, "id": municipality_id, "requests": requests, "heroes": heroes}
            | {"kits": kits, "schools": len({r.school for r in inst.requests})}
        )
    return written


def write_municipality(name: str, index: int, inst, now: dt.datetime) -> int:
    """The engine instance as rows: schools (one group per request), requests with their
    windows, heroes with weekly windows, away weeks and VOGs, kits with maintenance blocks."""
    from django.utils.text import slugify

    from demo.scale.common import given_times
    from scheduler.models import RequestWindow, SessionRequest
    from schools.models import Municipality, Neighbourhood, current_school_year

    municipality = Municipality.objects.create(name=name, slug=slugify(name))
    hood_names = sorted({r.neighbourhood for r in inst.requests} | _hero_hoods(inst))
    hoods = {
        n.name: n
        for n in Neighbourhood.objects.bulk_create(
            Neighbourhood(municipality=municipality, name=hood) for hood in hood_names
        )
    }
    topics = _topics(municipality)
    schools = _schools(inst, index, hoods, name)
    year = current_school_year(inst.requests[0].windows[0][0].date())
    groups = _groups(inst, schools, year)
    shift = now - inst.now  # created_at relative to the real clock, as the runs read it
    requests = [
        SessionRequest(
            school=schools[r.school],
            group=group,
            kind=SessionRequest.Kind.VR if r.kind == "vr" else SessionRequest.Kind.HERO,
            topic=topics[r.topic],
            language=r.language,
            duration_min=r.duration_min,
            class_size=r.size,
            priority=r.priority,
            created_at=r.created_at + shift,
            updated_at=now,
        )
        for r, group in zip(inst.requests, groups, strict=True)
    ]
    with given_times(SessionRequest):
        requests = SessionRequest.objects.bulk_create(requests, batch_size=2000)
    RequestWindow.objects.bulk_create(
        (
            RequestWindow(request=row, starts_at=start, ends_at=end)
            for row, r in zip(requests, inst.requests, strict=True)
            for start, end in r.windows
        ),
        batch_size=2000,
    )
    _heroes(inst, municipality, index, hoods, topics)
    _kits(inst, municipality)
    return municipality.pk


def _hero_hoods(inst) -> set[str]:
    return {n for h in inst.heroes for n in (h.home_neighbourhood, *h.neighbourhoods) if n}


def _topics(municipality) -> dict[str, object]:
    from heroes.models import Topic

    rows = Topic.objects.bulk_create(Topic(municipality=municipality, name=t) for t in TOPICS)
    return {t.name: t for t in rows}


def _schools(inst, index: int, hoods, city: str) -> dict[str, object]:
    from schools.models import School

    hood_of = {r.school: r.neighbourhood for r in inst.requests}
    rows = []
    for n, (key, hood) in enumerate(sorted(hood_of.items())):
        code = index * 2000 + n  # BRIN: two digits and two letters, unique nationally
        rows.append(
            School(
                name=f"School {key}",
                brin=f"{code // 676:02d}{chr(65 + code // 26 % 26)}{chr(65 + code % 26)}",
                level=School.Level.VO if n % 4 == 0 else School.Level.PO,
                street=f"Schoolstraat {n + 1}",
                postcode="1500 AA",
                city=city,
                neighbourhood=hoods[hood],
            )
        )
    return {row.name.removeprefix("School "): row for row in School.objects.bulk_create(rows)}


def _groups(inst, schools, year: str) -> list:
    from schools.models import Group

    return Group.objects.bulk_create(
        (
            Group(
                school=schools[r.school],
                name=f"Klas {i}",
                grade=1 + i % 6,
                school_year=year,
                pupils=r.size,
            )
            for i, r in enumerate(inst.requests)
        ),
        batch_size=2000,
    )


def _heroes(inst, municipality, index: int, hoods, topics) -> None:
    from accounts.models import User
    from core.time import LOCAL_TZ
    from demo.scale.common import UNUSABLE_PASSWORD
    from heroes.models import AvailabilityException, AvailabilityWindow, Hero, VOGCheck

    users = User.objects.bulk_create(
        (
            User(email=f"hero{index}-{h.id}@bench.test", name=h.id, password=UNUSABLE_PASSWORD)
            for h in inst.heroes
        ),
        batch_size=2000,
    )
    first = min(s.astimezone(LOCAL_TZ).date() for r in inst.requests for s, _e in r.windows)
    rows = Hero.objects.bulk_create(
        (
            Hero(
                user=user,
                municipality=municipality,
                display_name=h.id,
                languages=sorted(h.languages),
                home_neighbourhood=hoods.get(h.home_neighbourhood),
                max_visits_per_month=h.max_visits_per_month,
                vr_trained_on=first - dt.timedelta(days=200) if h.vr_trained else None,
            )
            for user, h in zip(users, inst.heroes, strict=True)
        ),
        batch_size=2000,
    )
    pairs = list(zip(rows, inst.heroes, strict=True))
    Hero.topics.through.objects.bulk_create(
        Hero.topics.through(hero_id=row.pk, topic_id=topics[t].pk)
        for row, h in pairs
        for t in sorted(h.topics)
    )
    Hero.visit_neighbourhoods.through.objects.bulk_create(
        Hero.visit_neighbourhoods.through(hero_id=row.pk, neighbourhood_id=hoods[n].pk)
        for row, h in pairs
        for n in sorted(h.neighbourhoods)
    )
    windows, away = [], []
    for row, h in pairs:
        blocks, weeks = _weekly(h.available, first)
        windows += [
            AvailabilityWindow(hero=row, weekday=d, start_time=s, end_time=e) for d, s, e in blocks
        ]
        away += [
            AvailabilityException(hero=row, starts_on=monday, ends_on=monday + dt.timedelta(6))
            for monday in weeks
        ]
    AvailabilityWindow.objects.bulk_create(windows, batch_size=2000)
    AvailabilityException.objects.bulk_create(away, batch_size=2000)
    VOGCheck.objects.bulk_create(
        (
            VOGCheck(
                hero=row,
                issued_on=h.vog_valid_until - dt.timedelta(days=3 * 365),
                valid_until=h.vog_valid_until,
                recorded_at=inst.now,
            )
            for row, h in pairs
            if h.vog_valid_until is not None
        ),
        batch_size=2000,
    )


def _weekly(spans, first: dt.date):
    """Dated spans back to weekly windows (overlapping ones on a weekday merged), and the
    Mondays of the weeks without any span (the hero is away then)."""
    from core.time import LOCAL_TZ

    by_day: dict[int, list] = {}
    weeks = set()
    for start, end in spans:
        start, end = start.astimezone(LOCAL_TZ), end.astimezone(LOCAL_TZ)
        by_day.setdefault(start.weekday(), []).append((start.time(), end.time()))
        weeks.add(start.date() - dt.timedelta(days=start.weekday()))
    blocks = []
    for day, times in sorted(by_day.items()):
        merged: list[list] = []
        for s, e in sorted(set(times)):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        blocks += [(day, s, e) for s, e in merged]
    last = max(weeks, default=first)
    mondays = [first + dt.timedelta(weeks=w) for w in range((last - first).days // 7 + 1)]
    return blocks, [m for m in mondays if m not in weeks]


def _kits(inst, municipality) -> None:
    from scheduler.models import Kit, KitBlock

    rows = Kit.objects.bulk_create(
        Kit(municipality=municipality, name=f"VR-kit {k.id}", headsets=k.headsets)
        for k in inst.kits
    )
    KitBlock.objects.bulk_create(
        KitBlock(kit=row, starts_at=s, ends_at=e, reason="Onderhoud")
        for row, k in zip(rows, inst.kits, strict=True)
        for s, e in k.blocked
    )


# --- bounds, before any run ---------------------------------------------------------------


def bounds(municipalities: list[dict], now: dt.datetime) -> dict[int, dict]:
    """Per municipality: the instance a run loads, its served bound and its fit bound."""
    from scheduler import adapter
    from scheduler.matching import bound

    out = {}
    for m in municipalities:
        inst = adapter.load(m["id"], now).instance
        started = time.perf_counter()
        served = bound.upper_bound(inst)
        fit = bound.fit_bound(inst)
        out[m["id"]] = {
            "instance": inst,
            "bound": served,
            "fit_bound": fit,
            "bound_s": time.perf_counter() - started,
        }
    return out


# --- a national run on real workers ---------------------------------------------------------


def start_workers(stack, n: int, *, url: str, broker: str, time_limit: float, logs: Path):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": broker,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_URL": "dummy://",
        "MATCHING_TIME_LIMIT_S": str(time_limit),
    }
    return celery_workers(
        stack,
        [("-A", "config", "worker", "-Q", "matching", f"-n=matching{i}@%h") for i in range(n)],
        env=env,
        logs=[logs / f"worker{n}-{i}.log" for i in range(n)],
        ready_within=120,
    )


def cpu_seconds(processes) -> float:
    """CPU time (user + system) the processes have used so far (Linux /proc; 0 elsewhere)."""
    total = 0.0
    for process in processes:
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def national_run(timeout: float) -> dict:
    """The periodic re-match queues one run per municipality; wait for all of them."""
    from django.utils import timezone

    from scheduler.models import MatchingRun, Offer
    from scheduler.services import runs_periodic

    began = timezone.now()
    queued = runs_periodic(now=began)
    active = MatchingRun.objects.filter(
        status__in=[MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING]
    )
    wait_for(lambda: not active.exists(), timeout, "the matching runs")
    runs = list(MatchingRun.objects.order_by("pk"))
    offers = list(
        Offer.objects.filter(run__in=runs)
        .select_related("request__school__neighbourhood")
        .order_by("pk")
    )
    return {
        "queued": queued,
        "wall_s": (max(r.finished_at for r in runs) - began).total_seconds(),
        "runs": {
            r.municipality_id: {
                "order": n,
                "status": r.status,
                "error": r.error,
                "offers": r.offers_made,
                "run_s": (r.finished_at - r.started_at).total_seconds() if r.started_at else None,
                "solve_s": r.solve_s,
            }
            for n, r in enumerate(runs)
        },
        "offers": offers,
    }


def configuration(stack, args, n: int, *, admin_url: str, seed_name: str, broker: str, logs):
    """A fresh copy of the seeded database, n matching workers, one national run."""
    import redis
    from django.db import connections

    run_name = f"{seed_name}_run"
    connections.close_all()
    _admin(admin_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", run_name)
    _copy(admin_url, seed_name, run_name)
    connections["default"].settings_dict["NAME"] = run_name
    url = admin_url.rsplit("/", 1)[0] + f"/{run_name}"
    with ExitStack() as workers:
        processes = start_workers(
            workers, n, url=url, broker=broker, time_limit=args.time_limit, logs=logs
        )
        before = cpu_seconds(processes)
        try:
            result = national_run(args.timeout)
            result["cpu_s"] = cpu_seconds(processes) - before
        except BaseException:
            for log in sorted(logs.glob(f"worker{n}-*.log")):
                sys.stderr.write(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}\n")
            raise
    connections.close_all()
    connections["default"].settings_dict["NAME"] = seed_name
    _admin(admin_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", run_name)
    redis.Redis.from_url(broker).flushdb()  # the offers' mail, queued for a pool not running
    return result


def _copy(admin_url: str, source: str, target: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(target), sql.Identifier(source)
            )
        )


# --- figures --------------------------------------------------------------------------------


def judge(municipalities, bounded, result) -> list[dict]:
    """Per municipality: served against the bound, fit against the fit bound, rule errors."""
    from scheduler.matching.model import Assignment
    from scheduler.matching.rules import validate

    by_city: dict[int, list] = {m["id"]: [] for m in municipalities}
    for o in result["offers"]:
        by_city[o.request.school.neighbourhood.municipality_id].append(o)
    rows = []
    for m in municipalities:
        inst, offers = bounded[m["id"]]["instance"], by_city[m["id"]]
        heroes = {h.id: h for h in inst.heroes}
        requests = {r.id: r for r in inst.requests}
        assignments = [
            Assignment(
                str(o.request_id),
                str(o.hero_id),
                str(o.kit_id) if o.kit_id else None,
                o.starts_at,
                o.ends_at,
            )
            for o in offers
        ]
        fitting = sum(
            1
            for a in assignments
            if requests[a.request].topic in heroes[a.hero].topics
            and requests[a.request].language in heroes[a.hero].languages
        )
        served, ub = len(offers), bounded[m["id"]]["bound"]
        fit_reach = min(bounded[m["id"]]["fit_bound"], served)
        run = result["runs"][m["id"]]
        rows.append(
            m
            | {
                "status": run["status"],
                "order": run["order"],
                "served": served,
                "bound": ub,
                "ratio": round(served / max(ub, 1), 4),
                "fit": fitting,
                "fit_share": round(fitting / max(served, 1), 4),
                "fit_bound_share": round(fit_reach / max(served, 1), 4),
                "fit_ratio": round(fitting / max(fit_reach, 1), 4),
                "errors": len(validate(inst, assignments)),
                "run_s": round(run["run_s"] or 0, 2),
                "solve_s": run["solve_s"],
            }
        )
    return rows


def makespan(durations: list[float], workers: int) -> float:
    """The longest worker's total when runs are taken largest first by the first free one."""
    ends = [0.0] * workers
    for d in sorted(durations, reverse=True):
        ends[ends.index(min(ends))] += d
    return max(ends)


def report(rows, walls: dict[int, float], works: dict[int, float], cpus: dict[int, float]):
    print(
        f"{'municipality':<11} {'requests':>8} {'heroes':>6} {'served':>6} {'bound':>6}"
        f" {'ratio':>6} {'fit':>6} {'fit max':>7} {'run s':>6}"
    )
    for r in rows:
        print(
            f"{r['name']:<11} {r['requests']:>8} {r['heroes']:>6} {r['served']:>6}"
            f" {r['bound']:>6} {r['ratio']:>6.2%} {r['fit_share']:>6.1%}"
            f" {r['fit_bound_share']:>7.1%} {r['run_s']:>6.1f}"
        )
    for n, wall in walls.items():
        print(
            f"{n} worker(s): national run in {wall:.1f} s wall, {works[n]:.1f} s of runs,"
            f" {cpus[n]:.1f} s of CPU = {cpus[n] / wall:.2f} cores on average"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "bench.matching_national needs PostgreSQL: set DATABASE_URL=postgres://user@host/name"
            " (it creates and drops <name>_national and <name>_national_run on that server).",
            file=sys.stderr,
        )
        return 2
    admin_url, seed_url, seed_name = database_urls(url, "national")
    recreate_database(admin_url, seed_name)
    try:
        out = run(args, admin_url, seed_url, seed_name)
    finally:
        drop_database(admin_url, seed_name)
    print(json.dumps(out), flush=True)
    # Not `same_answers`: on a busy machine the solver's wall-clock safety stop may fire.
    return 0 if out["errors"] == 0 and out["failed_runs"] == 0 else 1


def run(args, admin_url: str, seed_url: str, seed_name: str) -> dict:
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        broker = start_redis(stack, args)
        os.environ.update(
            DATABASE_URL=seed_url,
            REDIS_URL=broker,  # this process queues the runs on the workers' broker
            DJANGO_SETTINGS_MODULE="config.settings",
        )
        os.environ.setdefault("DJANGO_DEBUG", "1")  # this process only seeds, queues, reads
        import django
        from django.core.management import call_command
        from django.utils import timezone

        django.setup()
        call_command("migrate", verbosity=0)
        now = timezone.now()
        started = time.perf_counter()
        municipalities = seed(args, now)
        seed_s = time.perf_counter() - started
        bounded = bounds(municipalities, now)
        print(
            f"seeded {len(municipalities)} municipalities in {seed_s:.1f} s: "
            + ", ".join(f"{m['name']} {m['requests']}" for m in municipalities)
        )
        results = {
            n: configuration(
                stack,
                args,
                n,
                admin_url=admin_url,
                seed_name=seed_name,
                broker=broker,
                logs=Path(tmp),
            )
            for n in args.worker_counts
        }
    judged = {n: judge(municipalities, bounded, r) for n, r in results.items()}
    base, last = args.worker_counts[0], args.worker_counts[-1]
    walls = {n: r["wall_s"] for n, r in results.items()}
    works = {n: sum(x["run_s"] for x in rows) for n, rows in judged.items()}
    cpus = {n: r["cpu_s"] for n, r in results.items()}
    rows = judged[base]
    report(rows, walls, works, cpus)
    same = all(
        [(r["served"], r["fit"]) for r in judged[n]] == [(r["served"], r["fit"]) for r in rows]
        for n in judged
    )
    speedup = walls[base] / walls[last]
    # What the split allows: the base run's durations dealt to `last` workers largest first.
    allowed = works[base] / makespan([r["run_s"] for r in rows], last) if works[base] else 0.0
    print(
        f"speedup {base} -> {last} workers: {speedup:.2f} (the split allows {allowed:.2f} when"
        f" each worker has a core of its own); same answers: {same}"
    )
    served, bound_total = sum(r["served"] for r in rows), sum(r["bound"] for r in rows)
    return {
        "municipalities": len(rows),
        "requests": sum(r["requests"] for r in rows),
        "heroes": sum(r["heroes"] for r in rows),
        "kits": sum(r["kits"] for r in rows),
        "schools": sum(r["schools"] for r in rows),
        "weeks": args.weeks,
        "time_limit": args.time_limit,
        "served": served,
        "bound": bound_total,
        "ratio": round(served / max(bound_total, 1), 4),
        "min_ratio": min(r["ratio"] for r in rows),
        "fit_share": round(sum(r["fit"] for r in rows) / max(served, 1), 4),
        "fit_bound_share": round(
            sum(r["fit_bound_share"] * r["served"] for r in rows) / max(served, 1), 4
        ),
        "wall_s": {str(n): round(w, 2) for n, w in walls.items()},
        "work_s": {str(n): round(w, 2) for n, w in works.items()},
        # CPU the workers got: cores_used near the worker count means each had a core.
        "cpu_s": {str(n): round(c, 2) for n, c in cpus.items()},
        "cores_used": {str(n): round(cpus[n] / walls[n], 2) for n in walls},
        "speedup": round(speedup, 3),
        "speedup_allowed": round(allowed, 3),
        "same_answers": same,
        "errors": sum(r["errors"] for rows_ in judged.values() for r in rows_),
        "failed_runs": sum(r["status"] != "done" for rows_ in judged.values() for r in rows_),
        "seed_s": round(seed_s, 1),
        "bound_s": round(sum(b["bound_s"] for b in bounded.values()), 2),
        "per_municipality": [
            {k: r[k] for k in ("name", "requests", "heroes", "served", "bound", "ratio")}
            | {k: r[k] for k in ("fit_share", "fit_bound_share", "run_s", "solve_s", "order")}
            for r in rows
        ],
        "cpus": os.cpu_count(),
        "load_avg": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    sys.exit(main())

"""Load at growing data sizes: the locust scenario against the whole system, size by size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bot REDIS_URL=redis://127.0.0.1:6379/0 \
        python -m bench.scale [--sizes demo,city,national] [--users 20] [--spawn-rate 10] \
        [--seconds 60] [--think 1,5] [--workers 4] [--threads 4] [--plot docs/scale.svg] \
        [--tiny]

For each size it makes a fresh database beside the one in DATABASE_URL (`<name>_scale`),
migrates it, builds the data (`demo`: `manage.py demo`, Zaanstad; `city`, `national`, `tiny`:
`manage.py demo --scale <size>`, the demo plus Amsterdam, the eight municipalities of the
national programme, or two tiny towns) and runs VACUUM ANALYZE. It picks the accounts people
log in with (bench/load_accounts.py) and starts the system as in production: gunicorn
(DJANGO_DEBUG=0, bench.settings, a free port, HTTPS with a certificate of its own), a Celery
worker on every queue, and Redis as broker and cache (REDIS_URL's server, database
`--redis-db`, emptied before and after). Then locust runs headless (bench/locustfile.py:
parents, staff, heroes, coordinators, the programme team; `--users` people arriving
`--spawn-rate` a second, each waiting `--think` seconds between steps). The clock starts when
the last one has logged in and runs `--seconds`. Before the database is dropped it waits for
the worker to empty the queues.

It prints a table per size (each page: requests, requests/s, p50/p95/p99, failures, p95
against the floor's p95 in the same run; goal under 3, no failures), writes a plot of p95
and throughput against data size (`--plot`), and prints one JSON object as its last line.
`--tiny` is for tests: the tiny towns, 17 people for 20 seconds, no plot; it checks that every
page answered and none failed, not the speed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.enrolment_rush import (
    database_urls,
    drop_database,
    free_port,
    recreate_database,
    stop_server,
)

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 3.0
FLOOR = "floor"
# Every page the scenario opens, by its locust name; --tiny checks each answered.
PAGES = (
    "activities",
    "activity",
    "enrol",
    "my enrolments",
    "staff activities",
    "staff activity",
    "register",
    "register: save",
    "hero offers",
    "hero offer",
    "offer: accept",
    "board",
    "dashboard",
    "school report",
    "national figures",
)
LOGIN_ALLOWANCE_S = 600  # time for everyone to log in before the measured window
# Every run opens these; the answers to offers (and so a hero's offer page) need offers still
# waiting, which the first minutes of a small city can use up.
OPENED = tuple(p for p in PAGES if p not in ("hero offer", "offer: accept"))
QUEUES = "mail,matching,default,celery"  # the named queues and Celery's own default


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="demo,city", help="comma-separated: demo,city,national")
    parser.add_argument("--users", type=int, default=20, help="simulated people at once")
    parser.add_argument("--spawn-rate", type=float, default=10, help="people arriving a second")
    parser.add_argument("--seconds", type=int, default=60, help="measured time per size")
    parser.add_argument(
        "--think", default="1,5", help="seconds a person waits between steps: min,max"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--redis-db", type=int, default=12, help="Redis database number")
    parser.add_argument("--plot", default="docs/scale.svg", help="SVG to write; '' for none")
    parser.add_argument("--tiny", action="store_true", help="a quick correctness run, for tests")
    args = parser.parse_args(argv)
    if args.tiny:
        args.sizes, args.users, args.spawn_rate, args.seconds = "tiny", 17, 17, 20
        args.workers, args.threads, args.plot, args.think = 2, 2, "", "0.5,2"
    args.sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    unknown = set(args.sizes) - {"tiny", "demo", "city", "national"}
    if unknown:
        parser.error(f"unknown sizes: {', '.join(sorted(unknown))}")
    if args.users < 5:
        parser.error("--users must be at least 5: one of each kind of person")
    return args


def redis_url(db: int) -> str:
    base = os.environ.get("REDIS_URL", "")
    if not base.startswith("redis://"):
        return ""
    server = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    return f"{server}/{db}"


# --- data ----------------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.update(DJANGO_SETTINGS_MODULE="bench.settings", DJANGO_DEBUG="0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-scale-not-secret")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("SITE_URL", "http://127.0.0.1")
    os.environ.update(EMAIL_URL="dummy://", LOG_LEVEL="WARNING")
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)  # building the data queues nothing
    import django

    django.setup()


def build(size: str, seed: int) -> dict:
    """Migrate and fill the (empty) database; returns the row counts."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if size == "demo":
        call_command("demo", force=True, verbosity=0)
    elif size in demo_scales():
        call_command("demo", scale=size, seed=seed, force=True, verbosity=0)
    else:
        raise SystemExit(f"size {size!r}: `manage.py demo --scale {size}` is not in this code")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return row_counts()


def demo_scales() -> list[str]:
    """The sizes `manage.py demo --scale` offers in this code (none before it has the option)."""
    from django.core.management import load_command_class

    parser = load_command_class("demo", "demo").create_parser("manage.py", "demo")
    for action in parser._actions:
        if "--scale" in action.option_strings:
            return list(action.choices or [])
    return []


def row_counts() -> dict[str, int]:
    from accounts.models import User
    from activities.models import Activity, Child, Enrolment
    from heroes.models import Hero
    from scheduler.models import Offer, Visit
    from schools.models import Municipality, School

    models = {
        "municipalities": Municipality,
        "schools": School,
        "users": User,
        "children": Child,
        "activities": Activity,
        "enrolments": Enrolment,
        "heroes": Hero,
        "offers": Offer,
        "visits": Visit,
    }
    return {name: model.objects.count() for name, model in models.items()}


def floor_query() -> str:
    from schools.models import Municipality

    first = Municipality.objects.order_by("pk").values_list("pk", flat=True).first()
    return f"?municipality={first}" if first else ""


# --- the system ----------------------------------------------------------------------------


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, so the site is served over HTTPS as in
    production (its cookies are Secure: a browser sends them back over HTTPS only)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def system_env(bench_url: str, broker: str) -> dict:
    """Production settings (DEBUG off) on the bench database, Redis as broker and cache."""
    return {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": broker,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-scale-not-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "EMAIL_URL": "dummy://",
        "LOG_LEVEL": "WARNING",
    }


def start_server(args, env: dict, port: int, tls: tuple[Path, Path], log) -> subprocess.Popen:
    cert_file, key_file = tls
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
        f"--certfile={cert_file}",
        f"--keyfile={key_file}",
        "--log-level=warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def wait_until_ready(server: subprocess.Popen, port: int, timeout: float = 180) -> None:
    """Until /healthz says the database and the broker answer (no beat runs here, so its
    scheduled-work part is not asked)."""
    import http.client
    import ssl

    context = ssl._create_unverified_context()  # our own certificate
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=context)
            conn.request("GET", "/healthz")
            health = json.loads(conn.getresponse().read() or b"{}")
            if health.get("database") == "ok" and health.get("broker") == "ok":
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def start_worker(env: dict, log) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        f"--queues={QUEUES}",
        "--concurrency=1",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def stop_worker(worker: subprocess.Popen) -> None:
    stop_server(worker)  # TERM, a warm shutdown; KILL after 20 s


def queued(url: str) -> int:
    """Tasks still waiting in the broker's queues, and mail ids on the relay's lists
    (notifications.relay) that no drain has taken yet."""
    import redis

    client = redis.Redis.from_url(url)
    relay_lists = list(client.scan_iter("bot:*:mail:pending"))
    return sum(client.llen(name) for name in [*QUEUES.split(","), *relay_lists])


def wait_for_queues(url: str, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while (left := queued(url)) and time.monotonic() < deadline:
        time.sleep(0.5)
    return left


def flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def run_locust(args, port: int, accounts_file: str, query: str, csv_prefix: str, log) -> int:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        f"--users={args.users}",
        f"--spawn-rate={args.spawn_rate}",
        f"--run-time={args.seconds + LOGIN_ALLOWANCE_S}s",  # the locustfile stops it sooner
        f"--host=https://127.0.0.1:{port}",
        f"--csv={csv_prefix}",
        "--only-summary",
        "--stop-timeout=10",
        "--loglevel=WARNING",
    ]
    env = {
        **os.environ,
        "BENCH_ACCOUNTS": accounts_file,
        "BENCH_FLOOR_QUERY": query,
        "BENCH_SECONDS": str(args.seconds),
        "BENCH_THINK": args.think,
    }
    return subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=log).returncode


def read_stats(csv_prefix: str) -> dict:
    """Locust's per-page figures (the _stats.csv it wrote), by page name."""
    pages = {}
    with open(f"{csv_prefix}_stats.csv", newline="") as file:
        for row in csv.DictReader(file):
            requests = int(row["Request Count"])
            pages[row["Name"]] = {
                "requests": requests,
                "per_s": float(row["Requests/s"]),
                "p50_ms": _ms(row["50%"]),
                "p95_ms": _ms(row["95%"]),
                "p99_ms": _ms(row["99%"]),
                "failures": int(row["Failure Count"]),
            }
    return pages


def _ms(value: str) -> float:
    return float(value) if value not in ("", "N/A") else 0.0


def read_failures(csv_prefix: str) -> list[dict]:
    with open(f"{csv_prefix}_failures.csv", newline="") as file:
        return [
            {"page": row["Name"], "error": row["Error"], "count": int(row["Occurrences"])}
            for row in csv.DictReader(file)
        ]


# --- one size ------------------------------------------------------------------------------


def measure_size(args, size: str, maintenance_url: str, bench_url: str, name: str) -> dict:
    from django.db import connections
    from django.utils import timezone

    from bench import load_accounts

    connections.close_all()
    recreate_database(maintenance_url, name)
    started = time.perf_counter()
    rows = build(size, args.seed)
    build_s = time.perf_counter() - started
    say(f"[{size}] built in {build_s:.0f} s: " + ", ".join(f"{n} {k}" for k, n in rows.items()))
    accounts = load_accounts.prepare(args.users, timezone.now())
    query = floor_query()
    connections.close_all()
    broker = args.broker
    flush(broker)
    port = free_port()
    env = system_env(bench_url, broker)
    with tempfile.TemporaryDirectory() as folder, open(Path(folder) / "log", "w+") as log:
        accounts_file = Path(folder) / "accounts.json"
        accounts_file.write_text(json.dumps(accounts))
        server = start_server(args, env, port, certificate(Path(folder)), log)
        worker = start_worker(env, log)
        try:
            wait_until_ready(server, port)
            prefix = str(Path(folder) / "locust")
            code = run_locust(args, port, str(accounts_file), query, prefix, log)
            pages, failures = read_stats(prefix), read_failures(prefix)
            left = wait_for_queues(broker)
        except BaseException:
            log.seek(0)
            sys.stderr.write(log.read()[-5000:])
            raise
        finally:
            stop_server(server)
            stop_worker(worker)
            flush(broker)
        log.seek(0)
        for line in log:
            if "could not log in" in line:
                say(f"  {line.strip()}")
        if code not in (0, 1) or failures or (args.tiny and set(PAGES) - set(pages)):
            log.seek(0)  # the log says why (1: some requests failed, the figures show which)
            sys.stderr.write(log.read()[-5000:])
        if code not in (0, 1):
            raise RuntimeError(f"locust exited with {code}")
    return summarise(size, rows, build_s, accounts, pages, failures, left)


def summarise(size, rows, build_s, accounts, pages, failures, left) -> dict:
    total = pages.pop("Aggregated", {})
    floor = pages.get(FLOOR, {})
    floor_p95 = floor.get("p95_ms") or 0.0
    for name, figures in pages.items():
        if name != FLOOR and floor_p95:
            figures["ratio_p95"] = round(figures["p95_ms"] / floor_p95, 2)
    over = sorted(
        name for name, f in pages.items() if name in PAGES and f.get("ratio_p95", 0) > GOAL_RATIO
    )
    return {
        "size": size,
        "rows": rows,
        "build_s": round(build_s, 1),
        "accounts": {role: len(people) for role, people in accounts.items()},
        "requests": total.get("requests", 0),
        "per_s": total.get("per_s", 0.0),
        "failures": total.get("failures", 0),
        "floor_p95_ms": floor_p95,
        "pages": pages,
        "over_goal": over,
        "missing": [name for name in OPENED if not pages.get(name, {}).get("requests")],
        "failure_kinds": failures,
        "queued_left": left,
    }


# --- report and plot -----------------------------------------------------------------------


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def report(result: dict) -> None:
    for run in result["sizes"]:
        say(
            f"\n{run['size']}: {run['rows'].get('children', 0)} children,"
            f" {run['rows'].get('activities', 0)} activities; {result['users']} people,"
            f" {run['requests']} requests, {run['per_s']:.1f}/s, {run['failures']} failures,"
            f" floor p95 {run['floor_p95_ms']:.0f} ms, tasks left queued {run['queued_left']}"
        )
        say(
            f"  {'page':<18} {'requests':>8} {'per s':>6} {'p50':>6} {'p95':>6} {'p99':>6}"
            f" {'fail':>5} {'p95/floor':>9}"
        )
        for name, f in sorted(run["pages"].items()):
            ratio = f"{f['ratio_p95']:>9.1f}" if "ratio_p95" in f else " " * 9
            say(
                f"  {name:<18} {f['requests']:>8} {f['per_s']:>6.1f} {f['p50_ms']:>6.0f}"
                f" {f['p95_ms']:>6.0f} {f['p99_ms']:>6.0f} {f['failures']:>5} {ratio}"
            )
        for failure in run["failure_kinds"]:
            say(f"  failed: {failure['page']}: {failure['error']} ({failure['count']}x)")
        if run["over_goal"]:
            say(f"  p95 above {GOAL_RATIO:.0f}x the floor: {', '.join(run['over_goal'])}")
        if run["missing"]:
            say(f"  not opened in this run: {', '.join(run['missing'])}")


def plot(result: dict, path: str) -> None:
    """p95 per page (log scale) beside the floor and three times it, and requests/s, against
    data size, as an SVG."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "bench-scale"  # the same figures, the same file
    import matplotlib.pyplot as plt

    runs = result["sizes"]
    labels = [f"{r['size']}\n{r['rows'].get('children', 0):,} children" for r in runs]
    x = list(range(len(runs)))
    figure, (left, right) = plt.subplots(
        1, 2, figsize=(12, 5), gridspec_kw={"width_ratios": [3, 1.4]}
    )
    names = [p for p in PAGES if any(p in r["pages"] for r in runs)]
    colours = plt.get_cmap("tab20").colors
    for index, name in enumerate(names):
        values = [r["pages"].get(name, {}).get("p95_ms") or float("nan") for r in runs]
        left.plot(x, values, marker="o", linewidth=1, color=colours[index % 20], label=name)
    floor = [r["floor_p95_ms"] or float("nan") for r in runs]
    left.plot(x, floor, marker="o", color="black", linewidth=2.5, label="floor")
    left.plot(x, [GOAL_RATIO * f for f in floor], color="black", linestyle="--", label="3 x floor")
    left.set_yscale("log")
    left.set_ylabel("p95 (ms, log scale)")
    left.set_title("p95 per page against the floor in the same run")
    left.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    right.bar(x, [r["per_s"] for r in runs], color="tab:blue")
    right.set_ylabel("requests per second (all pages)")
    right.set_title(f"Throughput, {result['users']} people")
    for axis in (left, right):
        axis.set_xticks(x, labels)
    figure.tight_layout()
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)


# --- main ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    args.broker = redis_url(args.redis_db)
    if not url.startswith(("postgres://", "postgresql://")) or not args.broker:
        say(
            "bench.scale needs PostgreSQL and Redis: set DATABASE_URL=postgres://user@host/name"
            " (it creates and drops <name>_scale) and REDIS_URL=redis://host:6379/0 (it uses"
            f" database {args.redis_db} of that server)."
        )
        return 2
    maintenance_url, bench_url, name = database_urls(url, "scale")
    os.environ["DATABASE_URL"] = bench_url
    setup_django()
    runs = []
    try:
        for size in args.sizes:
            runs.append(measure_size(args, size, maintenance_url, bench_url, name))
    finally:
        drop_database(maintenance_url, name)
    result = {
        "users": args.users,
        "seconds": args.seconds,
        "workers": args.workers,
        "threads": args.threads,
        "cpus": os.cpu_count(),
        "goal_ratio_p95": GOAL_RATIO,
        "sizes": runs,
    }
    report(result)
    if args.plot:
        plot(result, args.plot)
        say(f"Plot: {args.plot}")
    print(json.dumps(result), flush=True)
    ok = all(r["failures"] == 0 and r["queued_left"] == 0 for r in runs)
    if args.tiny:
        ok = ok and not any(r["missing"] for r in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
